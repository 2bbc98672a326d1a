"""The measurement panels of a wall: air quality (VN_AQI big in its colour) and flood points against
their lines."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import figures
from dashboard.i18n import age_text, t
from dashboard.sensor_view import FLOOD_COLOURS, trend_arrow

ROMAN = ("", "I", "II", "III")
FONT_PX = 20
POLLUTANTS = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "o3_1h": "O₃",
    "o3_8h": "O₃",
    "co": "CO",
    "so2": "SO₂",
    "no2": "NO₂",
}


def wall_graph(fig: Any, name: str) -> dcc.Graph:
    return dcc.Graph(
        figure=fig,
        config=figures.NO_BAR,
        className=f"wall-graph graph-{name}",
        style={"height": "100%", "width": "100%"},
    )


def _aqi_block(aqi: dict[str, Any], lang: str) -> html.Div:
    colour = aqi["colour"]
    extra = (
        [html.Span(t("air.indicative", lang), className="aqi-indicative")] if aqi.get("indicative") else []
    )
    dominant = aqi.get("dominant")
    us = aqi.get("us")
    return html.Div(
        [
            html.Div(
                [
                    html.Div("VN_AQI", className="aqi-label"),
                    html.Div(
                        f"{aqi['vn']:.0f}",
                        className="aqi-value",
                        id="wall-aqi-value",
                        style={"background": colour},
                        **{"data-colour": colour},
                    ),
                ],
                className="aqi-main",
            ),
            html.Div(
                [
                    html.Div([aqi[f"category_{lang}"], *extra], className="aqi-category"),
                    html.Div(
                        t("air.dominant", lang, name=POLLUTANTS.get(dominant, dominant)),
                        className="aqi-dominant",
                    )
                    if dominant
                    else None,
                    html.Div(aqi["advice_vi"] if lang == "vi" else "", className="aqi-advice"),
                    html.Div(
                        [
                            html.Span(t("air.us", lang) + " "),
                            html.Span(
                                f"{us:.0f}" if isinstance(us, int | float) else "—", className="aqi-us"
                            ),
                        ]
                    ),
                ],
                className="aqi-notes",
            ),
        ],
        className="aqi",
    )


def air(snap: dict[str, Any], lang: str) -> Any:
    devices = [s for s in snap["sensors"] if s["kind"] == "air"]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    blocks = []
    for s in devices[:2]:
        pm25 = s["values"].get("pm25")
        head = html.Div(
            [s["name"], html.Span(f"PM2.5 {pm25:.0f} µg/m³" if pm25 is not None else "", className="air-pm")],
            className="device-name",
        )
        body = (
            _aqi_block(s["aqi"], lang)
            if s.get("aqi")
            else html.Div(t("air.no_index", lang), className="missing")
        )
        trend = snap.get("air_trend", {}).get(s["id"]) or []
        chart = html.Div(
            [
                html.Div(f"PM2.5 – {t('air.trend', lang)}", className="chart-label"),
                wall_graph(figures.trend_figure(trend, "#8fb8ff", "µg/m³", snap.get("font_px", FONT_PX)), "air"),
            ],
            className="panel-chart",
        )
        blocks.append(html.Div([head, body, chart], className="air-device"))
    return html.Div(blocks, className="air-list")


def flood(snap: dict[str, Any], lang: str) -> Any:
    devices = [s for s in snap["sensors"] if s["kind"] == "flood" and s.get("flood")]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    devices.sort(key=lambda s: -(s["flood"].get("alarm_level") or 0))  # the most threatened point first
    if len(devices) > 2:  # many points: one line each, no chart (the sensor page has the history)
        return html.Div([_flood_line(s, lang) for s in devices[:6]], className="flood-list lines")
    font = snap.get("font_px", FONT_PX)
    rows = [_flood_row(s, snap.get("flood_trend", {}).get(s["id"]) or [], lang, font) for s in devices]
    return html.Div(rows, className="flood-list" + (" multi" if len(rows) > 1 else ""))


def _status_text(f: dict[str, Any], lang: str) -> tuple[str, str]:
    """The alarm label and the trend · time-to-next-level line of a flood point."""
    n = f.get("alarm_level", 0)
    status = f.get(f"label_{lang}") or (t("flood.level", lang, n=ROMAN[n]) if n else t("flood.normal", lang))
    eta = ""
    if f.get("eta_min") is not None and f.get("next_level"):
        eta = t("flood.next", lang, n=ROMAN[f["next_level"]], eta=age_text(f["eta_min"] * 60, lang))
    slope = f.get("trend_cm_per_h")
    trend = " · ".join(x for x in (t("flood.trend", lang, v=slope) if slope is not None else "", eta) if x)
    return status, trend


def _flood_line(s: dict[str, Any], lang: str) -> html.Div:
    f = s["flood"]
    level, n = f.get("water_level_cm"), f.get("alarm_level", 0)
    status, trend = _status_text(f, lang)
    return html.Div([
        html.Div([html.Div(s["name"], className="device-name"), html.Div(trend, className="flood-trend")],
                 className="flood-line-name"),
        html.Div([html.Span(f"{level:.0f}" if level is not None else "—", className="flood-value"),
                  html.Span(" cm", className="flood-unit"),
                  html.Span(trend_arrow(f.get("trend_cm_per_h")), className="flood-arrow")],
                 style={"color": FLOOD_COLOURS[n]}, className="flood-line-value"),
        html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
    ], className="flood-line")


def _flood_row(s: dict[str, Any], trend: list, lang: str, font: int) -> html.Div:
    f = s["flood"]
    level, n = f.get("water_level_cm"), f.get("alarm_level", 0)
    status, trend_text = _status_text(f, lang)
    slope = f.get("trend_cm_per_h")
    info = html.Div(
        [
            html.Div(s["name"], className="device-name"),
            html.Div(
                [
                    html.Span(f"{level:.0f}" if level is not None else "—", className="flood-value"),
                    html.Span(" cm", className="flood-unit"),
                    html.Span(trend_arrow(slope), className="flood-arrow"),
                ],
                style={"color": FLOOD_COLOURS[n]},
            ),
            html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
            html.Div(trend_text, className="flood-trend"),
        ],
        className="flood-info",
    )
    graph = wall_graph(figures.flood_figure(trend, f.get("alarm_levels_cm") or [], font), "flood")
    return html.Div([info, html.Div(graph, className="panel-chart")], className="flood-row")
