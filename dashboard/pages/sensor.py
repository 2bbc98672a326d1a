"""Sensor detail /sensors/<id>: the device's state now and the history of every field against its bands (alarm
lines, VN_AQI categories); /sensors itself is the device list (sensor_list)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.formats import number
from dashboard.i18n import current_lang, t
from dashboard.pages import sensor_list
from dashboard.pages.shell import not_found
from dashboard.pages.wall_measures import line_name
from dashboard.read_model import ReadModel
from dashboard.sensor_view import STATE_COLOURS, aqi_bands, pm_bands, state_of
from sensors.aqi import hourly_aqi
from sensors.aqi_tables import Standard
from sensors.fields import field_specs

RANGES = {"24h": (24, 900), "7d": (24 * 7, 3600), "30d": (24 * 30, 4 * 3600), "90d": (24 * 90, 12 * 3600)}


SUMMED = frozenset({"rain_mm"})  # amounts: a bucket shows what fell in it (the board's 24 h total is their sum)


def summed_title(label: str, unit: str, every_s: int, lang: str) -> str:
    """'Lượng mưa (mm mỗi 15 phút)' / 'Rain (mm per 15 min)'."""
    minutes = every_s // 60
    hours = minutes // 60 if minutes % 60 == 0 else 0
    if lang == "vi":
        return f"{label} ({unit} mỗi {f'{hours} giờ' if hours else f'{minutes} phút'})"
    return f"{label} ({unit} per {f'{hours} h' if hours else f'{minutes} min'})"


RANGE_LABELS = {"24h": ("24 giờ", "24 hours"), "7d": ("7 ngày", "7 days"), "30d": ("30 ngày", "30 days"),
                "90d": ("90 ngày", "90 days")}


def layout(rest: str, rm: ReadModel, lang: str, role: Any) -> Any:
    if not rest:
        return sensor_list.layout(rm, lang, role)
    sensor = rm.ctx.config.sensor(rest)
    if sensor is None:
        return not_found(f"/sensors/{rest}", lang)
    row = next((r for r in rm.sensors() if r["id"] == sensor.id), None)
    return html.Div(
        [
            html.A(t("sensor.back", lang), href="/sensors", className="back-link"),
            html.H1(t("sensor.title", lang, name=sensor.name)),
            html.Div(status_line(row, lang) if row else "—", id=ids.SENSOR_STATUS, className="sensor-status"),
            dcc.Store(id=ids.SENSOR_ID, data=sensor.id),
            dcc.RadioItems(
                id=ids.SENSOR_RANGE,
                value="24h",
                inline=True,
                className="filters",
                options=[{"label": RANGE_LABELS[k][1 if lang == "en" else 0], "value": k} for k in RANGES],
            ),
            dcc.Loading(html.Div(id=ids.SENSOR_CHARTS, className="sensor-charts")),
        ],
        className="sensor-page",
    )


def status_line(row: dict[str, Any], lang: str) -> Any:
    """What the device says now, in its colour: state, reading and level (flood) or index category (air)."""
    state = state_of(row)
    parts: list[Any] = [html.Span(className="dot", style={"background": STATE_COLOURS[state]}),
                        t(sensor_list.STATE_LABELS[state], lang), " · ", sensor_list.reading_text(row, lang)]
    flood = row.get("flood")
    if flood:
        names = [line_name(flood, n, lang) for n in (1, 2, 3)]
        lines = ", ".join(f"{n} {number(v, 0, lang)} cm" for n, v in zip(names, flood.get("alarm_levels_cm") or [],
                                                                         strict=False))
        parts += [" · ", t("sensor.lines", lang, lines=lines)]
    colour = (row.get("aqi") or {}).get("colour") or (flood or {}).get("colour")
    mark = html.Span(t("sensor.status", lang, text=""), style={"borderLeft": f"6px solid {colour or '#6b7280'}"},
                     className="status-mark")
    return [mark, *parts]


def aqi_history(rm: ReadModel, device_id: str, start: Any, end: Any) -> list[list[Any]]:
    """Hourly VN_AQI (NowCast over the 12 hours up to each hour) from the store's hourly PM means, each value
    placed at its hour's end as Vietnamese portals label hourly values."""
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
            out.append([rm.screen_time(ts + timedelta(hours=1)), result.value])
    return out


def register(app: dash.Dash, rm: ReadModel) -> None:
    sensor_list.register(app, rm)

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
        row = next((r for r in rm.sensors() if r["id"] == sensor.id), {})
        blocks = []
        for spec in field_specs(sensor.kind).values():
            agg = "sum" if spec.name in SUMMED else "mean"
            pts = [[rm.screen_time(ts), v] for ts, v in rm.series(device_id, spec.name, start, end, every_s, agg)]
            if pts:
                label = spec.label_en if lang == "en" else spec.label_vi
                periods = line_periods(rm, sensor, start, end) if spec.name == "water_level_cm" else None
                if spec.name in SUMMED:
                    fig, title = figures.amount_figure(pts, label, spec.unit), summed_title(label, spec.unit,
                                                                                           every_s, lang)
                else:
                    fig = field_figure(spec.name, pts, label, spec.unit, row, lang, periods)
                    title = f"{label} ({spec.unit})"
                blocks.append(card(title, figures.localise(fig, lang), spec.name))
        if sensor.kind.value == "air":
            pts = aqi_history(rm, device_id, start, end)
            if pts:
                fig = figures.band_figure(pts, aqi_bands(lang), "VN_AQI", "", "#f0c419")
                blocks.append(card(t("sensor.aqi", lang), figures.localise(fig, lang), "aqi"))
        return blocks or html.Div(t("missing", lang), className="missing")


def field_figure(field: str, pts: list[list[Any]], label: str, unit: str, row: dict[str, Any], lang: str,
                 periods: list[tuple[str, str, Any]] | None = None) -> Any:
    """A field's history with its bands: the alarm lines of a flood point (those in force in each period when
    they changed inside the range), the VN_AQI categories of PM."""
    flood = row.get("flood")
    if field == "water_level_cm" and flood:
        names = [line_name(flood, n, lang) for n in (1, 2, 3)]
        fig = figures.flood_figure(pts, flood.get("alarm_levels_cm") or [], 14, names)
        if periods and len(periods) > 1:
            figures.lines_by_period(fig, periods)
        fig["layout"].update(height=260)
        fig["layout"]["xaxis"]["tickformat"] = "%d/%m %H:%M"
        return fig
    bands = pm_bands(field, lang)
    if bands:
        return figures.band_figure(pts, bands, label, unit)
    return figures.history_figure(pts, label, unit)


def line_periods(rm: ReadModel, sensor: Any, start: datetime, end: datetime) -> list[tuple[str, str, Any]]:
    """The (from, to, lines) in force over [start, end] as chart times (local), oldest first; one entry when the
    lines did not change inside the range."""
    tz = rm.local(end).tzinfo
    periods = []
    history = sorted(sensor.thresholds(), key=lambda t: t.valid_from or date.min)
    for i, lines in enumerate(history):
        begin = datetime.combine(lines.valid_from, time(0), tz) if lines.valid_from else start
        until = datetime.combine(history[i + 1].valid_from, time(0), tz) if i + 1 < len(history) else end
        begin, until = max(begin, start), min(until, end)
        if begin < until:
            periods.append((rm.screen_time(begin), rm.screen_time(until), lines.levels_cm))
    return periods


def card(title: str, figure: Any, name: str) -> html.Div:
    return html.Div([html.H3(title), dcc.Graph(figure=figure, config=figures.EXPORT_BAR, id=f"sensor-graph-{name}")],
                    className="card")
