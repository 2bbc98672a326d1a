"""Sensor detail /sensors/<id>: the history of every field of one device, and its AQI history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel
from sensors.aqi import hourly_aqi
from sensors.aqi_tables import Standard
from sensors.fields import field_specs

RANGES = {"24h": (24, 900), "7d": (24 * 7, 3600), "30d": (24 * 30, 4 * 3600), "90d": (24 * 90, 12 * 3600)}


def layout(rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    sensor = rm.ctx.config.sensor(rest)
    if sensor is None:
        return html.H1(t("notfound.title", lang), id="page-notfound")
    return html.Div(
        [
            html.H1(t("sensor.title", lang, name=sensor.name)),
            dcc.Store(id=ids.SENSOR_ID, data=sensor.id),
            dcc.RadioItems(
                id=ids.SENSOR_RANGE,
                value="24h",
                inline=True,
                className="filters",
                options=[{"label": k, "value": k} for k in RANGES],
            ),
            dcc.Loading(html.Div(id=ids.SENSOR_CHARTS, className="sensor-charts")),
        ],
        className="sensor-page",
    )


def aqi_history(rm: ReadModel, device_id: str, start: Any, end: Any) -> list[list[Any]]:
    """Hourly VN_AQI (NowCast over the 12 hours up to each hour) from the store's hourly PM means."""
    hourly = {
        f: dict(rm.series(device_id, f, start - timedelta(hours=12), end, 3600)) for f in ("pm25", "pm10")
    }
    out = []
    for ts in sorted(hourly["pm25"] or hourly["pm10"]):
        if ts < start:
            continue
        window = {
            f: [by_hour.get(ts - timedelta(hours=i)) for i in range(12)] for f, by_hour in hourly.items()
        }
        result = hourly_aqi(Standard.VN, window)
        if result is not None:
            out.append([rm.screen_time(ts), result.value])
    return out


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(
        Output(ids.SENSOR_CHARTS, "children"), Input(ids.SENSOR_RANGE, "value"), State(ids.SENSOR_ID, "data")
    )
    def charts(span: str, device_id: str) -> Any:
        lang = current_lang()
        sensor = rm.ctx.config.sensor(device_id)
        if sensor is None:
            return None
        hours, every_s = RANGES.get(span, RANGES["24h"])
        end = rm.now()
        start = end - timedelta(hours=hours)
        blocks = []
        for spec in field_specs(sensor.kind).values():
            pts = [[rm.screen_time(ts), v] for ts, v in rm.series(device_id, spec.name, start, end, every_s)]
            if pts:
                label = spec.label_en if lang == "en" else spec.label_vi
                blocks.append(
                    html.Div(
                        [
                            html.H3(f"{label} ({spec.unit})"),
                            dcc.Graph(
                                figure=figures.history_figure(pts, label, spec.unit),
                                config=figures.EXPORT_BAR,
                            ),
                        ],
                        className="card",
                    )
                )
        if sensor.kind.value == "air":
            pts = aqi_history(rm, device_id, start, end)
            if pts:
                blocks.append(
                    html.Div(
                        [
                            html.H3(t("sensor.aqi", lang)),
                            dcc.Graph(
                                figure=figures.history_figure(pts, "VN_AQI", "", "#f0c419"),
                                config=figures.EXPORT_BAR,
                            ),
                        ],
                        className="card",
                    )
                )
        return blocks or html.Div(t("missing", lang), className="missing")
