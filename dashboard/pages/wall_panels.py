"""What each wall panel shows, built from one snapshot dict (pure: snapshot and language in, components out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import dcc, html

from dashboard import figures
from dashboard.i18n import age_text, t
from dashboard.pages.shell import missing_note
from dashboard.sensor_view import FLOOD_COLOURS, STATE_COLOURS, trend_arrow

ROMAN = ("", "I", "II", "III")
SEVERITY_COLOURS = {"critical": "#e03131", "major": "#f08c00", "warning": "#f0c419", "info": "#8fb8ff"}
FONT_PX = 20
POLLUTANTS = {"pm25": "PM2.5", "pm10": "PM10", "o3_1h": "O₃", "o3_8h": "O₃", "co": "CO", "so2": "SO₂",
              "no2": "NO₂"}


def _graph(fig: Any, name: str) -> dcc.Graph:
    return dcc.Graph(figure=fig, config=figures.NO_BAR, className=f"wall-graph graph-{name}",
                     style={"height": "100%", "width": "100%"})


def _aqi_block(aqi: dict[str, Any], lang: str) -> html.Div:
    colour = aqi["colour"]
    extra = [html.Span(t("air.indicative", lang), className="aqi-indicative")] if aqi.get("indicative") else []
    dominant = aqi.get("dominant")
    us = aqi.get("us")
    return html.Div([
        html.Div([html.Div("VN_AQI", className="aqi-label"),
                  html.Div(f"{aqi['vn']:.0f}", className="aqi-value", id="wall-aqi-value",
                           style={"background": colour}, **{"data-colour": colour})], className="aqi-main"),
        html.Div([html.Div([aqi[f"category_{lang}"], *extra], className="aqi-category"),
                  html.Div(t("air.dominant", lang, name=POLLUTANTS.get(dominant, dominant)),
                           className="aqi-dominant") if dominant else None,
                  html.Div(aqi["advice_vi"] if lang == "vi" else "", className="aqi-advice"),
                  html.Div([html.Span(t("air.us", lang) + " "), html.Span(f"{us:.0f}" if isinstance(us, int | float)
                                                                          else "—", className="aqi-us")])],
                 className="aqi-notes"),
    ], className="aqi")


def air(snap: dict[str, Any], lang: str) -> Any:
    devices = [s for s in snap["sensors"] if s["kind"] == "air"]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    blocks = []
    for s in devices[:2]:
        pm25 = s["values"].get("pm25")
        head = html.Div([s["name"], html.Span(f"PM2.5 {pm25:.0f} µg/m³" if pm25 is not None else "",
                                             className="air-pm")], className="device-name")
        body = _aqi_block(s["aqi"], lang) if s.get("aqi") else html.Div(t("missing", lang) + " (AQI)",
                                                                         className="missing")
        trend = snap.get("air_trend", {}).get(s["id"]) or []
        chart = html.Div([html.Div(f"PM2.5 – {t('air.trend', lang)}", className="chart-label"),
                          _graph(figures.trend_figure(trend, "#8fb8ff", "µg/m³", snap.get("font_px", FONT_PX)), "air")],
                         className="panel-chart")
        blocks.append(html.Div([head, body, chart], className="air-device"))
    return html.Div(blocks, className="air-list")


def flood(snap: dict[str, Any], lang: str) -> Any:
    devices = [s for s in snap["sensors"] if s["kind"] == "flood" and s.get("flood")]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    font = snap.get("font_px", FONT_PX)
    rows = [_flood_row(s, snap.get("flood_trend", {}).get(s["id"]) or [], lang, font) for s in devices[:3]]
    return html.Div(rows, className="flood-list" + (" multi" if len(rows) > 1 else ""))


def _flood_row(s: dict[str, Any], trend: list, lang: str, font: int) -> html.Div:
    f = s["flood"]
    level, n = f.get("water_level_cm"), f.get("alarm_level", 0)
    status = f.get(f"label_{lang}") or (t("flood.level", lang, n=ROMAN[n]) if n else t("flood.normal", lang))
    eta = ""
    if f.get("eta_min") is not None and f.get("next_level"):
        eta = t("flood.next", lang, n=ROMAN[f["next_level"]], eta=age_text(f["eta_min"] * 60, lang))
    slope = f.get("trend_cm_per_h")
    info = html.Div([
        html.Div(s["name"], className="device-name"),
        html.Div([html.Span(f"{level:.0f}" if level is not None else "—", className="flood-value"),
                  html.Span(" cm", className="flood-unit"),
                  html.Span(trend_arrow(slope), className="flood-arrow")],
                 style={"color": FLOOD_COLOURS[n]}),
        html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
        html.Div(" · ".join(x for x in (t("flood.trend", lang, v=slope) if slope is not None else "", eta) if x),
                 className="flood-trend"),
    ], className="flood-info")
    graph = _graph(figures.flood_figure(trend, f.get("alarm_levels_cm") or [], font), "flood")
    return html.Div([info, html.Div(graph, className="panel-chart")], className="flood-row")


def alert_text(alert: dict[str, Any], lang: str = "vi") -> str:
    """An alert's title in the language (Vietnamese when English is missing), else its detail."""
    title = alert.get(f"title_{lang}") or alert.get("title_vi") or alert.get("title") or ""
    return title or alert.get("detail") or alert.get("message") or str(alert.get("rule") or alert.get("id", ""))


def alerts(snap: dict[str, Any], lang: str) -> Any:
    if "alerts" in snap["missing"]:
        return missing_note(lang, "alerts")
    items = snap.get("alerts") or []
    if not items:
        return html.Div(t("alerts.none", lang), className="calm")
    rows = []
    for a in items[:7]:
        severity = str(a.get("severity", "")).lower()
        acked = str(a.get("status", "")).lower() == "acknowledged"
        rows.append(html.Div([
            html.Span(className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}),
            html.Span(alert_text(a, lang), className="alert-text"),
            html.Span(age_text(a.get("age_s"), lang), className="alert-age"),
            html.Span(t("alerts.acked" if acked else "alerts.open", lang),
                      className="alert-ack " + ("is-acked" if acked else "is-open")),
        ], className=f"alert-row sev-{severity}"))
    return html.Div(rows, className="alert-list")


def cameras(snap: dict[str, Any], lang: str) -> Any:
    if snap.get("public"):
        return html.Div("—", className="missing")
    cams = snap.get("cameras") or []
    if not cams:
        return html.Div(t("cameras.none", lang), className="missing")
    per_page = snap.get("cameras_per_page", 6)
    start = snap.get("camera_offset", 0) % len(cams)
    shown = (cams + cams)[start:start + min(per_page, len(cams))]
    tiles = []
    for c in shown:
        img = html.Img(src=f"/api/cameras/{c['id']}/snapshot.jpg?t={snap['clock']}", className="cam-img") \
            if c["online"] else html.Div("⌀", className="cam-img cam-none")
        since = t("cameras.since", lang, age=age_text(c.get("age_s"), lang)) if c.get("age_s") else t("wall.offline", lang)
        label = c["name"] if c["online"] else f"{c['name']} · {since}"
        tiles.append(html.A([img, html.Div(label, className="cam-label")], href=f"/api/cameras/{c['id']}/stream.mjpg",
                            target="_blank", className="cam-tile" + ("" if c["online"] else " cam-off")))
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
        markers.append({"group": "sensor", "lat": s["location"]["lat"], "lon": s["location"]["lon"],
                        "colour": colour, "label": s["name"]})
    if not markers:
        return html.Div(t("missing", lang), className="missing")
    lat = sum(m["lat"] for m in markers) / len(markers)
    lon = sum(m["lon"] for m in markers) / len(markers)
    return _graph(figures.map_figure(markers, (lat, lon), snap.get("font_px", FONT_PX)), "map")


def kpis(snap: dict[str, Any], lang: str) -> Any:
    if "indicators" in snap["missing"]:
        return missing_note(lang, "indicators")
    items = snap.get("kpis") or []
    if not items:
        return html.Div(t("kpis.none", lang), className="missing")
    tiles = []
    for k in items:
        colour = figures.KPI_STATUS_COLOURS.get(str(k.get("status")), "#e6edf7")
        target = f" / {_num(k['target'])}" if k.get("target") is not None else ""
        tiles.append(html.Div([
            html.Div(k.get(f"name_{lang}") or k.get("name_vi") or k.get("id"), className="kpi-name"),
            html.Div([html.Span(_num(k.get("value")), style={"color": colour}),
                      html.Span(f"{target} {k.get('unit') or ''}", className="kpi-target")], className="kpi-value"),
        ], className="kpi-tile", style={"borderLeft": f"0.5vw solid {colour}"}))
    return html.Div(tiles, className="kpi-tiles")


def _num(value: Any) -> str:
    return f"{value:,.1f}".replace(",", " ") if isinstance(value, int | float) else "—"


def clock(snap: dict[str, Any], lang: str) -> Any:
    return html.Div([html.Div(snap["clock"][:5], className="big-clock"),
                     html.Div(snap["date_en" if lang == "en" else "date_vi"], className="big-date")])


def device_tiles(snap: dict[str, Any], lang: str) -> list[html.Div]:
    """One small tile per device: name, main value, online state and time since the last reading."""
    tiles = []
    for s in snap["sensors"]:
        main = "water_level_cm" if s["kind"] == "flood" else "pm25"
        value = s["values"].get(main)
        unit = "cm" if s["kind"] == "flood" else "µg/m³"
        state = "online" if s["online"] else ("offline" if s["last_seen"] else "never")
        seen = t("wall.ago", lang, age=age_text(s["age_s"], lang)) if s["age_s"] is not None else t("wall.never", lang)
        tiles.append(html.Div([
            html.Div([html.Span(className="dot", style={"background": STATE_COLOURS[state]}), s["name"]],
                     className="tile-name"),
            html.Div(f"{value:.0f} {unit}" if value is not None else "—", className="tile-value"),
            html.Div(f"{t('wall.' + ('online' if s['online'] else 'offline'), lang)} · {seen}", className="tile-seen"),
        ], className=f"device-tile tile-{state}", id=f"wall-tile-{s['id']}"))
    return tiles


RENDERERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "air": air, "flood": flood, "alerts": alerts, "cameras": cameras, "map": map_panel, "kpis": kpis, "clock": clock,
}


def render(panel: str, snap: dict[str, Any], lang: str) -> Any:
    return RENDERERS[panel](snap, lang)
