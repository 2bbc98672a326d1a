"""Pure Plotly figure builders for the pages: trends, flood chart with alarm lines, offline map, KPI
charts."""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.json_types import JsonObject, Point
from dashboard.map_layers import BaseMap, fit_aspect, tile_images
from dashboard.sensor_view import FLOOD_COLOURS

TEXT = "#e6edf7"
GRID = "rgba(230,237,247,0.12)"
NO_BAR = {"displayModeBar": False, "staticPlot": False}
KPI_STATUS_COLOURS = {
    "met": "#2e9d4f",
    "near": "#f0c419",
    "behind": "#e03131",
    "no_target": "#8fb8ff",
    "no_value": "#6b7280",
}
EXPORT_BAR = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


Figure = JsonObject  # a Plotly figure as a plain dict: dcc.Graph takes it as is, without go.Figure's checks


def _base(font_px: int = 14, height: int | None = None) -> Figure:
    axis = {"gridcolor": GRID, "zeroline": False, "nticks": 5}
    layout: JsonObject = {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": TEXT, "size": font_px},
        "margin": {"l": round(font_px * 2.4), "r": round(font_px * 0.6), "t": round(font_px * 0.4),
                   "b": round(font_px * 1.6)},
        "showlegend": False,
        "shapes": [],
        "annotations": [],
        "xaxis": {**axis, "tickformat": "%H:%M", "automargin": True},
        "yaxis": {**axis, "automargin": True},
    }
    if height:
        layout["height"] = height
    return {"data": [], "layout": layout}


def _hline(
    fig: Figure, y: float, colour: str, dash: str = "dash", label: str = "", font_px: int = 12
) -> None:
    fig["layout"]["shapes"].append(
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": y,
            "y1": y,
            "line": {"color": colour, "dash": dash, "width": 2},
        }
    )
    if label:
        fig["layout"]["annotations"].append(
            {
                "xref": "paper",
                "x": 0,
                "y": y,
                "text": label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"color": colour, "size": font_px},
            }
        )


def trend_figure(points: Sequence[Point], colour: str, unit: str, font_px: int = 14) -> Figure:
    """A filled line of [[time, value], ...]."""
    fig = _base(font_px)
    fig["data"].append(
        {
            "type": "scatter",
            "x": [p[0] for p in points],
            "y": [p[1] for p in points],
            "mode": "lines",
            "line": {"color": colour, "width": 3},
            "fill": "tozeroy",
            "fillcolor": "rgba(143,184,255,0.12)",
            "hovertemplate": f"%{{y:.1f}} {unit}<extra></extra>",
        }
    )
    fig["layout"]["yaxis"]["rangemode"] = "tozero"
    return fig


def flood_figure(points: Sequence[Point], levels_cm: Sequence[float], font_px: int = 14,
                 names: Sequence[str] | None = None) -> Figure:
    """Water level over time against the three alarm lines, named on the point's scale ("BĐ I" … "BĐ III" at
    river gauges, "Ngập 1" … "Ngập 3" at local depth points)."""
    fig = trend_figure(points, "#8fb8ff", "cm", font_px)
    for n, level in enumerate(levels_cm, start=1):
        label = names[n - 1] if names and len(names) >= n else f"BĐ {'I' * n}"
        _hline(fig, level, FLOOD_COLOURS[n], label=label, font_px=int(font_px * 0.75))
    if levels_cm:
        top = max([levels_cm[-1] * 1.1] + [p[1] * 1.05 for p in points])
        fig["layout"]["yaxis"]["range"] = [min([0.0] + [p[1] for p in points]), top]
    return fig


def lines_by_period(fig: Figure, periods: Sequence[tuple[str, str, Sequence[float]]]) -> Figure:
    """Replace a flood chart's full-width alarm lines by the lines in force in each period (x0, x1, levels):
    a month judged before a new decision shows the lines of its time."""
    labels = fig["layout"]["annotations"]
    fig["layout"]["shapes"] = [
        {"type": "line", "xref": "x", "x0": x0, "x1": x1, "y0": level, "y1": level,
         "line": {"color": FLOOD_COLOURS[n], "dash": "dash", "width": 2}}
        for x0, x1, levels in periods for n, level in enumerate(levels, start=1)
    ]
    for label, level in zip(labels, periods[-1][2], strict=False):  # named where the current lines start
        label.update(xref="x", x=periods[-1][0], y=level)
    return fig


def band_figure(points: Sequence[Point], bands: Sequence[tuple[float, float, str, str]], label: str,
                unit: str, colour: str = "#8fb8ff") -> Figure:
    """A history line over coloured horizontal bands (low, high, colour, name), e.g. the VN_AQI categories;
    only the bands up to just above the highest value are drawn, so the line keeps its scale."""
    fig = history_figure(points, label, unit, colour)
    top = max([p[1] for p in points] or [0.0])
    ceiling = max(top * 1.1, bands[0][1] if bands else 0.0)
    shown = [b for b in bands if b[0] <= ceiling]
    for low, high, fill, name in shown:
        fig["layout"]["shapes"].append({
            "type": "rect", "xref": "paper", "x0": 0, "x1": 1, "y0": low, "y1": high, "layer": "below",
            "fillcolor": fill, "opacity": 0.16, "line": {"width": 0},
        })
        fig["layout"]["annotations"].append({
            "xref": "paper", "x": 1, "y": (low + min(high, ceiling)) / 2, "text": name, "showarrow": False,
            "xanchor": "right",
            "font": {"color": fill, "size": 12},
        })
    if shown:
        fig["layout"]["yaxis"]["range"] = [0, ceiling]
    return fig


Box = tuple[float, float, float, float]  # x, y, width, height in data units
PANEL_FONTS = (29, 12)  # the plotted part of a wall's map panel, in font sizes (measured at 1920x1080 and 3840x2160)
LABEL_SIDES = ("top center", "bottom center", "middle right", "middle left", "top right", "top left",
               "bottom right", "bottom left")


def map_bounds(markers: Sequence[JsonObject]) -> Box:
    """The plotted area around the markers (x: longitude, y: latitude), with room for labels at the edges."""
    lats = [m["lat"] for m in markers] or [0.0]
    lons = [m["lon"] for m in markers] or [0.0]
    pad_lat = max(0.004, (max(lats) - min(lats)) * 0.25)
    pad_lon = max(0.006, (max(lons) - min(lons)) * 0.3)
    x0, y0 = min(lons) - pad_lon, min(lats) - pad_lat
    return x0, y0, max(lons) + pad_lon - x0, max(lats) + pad_lat - y0


def _label_box(side: str, m: JsonObject, w: float, h: float, gap_x: float, gap_y: float) -> Box:
    vertical, horizontal = side.split()
    y = {"top": m["lat"] + gap_y / 2, "bottom": m["lat"] - gap_y / 2 - h, "middle": m["lat"] - h / 2}[vertical]
    centred = vertical == "middle" and horizontal != "center"
    x = {"center": m["lon"] - w / 2, "right": m["lon"] + (gap_x if centred else 0),
         "left": m["lon"] - w - (gap_x if centred else 0)}[horizontal]
    return x, y, w, h


def label_positions(markers: Sequence[JsonObject], font_px: int, bounds: Box | None = None,
                    obstacles: Sequence[JsonObject] = ()) -> list[str | None]:
    """Where each marker's label goes (above, below, beside, at a corner) so that no two labels overlap, none
    covers a marker and none leaves the plotted area; None when no side is free (the label is left off and the
    marker keeps its name on hover). Boxes are estimated in data units from the panel's size in font sizes."""
    if not markers:
        return []
    x0, y0, width, height = bounds or map_bounds(markers)
    per_x, per_y = width / (PANEL_FONTS[0] * font_px), height / (PANEL_FONTS[1] * font_px)
    gap_x, gap_y = font_px * per_x, font_px * per_y
    taken: list[Box] = [(o["lon"] - gap_x / 2, o["lat"] - gap_y / 2, gap_x, gap_y) for o in [*markers, *obstacles]]
    out: list[str | None] = []
    for m in markers:
        w = len(m.get("label") or "") * 0.62 * font_px * per_x
        h = 1.4 * font_px * per_y  # the text box with Vietnamese diacritics above and below
        boxes = {side: _label_box(side, m, w, h, gap_x, gap_y) for side in LABEL_SIDES}
        costs = {side: sum(_area(box, other) for other in taken) + _outside(box, (x0, y0, width, height))
                 for side, box in boxes.items()}
        best = min(LABEL_SIDES, key=lambda side: costs[side])  # ties: the order of LABEL_SIDES
        if costs[best] > 0.02 * w * h or not m.get("label"):  # 2 %: rounding, and a serif touching a dot
            out.append(None)
            continue
        taken.append(boxes[best])
        out.append(best)
    return out


def _outside(box: Box, bounds: Box) -> float:
    """The area of `box` outside `bounds`."""
    return box[2] * box[3] - _area(box, bounds)


def _area(a: Box, b: Box) -> float:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    dy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def map_figure(
    markers: Sequence[JsonObject], centre: tuple[float, float] | None, font_px: int = 14,
    base: BaseMap | None = None,
) -> Figure:
    """An offline map: markers on a longitude/latitude plane, coloured by state, over the commune's own base layer
    when one is configured (`base`: boundaries, rivers, roads, hamlets, evacuation points, tiles); labels that
    would overlap or leave the map are left off (the marker's hover still names it)."""
    fig = _base(font_px)
    # sensors and the former communes' old headquarters ("unit") place their labels first, then evacuation points
    # and hamlets, so that all avoid each other and every marker; camera labels go where room is left
    order = ("sensor", "unit", "evacuation", "hamlet")
    bounds = map_bounds(markers)  # the devices, and the commune's (or the former commune's) boundary if known
    if base and base.area:
        x0, y0, w, h = base.area
        pad = max(w, h) * 0.03
        bx0, by0 = min(bounds[0], x0 - pad), min(bounds[1], y0 - pad)
        bx1, by1 = max(bounds[0] + bounds[2], x0 + w + pad), max(bounds[1] + bounds[3], y0 + h + pad)
        bounds = fit_aspect((bx0, by0, bx1 - bx0, by1 - by0), PANEL_FONTS[0] / PANEL_FONTS[1], (by0 + by1) / 2)
    if base:  # hamlets and evacuation points within the map
        markers = [*markers, *(p for p in base.points if bounds[0] <= p["lon"] <= bounds[0] + bounds[2]
                               and bounds[1] <= p["lat"] <= bounds[1] + bounds[3])]
    labelled = sorted((m for m in markers if m["group"] in order), key=lambda m: order.index(m["group"]))
    others = [m for m in markers if m["group"] not in order]
    if centre:  # the commune office's star: no label on it
        others.append({"lat": centre[0], "lon": centre[1]})
    sides = dict(zip(map(id, labelled), label_positions(labelled, font_px, bounds, others), strict=True))
    if base:
        fig["data"].extend(base.lines)
        if base.tiles_zoom is not None:
            fig["layout"]["images"] = tile_images(bounds, base.tiles_zoom, base.tiles)
    groups = (("hamlet", "circle", 0.6), ("evacuation", "triangle-up", 1.1), ("camera", "square", 0.8),
              ("unit", "diamond", 1.2), ("sensor", "circle", 1.6))
    for group, symbol, size in groups:  # sensors drawn on top
        items = [m for m in markers if m["group"] == group]
        if items:
            where = [sides.get(id(m)) for m in items]
            fig["data"].append(
                {
                    "type": "scatter",
                    "x": [m["lon"] for m in items],
                    "y": [m["lat"] for m in items],
                    "mode": "markers+text",
                    "text": [m["label"] if side else "" for m, side in zip(items, where, strict=True)],
                    "textposition": [side or "top center" for side in where],
                    "textfont": {"size": font_px if group in ("sensor", "unit") else round(font_px * 0.85),
                                 "color": TEXT if group in ("sensor", "unit") else "#adb5bd",
                                 "shadow": "0 0 3px #0b1220, 0 0 2px #0b1220"},  # readable over lines
                    "hovertext": [m.get("hover", m["label"]) for m in items],
                    "hoverinfo": "text",
                    "marker": {
                        "color": [m["colour"] for m in items],
                        "size": font_px * size,
                        "symbol": symbol,
                        "line": {"color": "#0b1220", "width": 2},
                    },
                }
            )
    if centre:
        fig["data"].append(
            {
                "type": "scatter",
                "x": [centre[1]],
                "y": [centre[0]],
                "mode": "markers",
                "hoverinfo": "skip",
                "marker": {"symbol": "star", "size": font_px, "color": "#f8f9fa"},
            }
        )
    x0, y0, width, height = bounds
    layout = fig["layout"]
    layout["yaxis"].update(range=[y0, y0 + height], showticklabels=False, showgrid=base is None)
    layout["xaxis"].update(range=[x0, x0 + width], showticklabels=False, tickformat="", showgrid=base is None)
    layout.update(margin={"l": 8, "r": 8, "t": 8, "b": 8}, dragmode=False)
    return fig


def localise(fig: Figure, lang: str) -> Figure:
    """Axis ticks and hover numbers in the reader's format: Vietnamese '0,1' and '1.200', English '0.1', '1,200'."""
    fig["layout"]["separators"] = ",." if lang == "vi" else ".,"
    return fig


def amount_figure(points: Sequence[Point], label: str, unit: str, colour: str = "#74c0fc") -> Figure:
    """An amount per time bucket (rain: the millimetres that fell in each bucket, summed, not averaged) as bars."""
    fig = _base()
    fig["data"].append({"type": "bar", "x": [p[0] for p in points], "y": [p[1] for p in points],
                        "marker": {"color": colour}, "hovertemplate": f"%{{x}}: %{{y:.1f}} {unit}<extra></extra>"})
    fig["layout"].update(height=260, bargap=0.1,
                         yaxis={**fig["layout"]["yaxis"], "rangemode": "tozero",
                                "title": {"text": f"{label} ({unit})" if unit else label}})
    fig["layout"]["xaxis"]["tickformat"] = "%d/%m %H:%M"
    return fig


def history_figure(points: Sequence[Point], label: str, unit: str, colour: str = "#8fb8ff") -> Figure:
    """One field's history on the sensor page."""
    fig = trend_figure(points, colour, unit)
    fig["layout"].update(
        height=260,
        yaxis={**fig["layout"]["yaxis"], "title": {"text": f"{label} ({unit})" if unit else label}},
    )
    fig["layout"]["xaxis"]["tickformat"] = "%d/%m %H:%M"
    return fig
