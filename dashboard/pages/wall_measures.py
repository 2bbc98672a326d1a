"""The measurement panels of a wall: air quality (VN_AQI big in its colour) and flood points against
their lines."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from dash import dcc, html
from dash.development.base_component import Component

from dashboard import figures
from dashboard.formats import local_time, number, signed
from dashboard.i18n import age_text, t
from dashboard.read.flood_risk import RiskView
from dashboard.read.sensors import AqiView, FloodView, SensorView, TrendView
from dashboard.sensor_view import FLOOD_COLOURS, trend_arrow
from dashboard.wall_snapshot import WallSnapshot
from sensors.models import DeviceKind

C = TypeVar("C", bound=Component)
ROMAN = ("", "I", "II", "III")
POLLUTANTS = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "o3_1h": "O₃",
    "o3_8h": "O₃",
    "co": "CO",
    "so2": "SO₂",
    "no2": "NO₂",
}


def with_data(component: C, **attributes: str) -> C:
    """The component with data-* attributes (`refresh_ms` gives data-refresh-ms; a test reads `data-colour`)."""
    for name, value in attributes.items():
        setattr(component, f"data-{name.replace('_', '-')}", value)
    return component


def chart_or_room(snap: WallSnapshot, draw: Callable[[], figures.Figure], name: str) -> dcc.Graph | html.Div:
    """A panel's chart, or (on the page's first draw) the room it will take: the numbers show before Plotly's
    bundle is loaded and run, and the chart follows with the first refresh."""
    if not snap.charts:
        return html.Div(className=f"wall-graph graph-{name} chart-pending", style={"height": "100%", "width": "100%"})
    return wall_graph(draw(), name)


def wall_graph(fig: figures.Figure, name: str) -> dcc.Graph:
    return dcc.Graph(
        figure=fig,
        config={"displayModeBar": False, "staticPlot": False},
        className=f"wall-graph graph-{name}",
        style={"height": "100%", "width": "100%"},
    )


def _aqi_block(aqi: AqiView, lang: str, tz: ZoneInfo, public: bool) -> html.Div:
    index = aqi.vn
    assert index is not None  # the caller shows "no index" otherwise
    colour = index.colour
    extra = [html.Span(t("air.indicative", lang), className="aqi-indicative")] if index.indicative else []
    hour = local_time(aqi.hour_end, tz, "%H:%M")
    if aqi.provisional:
        extra.append(html.Span(t("air.provisional", lang), className="aqi-indicative aqi-provisional",
                               title=t("air.provisional.title", lang, hour=hour or "—")))
    dominant = index.dominant
    us = aqi.us.value if aqi.us is not None else None
    advice = [html.Div(aqi.advice_vi if lang == "vi" else "", className="aqi-advice",
                       title=aqi.advice_vi if lang == "vi" else "")]
    if public and lang == "vi":  # Decision 1459: a public board gives the advice for sensitive groups too
        advice = [
            html.Div(t("air.public", lang, advice=aqi.advice_vi), className="aqi-advice"),
            html.Div(t("air.sensitive", lang, advice=aqi.advice_sensitive_vi), className="aqi-advice aqi-sensitive"),
        ]
    return html.Div(
        [
            html.Div(
                [
                    html.Div("VN_AQI", className="aqi-label"),
                    with_data(html.Div(f"{index.value:.0f}", className="aqi-value", id="wall-aqi-value",
                                       style={"background": colour}), colour=colour),
                    html.Div(t("air.hour", lang, hour=hour), className="aqi-hour") if hour else None,
                ],
                className="aqi-main",
            ),
            html.Div(
                [
                    html.Div([index.label_en if lang == "en" else index.label_vi, *extra], className="aqi-category"),
                    html.Div(t("air.dominant", lang, name=POLLUTANTS.get(dominant, dominant)),
                             className="aqi-dominant") if dominant else None,
                    *advice,
                    html.Div(
                        [
                            html.Span(t("air.us_plain", lang) + " "),
                            html.Span(number(us, 0, lang) if us is not None else "—", className="aqi-us",
                                      id="wall-aqi-us"),
                        ]
                    ),
                ],
                className="aqi-notes",
            ),
        ],
        className="aqi",
    )


def air(snap: WallSnapshot, lang: str) -> html.Div:
    devices = [s for s in snap.sensors if s.kind is DeviceKind.AIR]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    blocks = []
    for s in devices[:2]:
        pm25 = s.values.get("pm25")
        head = html.Div(
            [
                html.Span(s.name, className="name-text", title=s.name),
                html.Span(f"PM2.5 {number(pm25, 0, lang)} µg/m³" if pm25 is not None else "", className="air-pm"),
            ],
            className="device-name",
        )
        body = (_aqi_block(s.aqi, lang, snap.tz, snap.public) if s.aqi is not None and s.aqi.vn is not None
                else html.Div(t("air.no_index", lang), className="missing"))
        parts = [head, body]
        if snap.public:  # Decision 1459: the data source on a public board
            source = t("air.source", lang, name=s.name, commune=snap.commune)
            parts.append(html.Div(source, className="aqi-source", id=f"wall-air-source-{s.id}"))
        trend = snap.air_trend.get(s.id)
        points = trend.on_screen(snap.tz) if trend is not None else []
        parts.append(html.Div(
            [
                html.Div(f"PM2.5 (µg/m³) – {t('air.trend', lang)}", className="chart-label"),
                chart_or_room(snap, partial(figures.trend_figure, points, "#8fb8ff", "µg/m³", snap.font_px), "air"),
            ],
            className="panel-chart",
        ))
        blocks.append(html.Div(parts, className="air-device"))
    return html.Div(blocks, className="air-list")


def flood(snap: WallSnapshot, lang: str) -> html.Div:
    devices = [(s, f) for s in snap.sensors if s.kind is DeviceKind.FLOOD and (f := s.flood_on_screen) is not None]
    if not devices:
        return html.Div(t("missing", lang), className="missing")
    devices.sort(key=lambda sf: -sf[1].status.alarm_level)  # the most threatened point first
    risk = _risk_line(snap.risk, lang)
    if len(devices) > 2:  # many points: one line each, no chart (the sensor page has the history)
        return html.Div([risk, *[_flood_line(s, f, lang) for s, f in devices[:6]]], className="flood-list lines")
    rows = [_flood_row(s, f, snap.flood_trend.get(s.id), snap, lang) for s, f in devices]
    return html.Div([risk, *rows], className="flood-list" + (" multi" if len(rows) > 1 else ""))


def _risk_line(risk: RiskView | None, lang: str) -> html.Div:
    """The announced disaster risk level (Decision 18/2021), in its colour; a quiet line when none is."""
    if risk is None or risk.row is None:
        return html.Div(t("flood.risk.none", lang), className="flood-risk none", id="wall-risk")
    label = f"{risk.row.level} – {risk.label(lang)}"
    return html.Div(t("flood.risk", lang, label=label), className="flood-risk", id="wall-risk",
                    style={"background": risk.row.colour}, title=risk.note)


def line_name(f: FloodView, n: int, lang: str) -> str:
    """The short name of line n (1..3) on the point's scale: "BĐ II" or "Ngập 2"."""
    names = f.line_names
    if 1 <= n <= len(names):
        vi, en = names[n - 1]
        return en if lang == "en" else vi
    return t("flood.level", lang, n=ROMAN[n])


def _status_text(f: FloodView, lang: str) -> tuple[str, str]:
    """The alarm label and the trend · time-to-next-line · rain line of a flood point."""
    status = f.status.label_en if lang == "en" else f.status.label_vi
    eta = ""
    if f.eta_min is not None and f.next_level:
        eta = t("flood.next_line", lang, name=line_name(f, f.next_level, lang), eta=age_text(f.eta_min * 60, lang))
    rate = signed(f.status.trend_cm_per_h, 0, lang)
    trend = t("flood.rate", lang, v=rate) if rate else t("flood.steady", lang)
    rain = ""
    if f.rain_mm_24h is not None:
        rain = t("flood.rain", lang, h=number(f.rain_mm_1h, 1, lang), d=number(f.rain_mm_24h, 0, lang))
    return status, " · ".join(x for x in (eta, trend, rain) if x)  # the time to the next line first


def _value(level: float | None, n: int, slope: float | None, lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(number(level, 0, lang) if level is not None else "—", className="flood-value"),
            html.Span(" cm", className="flood-unit"),
            html.Span(trend_arrow(slope), className="flood-arrow"),
        ],
        style={"color": FLOOD_COLOURS[n]},
        className="flood-line-value",
    )


def _flood_line(s: SensorView, f: FloodView, lang: str) -> html.Div:
    n = f.status.alarm_level
    status, trend = _status_text(f, lang)
    return html.Div([
        html.Div([html.Div(s.name, className="device-name", title=s.name),
                  html.Div(trend, className="flood-trend", title=trend)],
                 className="flood-line-name"),
        _value(f.status.water_level_cm, n, f.status.trend_cm_per_h, lang),
        html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
    ], className="flood-line")


def _flood_row(s: SensorView, f: FloodView, trend: TrendView | None, snap: WallSnapshot, lang: str) -> html.Div:
    n = f.status.alarm_level
    status, trend_text = _status_text(f, lang)
    info = html.Div(
        [
            html.Div(s.name, className="device-name", title=s.name),
            _value(f.status.water_level_cm, n, f.status.trend_cm_per_h, lang),
            html.Div(status, className="flood-status", style={"background": FLOOD_COLOURS[n]}),
        ],
        className="flood-info",
    )
    names = [line_name(f, k, lang) for k in (1, 2, 3)]
    points = trend.on_screen(snap.tz) if trend is not None else []
    graph = chart_or_room(snap, lambda: figures.flood_figure(points, f.lines_cm, snap.font_px, names), "flood")
    main = html.Div([info, html.Div(graph, className="panel-chart")], className="flood-row-main")
    # the trend and time to the next line across the whole row, so they are never cut
    return html.Div([main, html.Div(trend_text, className="flood-trend", title=trend_text)], className="flood-row")
