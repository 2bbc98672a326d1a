"""Pure Plotly figure builders for the pages: trends, flood chart with alarm lines, offline map, KPI
charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


Figure = dict[
    str, Any
]  # a Plotly figure as a plain dict: dcc.Graph takes it as is, without go.Figure's checks


def _base(font_px: int = 14, height: int | None = None) -> Figure:
    axis = {"gridcolor": GRID, "zeroline": False, "nticks": 5}
    layout: dict[str, Any] = {
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


def trend_figure(points: Sequence[Sequence[Any]], colour: str, unit: str, font_px: int = 14) -> Figure:
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


def flood_figure(points: Sequence[Sequence[Any]], levels_cm: Sequence[float], font_px: int = 14,
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


def band_figure(points: Sequence[Sequence[Any]], bands: Sequence[tuple[float, float, str, str]], label: str,
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


def label_positions(markers: Sequence[dict[str, Any]], font_px: int) -> list[str]:
    """Where each marker's label goes (above, below, right, left) so that labels overlap as little as can be:
    boxes are estimated in data units from the marker spread (the panel is about 30 × 17 font sizes)."""
    if not markers:
        return []
    lats = [m["lat"] for m in markers]
    lons = [m["lon"] for m in markers]
    lat_px = max(max(lats) - min(lats), 0.008) * 1.5 / (17 * font_px)
    lon_px = max(max(lons) - min(lons), 0.012) * 1.6 / (30 * font_px)
    gap_lat, gap_lon = font_px * lat_px, font_px * lon_px
    dots = [(o["lon"] - gap_lon / 2, o["lat"] - gap_lat / 2, gap_lon, gap_lat) for o in markers]
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for m in markers:
        w = len(m.get("label") or "") * 0.55 * font_px * lon_px
        h = 1.2 * font_px * lat_px
        options = {
            "top center": (m["lon"] - w / 2, m["lat"] + gap_lat / 2, w, h),
            "bottom center": (m["lon"] - w / 2, m["lat"] - gap_lat / 2 - h, w, h),
            "middle right": (m["lon"] + gap_lon, m["lat"] - h / 2, w, h),
            "middle left": (m["lon"] - gap_lon - w, m["lat"] - h / 2, w, h),
        }
        taken = placed + dots
        best = min(options, key=lambda k: sum(_area(options[k], other) for other in taken))
        placed.append(options[best])
        out.append(best)
    return out


def _area(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    dy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def map_figure(
    markers: Sequence[dict[str, Any]], centre: tuple[float, float] | None, font_px: int = 14
) -> Figure:
    """An offline map: markers on a plain longitude/latitude plane (no tiles), coloured by state."""
    fig = _base(font_px)
    # sensors and the former communes' old headquarters ("unit") place their labels together, so that they avoid
    # each other; without former communes that is the sensors' placement as before
    labelled = [m for m in markers if m["group"] in ("sensor", "unit")]
    shared = dict(zip(map(id, labelled), label_positions(labelled, font_px), strict=True))
    groups = (("camera", "square", 0.8), ("unit", "diamond", 1.2), ("sensor", "circle", 1.6))
    for group, symbol, size in groups:  # sensors drawn on top
        items = [m for m in markers if m["group"] == group]
        if items:
            where = [shared[id(m)] for m in items] if group in ("sensor", "unit") else label_positions(items, font_px)
            fig["data"].append(
                {
                    "type": "scatter",
                    "x": [m["lon"] for m in items],
                    "y": [m["lat"] for m in items],
                    "mode": "markers+text",
                    "text": [m["label"] for m in items],
                    "textposition": where,
                    "textfont": {"size": font_px},
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
    lats = [m["lat"] for m in markers] or [0.0]
    lons = [m["lon"] for m in markers] or [0.0]
    pad_lat = max(0.004, (max(lats) - min(lats)) * 0.25)
    pad_lon = max(0.006, (max(lons) - min(lons)) * 0.3)
    layout = fig["layout"]
    layout["yaxis"].update(range=[min(lats) - pad_lat, max(lats) + pad_lat], showticklabels=False)
    layout["xaxis"].update(
        range=[min(lons) - pad_lon, max(lons) + pad_lon], showticklabels=False, tickformat=""
    )
    layout.update(margin={"l": 8, "r": 8, "t": 8, "b": 8}, dragmode=False)
    return fig


def history_figure(points: Sequence[Sequence[Any]], label: str, unit: str, colour: str = "#8fb8ff") -> Figure:
    """One field's history on the sensor page."""
    fig = trend_figure(points, colour, unit)
    fig["layout"].update(
        height=260,
        yaxis={**fig["layout"]["yaxis"], "title": {"text": f"{label} ({unit})" if unit else label}},
    )
    fig["layout"]["xaxis"]["tickformat"] = "%d/%m %H:%M"
    return fig
