"""The measurement panels of a wall: air quality (VN_AQI big in its colour) and flood points against
their lines."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard import figures
from dashboard.formats import local_time, number, signed
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


def _aqi_block(aqi: dict[str, Any], lang: str, tz: Any, public: bool) -> html.Div:
    colour = aqi["colour"]
    extra = (
        [html.Span(t("air.indicative", lang), className="aqi-indicative")] if aqi.get("indicative") else []
    )
    hour = local_time(aqi.get("hour_end"), tz, "%H:%M") if tz else None
    if aqi.get("provisional"):
        extra.append(html.Span(t("air.provisional", lang), className="aqi-indicative aqi-provisional",
                               title=t("air.provisional.title", lang, hour=hour or "—")))
    dominant = aqi.get("dominant")
    us = aqi.get("us")
    advice = [html.Div(aqi["advice_vi"] if lang == "vi" else "", className="aqi-advice",
                       title=aqi["advice_vi"] if lang == "vi" else "")]
    if public and lang == "vi":  # Decision 1459: a public board gives the advice for sensitive groups too
        advice = [
            html.Div(t("air.public", lang, advice=aqi["advice_vi"]), className="aqi-advice"),
            html.Div(t("air.sensitive", lang, advice=aqi.get("advice_sensitive_vi") or ""),
                     className="aqi-advice aqi-sensitive"),
        ]
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
                    html.Div(t("air.hour", lang, hour=hour), className="aqi-hour") if hour else None,
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
                    *advice,
                    html.Div(
                        [
                            html.Span(t("air.us_plain", lang) + " "),
                            html.Span(number(us, 0, lang) if isinstance(us, int | float) else "—",
                                      className="aqi-us", id="wall-aqi-us"),
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
    tz, public = ZoneInfo(snap.get("tz") or "Asia/Ho_Chi_Minh"), bool(snap.get("public"))
    blocks = []
    for s in devices[:2]:
        pm25 = s["values"].get("pm25")
        head = html.Div(
            [
                html.Span(s["name"], className="name-text", title=s["name"]),
                html.Span(f"PM2.5 {number(pm25, 0, lang)} µg/m³" if pm25 is not None else "", className="air-pm"),
            ],
            className="device-name",
        )
        body = (
            _aqi_block(s["aqi"], lang, tz, public)
            if s.get("aqi")
            else html.Div(t("air.no_index", lang), className="missing")
        )
        parts = [head, body]
        if public:  # Decision 1459: the data source on a public board
            source = t("air.source", lang, name=s["name"], commune=snap.get("commune", ""))
            parts.append(html.Div(source, className="aqi-source", id=f"wall-air-source-{s['id']}"))
        trend = snap.get("air_trend", {}).get(s["id"]) or []
        parts.append(html.Div(
            [
                html.Div(f"PM2.5 (µg/m³) – {t('air.trend', lang)}", className="chart-label"),
                wall_graph(figures.trend_figure(trend, "#8fb8ff", "µg/m³", snap.get("font_px", FONT_PX)), "air"),
            ],
            className="panel-chart",
        ))
        blocks.append(html.Div(parts, className="air-device"))
    return html.Div(blocks, className="air-list")


def flood(snap: dict[str, Any], lang: str) -> Any:
    devices = [s for s in snap["sensors"] if s["kind"] == "flood" and s.get("flood")]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    devices.sort(key=lambda s: -(s["flood"].get("alarm_level") or 0))  # the most threatened point first
    risk = _risk_line(snap.get("risk"), lang)
    if len(devices) > 2:  # many points: one line each, no chart (the sensor page has the history)
        return html.Div([risk, *[_flood_line(s, lang) for s in devices[:6]]], className="flood-list lines")
    font = snap.get("font_px", FONT_PX)
    rows = [_flood_row(s, snap.get("flood_trend", {}).get(s["id"]) or [], lang, font) for s in devices]
    return html.Div([risk, *rows], className="flood-list" + (" multi" if len(rows) > 1 else ""))


def _risk_line(risk: dict[str, Any] | None, lang: str) -> html.Div:
    """The announced disaster risk level (Decision 18/2021), in its colour; a quiet line when none is."""
    if not risk or not risk.get("level"):
        return html.Div(t("flood.risk.none", lang), className="flood-risk none", id="wall-risk")
    label = f"{risk['level']} – {risk.get('label_' + lang) or risk.get('label_vi')}"
    return html.Div(t("flood.risk", lang, label=label), className="flood-risk", id="wall-risk",
                    style={"background": risk.get("colour") or "#8fb8ff"}, title=risk.get("note") or "")


def line_name(f: dict[str, Any], n: int, lang: str) -> str:
    """The short name of line n (1..3) on the point's scale: "BĐ II" or "Ngập 2"."""
    names = f.get("line_names") or []
    if 1 <= n <= len(names):
        vi, en = names[n - 1]
        return en if lang == "en" else vi
    return t("flood.level", lang, n=ROMAN[n])


def _status_text(f: dict[str, Any], lang: str) -> tuple[str, str]:
    """The alarm label and the trend · time-to-next-line · rain line of a flood point."""
    n = f.get("alarm_level", 0)
    status = f.get(f"label_{lang}") or (t("flood.level", lang, n=ROMAN[n]) if n else t("flood.normal", lang))
    eta = ""
    if f.get("eta_min") is not None and f.get("next_level"):
        eta = t("flood.next_line", lang, name=line_name(f, f["next_level"], lang),
                eta=age_text(f["eta_min"] * 60, lang))
    rate = signed(f.get("trend_cm_per_h"), 0, lang)
    trend = t("flood.rate", lang, v=rate) if rate else t("flood.steady", lang)
    rain = ""
    if f.get("rain_mm_24h") is not None:
        rain = t("flood.rain", lang, h=number(f.get("rain_mm_1h"), 1, lang), d=number(f["rain_mm_24h"], 0, lang))
    return status, " · ".join(x for x in (eta, trend, rain) if x)  # the time to the next line first


def _value(level: Any, n: int, slope: Any, lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(number(level, 0, lang) if level is not None else "—", className="flood-value"),
            html.Span(" cm", className="flood-unit"),
            html.Span(trend_arrow(slope), className="flood-arrow"),
        ],
        style={"color": FLOOD_COLOURS[n]},
        className="flood-line-value",
    )


def _flood_line(s: dict[str, Any], lang: str) -> html.Div:
    f = s["flood"]
    level, n = f.get("water_level_cm"), f.get("alarm_level", 0)
    status, trend = _status_text(f, lang)
    return html.Div([
        html.Div([html.Div(s["name"], className="device-name", title=s["name"]),
                  html.Div(trend, className="flood-trend", title=trend)],
                 className="flood-line-name"),
        _value(level, n, f.get("trend_cm_per_h"), lang),
        html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
    ], className="flood-line")


def _flood_row(s: dict[str, Any], trend: list, lang: str, font: int) -> html.Div:
    f = s["flood"]
    level, n = f.get("water_level_cm"), f.get("alarm_level", 0)
    status, trend_text = _status_text(f, lang)
    info = html.Div(
        [
            html.Div(s["name"], className="device-name", title=s["name"]),
            _value(level, n, f.get("trend_cm_per_h"), lang),
            html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
        ],
        className="flood-info",
    )
    names = [line_name(f, k, lang) for k in (1, 2, 3)]
    graph = wall_graph(figures.flood_figure(trend, f.get("alarm_levels_cm") or [], font, names), "flood")
    main = html.Div([info, html.Div(graph, className="panel-chart")], className="flood-row-main")
    # the trend and time to the next line across the whole row, so they are never cut
    return html.Div([main, html.Div(trend_text, className="flood-trend", title=trend_text)], className="flood-row")
