"""What each wall panel shows, built from one wall snapshot (pure: snapshot and language in, components out)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dash import html

from alerts.models import Status
from dashboard import figures
from dashboard.formats import number
from dashboard.i18n import age_text, t
from dashboard.map_layers import BaseMap
from dashboard.pages.shell import missing_note
from dashboard.pages.wall_measures import air, chart_or_room, flood
from dashboard.read.alerts import AlertView
from dashboard.read.kpi_views import KpiRowView
from dashboard.read.sensors import SensorView
from dashboard.sensor_view import STATE_COLOURS
from dashboard.wall_snapshot import WallSnapshot
from sensors.models import DeviceKind

SEVERITY_COLOURS = {"critical": "#e03131", "major": "#f08c00", "warning": "#f0c419", "info": "#8fb8ff"}
LIST_ROWS = 7  # rows of "CẢNH BÁO ĐANG MỞ" at 1080 and 2160 lines; with more alarms the last row says "+N"


def alerts(snap: WallSnapshot, lang: str) -> html.Div:
    if "alerts" in snap.missing:
        return missing_note(lang, "alerts")
    items = list(snap.alerts)
    if not items:
        return html.Div(t("alerts.none", lang), className="calm")
    total = max(snap.alerts_total, len(items))
    shown = items[:LIST_ROWS] if total <= LIST_ROWS else items[: LIST_ROWS - 1]
    rows = [_alert_row(a, snap, lang) for a in shown]
    if total > len(shown):
        rows.append(more_row(items[len(shown):], total - len(shown), snap, shown, lang))
    return html.Div(rows, className="alert-list")


SHORT_TITLES = {  # camera alarms in the wall's list: the place first, so a night of intrusions stays readable
    "camera_intrusion": ("Xâm nhập", "Intrusion"),
    "camera_tamper": ("Camera bị che/xoay", "Camera tampered"),
    "camera_offline": ("Camera mất tín hiệu", "Camera offline"),
}


def list_text(view: AlertView, lang: str) -> str:
    """What a row of the list says: 'Xâm nhập: Trường THCS Quảng Thọ' for a camera alarm (its full title on
    hover), the title for the others."""
    short, place = SHORT_TITLES.get(view.alert.rule), view.alert.place
    if short and place:
        return f"{short[1] if lang == 'en' else short[0]}: {place}"
    return view.title(lang)


def _alert_row(view: AlertView, snap: WallSnapshot, lang: str) -> html.Div:
    severity, status = view.alert.severity.value, view.alert.status
    acked, returned = status is Status.ACKNOWLEDGED, status is Status.CLEARED  # returned: still unacknowledged
    text = view.title(lang)
    return html.Div(
        [
            html.Span(className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}),
            html.Span(list_text(view, lang), className="alert-text", title=text),
            html.Span(age_text(view.age_s(snap.now), lang), className="alert-age"),
            html.Span(
                t("alerts.acked" if acked else "status.cleared" if returned else "alerts.open", lang),
                className="alert-ack " + ("is-acked" if acked else "is-returned" if returned else "is-open"),
            ),
        ],
        className=f"alert-row sev-{severity}",
    )


def more_row(hidden: Sequence[AlertView], count: int, snap: WallSnapshot, shown: Sequence[AlertView],
             lang: str) -> html.Div:
    """'+4 cảnh báo khác (2 đã tiếp nhận, còn hoạt động)', the hidden ones' titles on hover."""
    acked_shown = sum(1 for a in shown if a.alert.status is Status.ACKNOWLEDGED)
    acked = max(0, snap.alerts_acked - acked_shown)
    text = t("alerts.more", lang, n=count) + (f" ({t('alerts.more_acked', lang, n=acked)})" if acked else "")
    names = [a.title(lang) for a in hidden]
    if count > len(hidden):
        names.append("…")
    return html.Div(html.Span(text, className="alert-text", title="\n".join(names)),
                    className="alert-row alert-more", id="wall-alerts-more")


def cameras(snap: WallSnapshot, lang: str) -> html.Div:
    if snap.public or snap.cameras is None:
        return html.Div("—", className="missing")
    cams = list(snap.cameras)
    if not cams:
        return html.Div(t("cameras.none", lang), className="missing")
    start = snap.camera_offset % len(cams)
    shown = (cams + cams)[start : start + min(snap.cameras_per_page, len(cams))]
    tiles = []
    images = snap.camera_images
    for c in shown:
        online, name = c.online, c.name
        img = (
            html.Img(src=f"/api/cameras/{c.id}/snapshot.jpg?t={snap.clock}", className="cam-img")
            if online and images
            else html.Div("●" if online else "⌀", className="cam-img cam-none" + (" cam-ok" * online))
        )
        age = c.age_s
        since = t("cameras.since", lang, age=age_text(age, lang)) if age else t("wall.offline", lang)
        label = name if online else f"{name} · {since}"
        tiles.append(
            html.A(
                [img, html.Div(label, className="cam-label", title=label)],
                href=f"/cameras?camera={c.id}" if images else None,
                className="cam-tile" + ("" if online else " cam-off"),
            )
        )
    cols = 1 if len(tiles) == 1 else 2 if len(tiles) <= 4 else 3
    return html.Div(tiles, className="cam-mosaic", style={"gridTemplateColumns": f"repeat({cols}, 1fr)"})


def _marker_colour(s: SensorView) -> str:
    colour = STATE_COLOURS["online" if s.online else "offline"]
    if s.online and s.index is not None:
        colour = s.index.colour
    flood = s.flood_on_screen
    if s.online and flood is not None:
        colour = flood.status.colour
    return colour


def map_panel(snap: WallSnapshot, lang: str) -> html.Div:
    markers: list[dict[str, object]] = [
        {"group": "sensor", "lat": s.location.lat, "lon": s.location.lon, "colour": _marker_colour(s),
         "label": s.name}
        for s in snap.sensors if s.location is not None
    ]
    for c in snap.cameras or ():  # absent on public screens
        if c.location is not None:
            markers.append({"group": "camera", "lat": c.location.lat, "lon": c.location.lon,
                            "colour": STATE_COLOURS["online" if c.online else "offline"], "label": "",
                            "hover": f"📷 {c.name}"})
    for office in snap.former_units:  # the former communes' old headquarters
        markers.append({"group": "unit", "lat": office.lat, "lon": office.lon, "colour": "#c9b8ff",
                        "label": office.name, "hover": f"{t('map.legend.former', lang)}: {office.name}"})
    if not markers:
        return html.Div(t("missing", lang), className="missing")
    location = snap.commune_location
    centre = (location.lat, location.lon) if location else None
    base = configured_base(snap.screen, snap.font_px)
    graph = chart_or_room(snap, lambda: figures.map_figure(markers, centre, snap.font_px, base), "map")
    return html.Div([html.Div(graph, className="map-box"), map_legend(snap, lang, base)], className="map-panel")


def configured_base(screen: str | None, font_px: int) -> BaseMap | None:
    """The commune's base map (config `map:`) for this screen: the whole commune, or its former commune's."""
    from flask import current_app, has_app_context

    from dashboard.map_layers import base_map

    if not has_app_context() or "COC_CONTEXT" not in current_app.config:
        return None
    config = current_app.config["COC_CONTEXT"].config
    unit = next((w.former_unit for w in config.walls if w.id == screen), None)
    return base_map(config.map, unit, font_px)


def map_legend(snap: WallSnapshot, lang: str, base: BaseMap | None = None) -> html.Div:
    """What the marks mean: air points in their VN_AQI colour, flood points in their alarm colour, cameras as
    small squares, grey for offline, the star for the commune office."""
    items = [
        ("●", "#00E400", "map.legend.air"),
        ("●", "#F0C419", "map.legend.flood"),
        ("■", STATE_COLOURS["online"], "map.legend.camera"),
        ("●", STATE_COLOURS["offline"], "map.legend.offline"),
    ]
    if snap.public:
        items = [i for i in items if i[2] != "map.legend.camera"]
    if snap.commune_location is not None:
        items.append(("★", "#f8f9fa", "map.legend.centre"))
    if snap.former_units:
        items.append(("◆", "#c9b8ff", "map.legend.former"))
    if base is not None:  # the commune's base layer (config `map:`), named in the reader's language
        items.extend((mark, colour, f"map.legend.{kind}") for kind, mark, colour in base.legend)
    return html.Div(
        [html.Span([html.Span(mark, style={"color": colour}, className="legend-mark"), t(key, lang)],
                   className="legend-item") for mark, colour, key in items],
        className="map-legend", id="wall-map-legend",
    )


def kpis(snap: WallSnapshot, lang: str) -> html.Div:
    if "indicators" in snap.missing:
        return missing_note(lang, "indicators")
    items = snap.kpis
    if not items:
        return html.Div(t("kpis.none", lang), className="missing")
    months = sorted(p for k in items if len(p := k.value.period) == 7 and "Q" not in p)
    # which month the figures are of: official figures arrive weeks after the month ends
    month = f"{int(months[-1][5:])}/{months[-1][:4]}" if months else ""
    label = html.Div(t("kpis.month", lang, month=month), className="kpi-month", id="wall-kpi-month") if month else None
    return html.Div([label, html.Div([kpi_tile(k, lang) for k in items], className="kpi-tiles")], className="kpi-panel")


def kpi_tile(k: KpiRowView, lang: str) -> html.Div:
    """A KPI's name, its figure in its status colour with its unit, and under it the plan ("Kế hoạch: 100 %", as
    /kpi names it; "1 / 0 hồ sơ" read as a fraction)."""
    colour = figures.KPI_STATUS_COLOURS.get(k.value.status.value, "#e6edf7")
    unit = k.unit_text(lang)
    plan = (html.Div(f"{t('kpi.target', lang)}: {_num(k.value.target, lang)} {unit}".rstrip(), className="kpi-plan")
            if k.value.target is not None else None)
    return html.Div(
        [
            html.Div(k.name(lang), className="kpi-name"),
            html.Div(
                [
                    html.Span(_num(k.value.value, lang), style={"color": colour}),
                    html.Span(f" {unit}", className="kpi-target"),
                ],
                className="kpi-value",
            ),
            plan,
        ],
        className="kpi-tile",
        style={"borderLeft": f"0.5vw solid {colour}"},
    )


def _num(value: object, lang: str = "vi") -> str:
    """A KPI figure: whole numbers without decimals (1.297), others with one (54,4)."""
    whole = isinstance(value, int | float) and float(value).is_integer()
    return number(value, 0 if whole else 1, lang)


def device_tiles(snap: WallSnapshot, lang: str, linked: bool = False) -> list[html.A | html.Div]:
    """One small tile per device: name, main value, online state and time since the last reading; a link to
    the device's history page when `linked` (roles that may open it)."""
    tiles: list[html.A | html.Div] = []
    for s in snap.sensors:
        flood = s.kind is DeviceKind.FLOOD
        value = s.values.get("water_level_cm" if flood else "pm25")
        unit = "cm" if flood else "µg/m³"
        seen = t("wall.ago", lang, age=age_text(s.age_s, lang)) if s.age_s is not None else t("wall.never", lang)
        parts = [
            html.Div([html.Span(className="dot", style={"background": STATE_COLOURS[s.state]}), s.name],
                     className="tile-name", title=s.name),
            html.Div(f"{number(value, 0, lang)} {unit}" if value is not None else "—", className="tile-value"),
            html.Div(f"{t('wall.' + ('online' if s.online else 'offline'), lang)} · {seen}", className="tile-seen"),
        ]
        tile_id, css = f"wall-tile-{s.id}", f"device-tile tile-{s.state}"
        tiles.append(html.A(parts, href=f"/sensors/{s.id}", className=css, id=tile_id) if linked
                     else html.Div(parts, className=css, id=tile_id))
    return tiles


RENDERERS: dict[str, Callable[[WallSnapshot, str], html.Div]] = {
    "air": air,
    "flood": flood,
    "alerts": alerts,
    "cameras": cameras,
    "map": map_panel,
    "kpis": kpis,
}


def render(panel: str, snap: WallSnapshot, lang: str) -> html.Div | None:
    """A panel's content (None for a panel this wall no longer draws, e.g. `clock`: the header has the time)."""
    renderer = RENDERERS.get(panel)
    return renderer(snap, lang) if renderer is not None else None
