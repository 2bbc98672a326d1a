"""What each wall panel shows, built from one snapshot dict (pure: snapshot and language in,
components out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import html

from dashboard import figures
from dashboard.formats import number
from dashboard.i18n import age_text, t
from dashboard.pages.shell import missing_note
from dashboard.pages.wall_measures import FONT_PX, air, flood, wall_graph
from dashboard.sensor_view import STATE_COLOURS

SEVERITY_COLOURS = {"critical": "#e03131", "major": "#f08c00", "warning": "#f0c419", "info": "#8fb8ff"}
def alert_text(alert: dict[str, Any], lang: str = "vi") -> str:
    """An alert's title in the language (Vietnamese when English is missing), else its detail."""
    title = alert.get(f"title_{lang}") or alert.get("title_vi") or alert.get("title") or ""
    return (
        title or alert.get("detail") or alert.get("message") or str(alert.get("rule") or alert.get("id", ""))
    )


LIST_ROWS = 7  # rows of "CẢNH BÁO ĐANG MỞ" at 1080 and 2160 lines; with more alarms the last row says "+N"


def alerts(snap: dict[str, Any], lang: str) -> Any:
    if "alerts" in snap["missing"]:
        return missing_note(lang, "alerts")
    items = snap.get("alerts") or []
    if not items:
        return html.Div(t("alerts.none", lang), className="calm")
    total = max(int(snap.get("alerts_total") or 0), len(items))
    shown = items[:LIST_ROWS] if total <= LIST_ROWS else items[: LIST_ROWS - 1]
    rows = [_alert_row(a, lang) for a in shown]
    if total > len(shown):
        rows.append(more_row(items[len(shown):], total - len(shown), snap, shown, lang))
    return html.Div(rows, className="alert-list")


SHORT_TITLES = {  # camera alarms in the wall's list: the place first, so a night of intrusions stays readable
    "camera_intrusion": ("Xâm nhập", "Intrusion"),
    "camera_tamper": ("Camera bị che/xoay", "Camera tampered"),
    "camera_offline": ("Camera mất tín hiệu", "Camera offline"),
}


def list_text(alert: dict[str, Any], lang: str) -> str:
    """What a row of the list says: 'Xâm nhập: Trường THCS Quảng Thọ' for a camera alarm (its full title on
    hover), the title for the others."""
    short, place = SHORT_TITLES.get(str(alert.get("rule"))), alert.get("place")
    if short and place:
        return f"{short[1] if lang == 'en' else short[0]}: {place}"
    return alert_text(alert, lang)


def _alert_row(a: dict[str, Any], lang: str) -> html.Div:
    severity = str(a.get("severity", "")).lower()
    status = str(a.get("status", "")).lower()
    acked, returned = status == "acknowledged", status == "cleared"  # returned to normal, still unacknowledged
    text = alert_text(a, lang)
    return html.Div(
        [
            html.Span(className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}),
            html.Span(list_text(a, lang), className="alert-text", title=text),
            html.Span(age_text(a.get("age_s"), lang), className="alert-age"),
            html.Span(
                t("alerts.acked" if acked else "status.cleared" if returned else "alerts.open", lang),
                className="alert-ack " + ("is-acked" if acked else "is-returned" if returned else "is-open"),
            ),
        ],
        className=f"alert-row sev-{severity}",
    )


def more_row(hidden: list[dict[str, Any]], count: int, snap: dict[str, Any], shown: list[dict[str, Any]],
             lang: str) -> html.Div:
    """'+4 cảnh báo khác (2 đã tiếp nhận, còn hoạt động)', the hidden ones' titles on hover."""
    acked_shown = sum(1 for a in shown if str(a.get("status")) == "acknowledged")
    acked = max(0, int(snap.get("alerts_acked") or 0) - acked_shown)
    text = t("alerts.more", lang, n=count) + (f" ({t('alerts.more_acked', lang, n=acked)})" if acked else "")
    names = [alert_text(a, lang) for a in hidden]
    if count > len(hidden):
        names.append("…")
    return html.Div(html.Span(text, className="alert-text", title="\n".join(names)),
                    className="alert-row alert-more", id="wall-alerts-more")


def cameras(snap: dict[str, Any], lang: str) -> Any:
    if snap.get("public"):
        return html.Div("—", className="missing")
    cams = snap.get("cameras") or []
    if not cams:
        return html.Div(t("cameras.none", lang), className="missing")
    per_page = snap.get("cameras_per_page", 6)
    start = snap.get("camera_offset", 0) % len(cams)
    shown = (cams + cams)[start : start + min(per_page, len(cams))]
    tiles = []
    images = snap.get("camera_images", False)
    for c in shown:
        img = (
            html.Img(src=f"/api/cameras/{c['id']}/snapshot.jpg?t={snap['clock']}", className="cam-img")
            if c["online"] and images
            else html.Div("●" if c["online"] else "⌀", className="cam-img cam-none" + (" cam-ok" * c["online"]))
        )
        since = (
            t("cameras.since", lang, age=age_text(c.get("age_s"), lang))
            if c.get("age_s")
            else t("wall.offline", lang)
        )
        label = c["name"] if c["online"] else f"{c['name']} · {since}"
        tiles.append(
            html.A(
                [img, html.Div(label, className="cam-label", title=label)],
                href=f"/cameras?camera={c['id']}" if images else None,
                className="cam-tile" + ("" if c["online"] else " cam-off"),
            )
        )
    cols = 1 if len(tiles) == 1 else 2 if len(tiles) <= 4 else 3
    return html.Div(tiles, className="cam-mosaic", style={"gridTemplateColumns": f"repeat({cols}, 1fr)"})


def map_panel(snap: dict[str, Any], lang: str) -> Any:
    markers = []
    for s in snap["sensors"]:
        if not s.get("location"):
            continue
        colour = STATE_COLOURS["online" if s["online"] else "offline"]
        if s["online"] and s.get("aqi"):
            colour = s["aqi"].get("colour") or colour
        if s["online"] and s.get("flood"):
            colour = s["flood"]["colour"]
        markers.append(
            {
                "group": "sensor",
                "lat": s["location"]["lat"],
                "lon": s["location"]["lon"],
                "colour": colour,
                "label": s["name"],
            }
        )
    for c in snap.get("cameras") or []:  # absent on public screens
        if c.get("location"):
            markers.append(
                {
                    "group": "camera",
                    "lat": c["location"]["lat"],
                    "lon": c["location"]["lon"],
                    "colour": STATE_COLOURS["online" if c.get("online") else "offline"],
                    "label": "",
                    "hover": f"📷 {c['name']}",
                }
            )
    for office in snap.get("former_units") or []:  # the former communes' old headquarters
        markers.append({"group": "unit", "lat": office["lat"], "lon": office["lon"], "colour": "#c9b8ff",
                        "label": office["name"], "hover": f"{t('map.legend.former', lang)}: {office['name']}"})
    if not markers:
        return html.Div(t("missing", lang), className="missing")
    location = snap.get("commune_location")
    centre = (location["lat"], location["lon"]) if location else None
    font_px = snap.get("font_px", FONT_PX)
    base = configured_base(snap.get("screen"), font_px)
    graph = wall_graph(figures.map_figure(markers, centre, font_px, base), "map")
    return html.Div([html.Div(graph, className="map-box"), map_legend(snap, lang, base)], className="map-panel")


def configured_base(screen: str | None, font_px: int) -> Any:
    """The commune's base map (config `map:`) for this screen: the whole commune, or its former commune's."""
    from flask import current_app, has_app_context

    from dashboard.map_layers import base_map

    if not has_app_context() or "COC_CONTEXT" not in current_app.config:
        return None
    config = current_app.config["COC_CONTEXT"].config
    unit = next((w.former_unit for w in config.walls if w.id == screen), None)
    return base_map(config.map, unit, font_px)


def map_legend(snap: dict[str, Any], lang: str, base: Any = None) -> html.Div:
    """What the marks mean: air points in their VN_AQI colour, flood points in their alarm colour, cameras as
    small squares, grey for offline, the star for the commune office."""
    items = [
        ("●", "#00E400", "map.legend.air"),
        ("●", "#F0C419", "map.legend.flood"),
        ("■", STATE_COLOURS["online"], "map.legend.camera"),
        ("●", STATE_COLOURS["offline"], "map.legend.offline"),
    ]
    if snap.get("public"):
        items = [i for i in items if i[2] != "map.legend.camera"]
    if snap.get("commune_location"):
        items.append(("★", "#f8f9fa", "map.legend.centre"))
    if snap.get("former_units"):
        items.append(("◆", "#c9b8ff", "map.legend.former"))
    if base is not None:  # the commune's base layer (config `map:`), named in the reader's language
        items.extend((mark, colour, f"map.legend.{kind}") for kind, mark, colour in base.legend)
    return html.Div(
        [html.Span([html.Span(mark, style={"color": colour}, className="legend-mark"), t(key, lang)],
                   className="legend-item") for mark, colour, key in items],
        className="map-legend", id="wall-map-legend",
    )


def kpis(snap: dict[str, Any], lang: str) -> Any:
    if "indicators" in snap["missing"]:
        return missing_note(lang, "indicators")
    items = snap.get("kpis") or []
    if not items:
        return html.Div(t("kpis.none", lang), className="missing")
    months = sorted(k["period"] for k in items if len(k.get("period") or "") == 7 and "Q" not in k["period"])
    # which month the figures are of: official figures arrive weeks after the month ends
    month = f"{int(months[-1][5:])}/{months[-1][:4]}" if months else ""
    label = html.Div(t("kpis.month", lang, month=month), className="kpi-month", id="wall-kpi-month") if month else None
    tiles = []
    for k in items:
        colour = figures.KPI_STATUS_COLOURS.get(str(k.get("status")), "#e6edf7")
        target = f" / {_num(k['target'], lang)}" if k.get("target") is not None else ""
        tiles.append(
            html.Div(
                [
                    html.Div(k.get(f"name_{lang}") or k.get("name_vi") or k.get("id"), className="kpi-name"),
                    html.Div(
                        [
                            html.Span(_num(k.get("value"), lang), style={"color": colour}),
                            html.Span(f"{target} {k.get(f'unit_{lang}') or ''}", className="kpi-target"),
                        ],
                        className="kpi-value",
                    ),
                ],
                className="kpi-tile",
                style={"borderLeft": f"0.5vw solid {colour}"},
            )
        )
    return html.Div([label, html.Div(tiles, className="kpi-tiles")], className="kpi-panel")


def _num(value: Any, lang: str = "vi") -> str:
    """A KPI figure: whole numbers without decimals (1.297), others with one (54,4)."""
    whole = isinstance(value, int | float) and float(value).is_integer()
    return number(value, 0 if whole else 1, lang)


def clock(snap: dict[str, Any], lang: str) -> Any:
    return html.Div(
        [
            html.Div(snap["clock"][:5], className="big-clock"),
            html.Div(snap["date_en" if lang == "en" else "date_vi"], className="big-date"),
        ]
    )


def device_tiles(snap: dict[str, Any], lang: str, linked: bool = False) -> list[Any]:
    """One small tile per device: name, main value, online state and time since the last reading; a link to
    the device's history page when `linked` (roles that may open it)."""
    tiles = []
    for s in snap["sensors"]:
        main = "water_level_cm" if s["kind"] == "flood" else "pm25"
        value = s["values"].get(main)
        unit = "cm" if s["kind"] == "flood" else "µg/m³"
        state = "online" if s["online"] else ("offline" if s["last_seen"] else "never")
        seen = (
            t("wall.ago", lang, age=age_text(s["age_s"], lang))
            if s["age_s"] is not None
            else t("wall.never", lang)
        )
        tile = html.A if linked else html.Div
        extra = {"href": f"/sensors/{s['id']}"} if linked else {}
        tiles.append(
            tile(
                [
                    html.Div(
                        [html.Span(className="dot", style={"background": STATE_COLOURS[state]}), s["name"]],
                        className="tile-name",
                        title=s["name"],
                    ),
                    html.Div(f"{number(value, 0, lang)} {unit}" if value is not None else "—",
                             className="tile-value"),
                    html.Div(
                        f"{t('wall.' + ('online' if s['online'] else 'offline'), lang)} · {seen}",
                        className="tile-seen",
                    ),
                ],
                className=f"device-tile tile-{state}",
                id=f"wall-tile-{s['id']}",
                **extra,
            )
        )
    return tiles


RENDERERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "air": air,
    "flood": flood,
    "alerts": alerts,
    "cameras": cameras,
    "map": map_panel,
    "kpis": kpis,
    "clock": clock,
}


def render(panel: str, snap: dict[str, Any], lang: str) -> Any:
    return RENDERERS[panel](snap, lang)
