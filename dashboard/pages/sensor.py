"""Sensor detail /sensors/<id>: the device's state now and the history of every field against its bands (alarm
lines, VN_AQI categories); /sensors itself is the device list (sensor_list)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard import figures, ids
from dashboard.formats import number
from dashboard.i18n import current_lang, t
from dashboard.pages import sensor_list
from dashboard.pages.shell import not_found
from dashboard.pages.wall_measures import line_name
from dashboard.read.sensors import SensorReads, SensorView, screen_time, sensor_reads
from dashboard.read_model import ReadModel
from dashboard.sensor_view import STATE_COLOURS, aqi_bands, pm_bands
from dashboard.settings import Role
from ingest.store import Aggregate
from sensors.fields import field_specs
from sensors.settings import SensorConfig

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


def layout(rest: str, rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    if not rest:
        return sensor_list.layout(rm, lang, role)
    row = rm.reads(sensor_reads).device(rest)
    if row is None:
        return not_found(f"/sensors/{rest}", lang)
    return html.Div(
        [
            html.A(t("sensor.back", lang), href="/sensors", className="back-link"),
            html.H1(t("sensor.title", lang, name=row.name)),
            html.Div(status_line(row, lang), id=ids.SENSOR_STATUS, className="sensor-status"),
            dcc.Store(id=ids.SENSOR_ID, data=row.id),
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


def status_line(row: SensorView, lang: str) -> list[Component | str]:
    """What the device says now, in its colour: state, reading and level (flood) or index category (air)."""
    state = row.state
    parts: list[Component | str] = [html.Span(className="dot", style={"background": STATE_COLOURS[state]}),
                                    t(sensor_list.STATE_LABELS[state], lang), " · ",
                                    sensor_list.reading_text(row, lang)]
    flood = row.flood_on_screen
    if flood is not None:
        names = [line_name(flood, n, lang) for n in (1, 2, 3)]
        lines = ", ".join(f"{n} {number(v, 0, lang)} cm" for n, v in zip(names, flood.lines_cm, strict=False))
        parts += [" · ", t("sensor.lines", lang, lines=lines)]
    colour = row.index.colour if row.index else (flood.status.colour if flood else None)
    mark = html.Span(t("sensor.status", lang, text=""), style={"borderLeft": f"6px solid {colour or '#6b7280'}"},
                     className="status-mark")
    return [mark, *parts]


def register(app: dash.Dash, rm: ReadModel) -> None:
    sensor_list.register(app, rm)

    @app.callback(
        Output(ids.SENSOR_CHARTS, "children"), Input(ids.SENSOR_RANGE, "value"), State(ids.SENSOR_ID, "data")
    )
    def charts(span: str | None, device_id: str | None) -> list[html.Div] | html.Div | None:
        reads = rm.reads(sensor_reads)
        row = reads.device(device_id or "")
        sensor = reads.sensor(device_id or "")
        if row is None or sensor is None:
            return None
        hours, every_s = RANGES.get(span or "24h", RANGES["24h"])
        end = reads.now()
        return history_cards(reads, sensor, row, end - timedelta(hours=hours), end, every_s, current_lang())


def history_cards(reads: SensorReads, sensor: SensorConfig, row: SensorView, start: datetime, end: datetime,
                  every_s: int, lang: str) -> list[html.Div] | html.Div:
    """One chart per field with readings in the range (amounts summed per bucket), and the hourly VN_AQI."""
    blocks = []
    for spec in field_specs(sensor.kind).values():
        agg: Aggregate = "sum" if spec.name in SUMMED else "mean"
        points = reads.series(sensor.id, spec.name, start, end, every_s, agg)
        pts = [(screen_time(ts, reads.tz), v) for ts, v in points]
        if not pts:
            continue
        label = spec.label_en if lang == "en" else spec.label_vi
        if spec.name in SUMMED:
            fig, title = figures.amount_figure(pts, label, spec.unit), summed_title(label, spec.unit, every_s, lang)
        else:
            periods = line_periods(reads, sensor, start, end) if spec.name == "water_level_cm" else None
            fig, title = field_figure(spec.name, pts, label, spec.unit, row, lang, periods), f"{label} ({spec.unit})"
        blocks.append(card(title, figures.localise(fig, lang), spec.name))
    if sensor.kind.value == "air":
        aqi = [(screen_time(ts, reads.tz), value) for ts, value in reads.vn_history(sensor.id, start, end)]
        if aqi:
            fig = figures.band_figure(aqi, aqi_bands(lang), "VN_AQI", "", "#f0c419")
            blocks.append(card(t("sensor.aqi", lang), figures.localise(fig, lang), "aqi"))
    return blocks or html.Div(t("missing", lang), className="missing")


Lines = tuple[float, float, float]


def field_figure(field: str, pts: list[tuple[str, float]], label: str, unit: str, row: SensorView, lang: str,
                 periods: list[tuple[str, str, Lines]] | None = None) -> figures.Figure:
    """A field's history with its bands: the alarm lines of a flood point (those in force in each period when
    they changed inside the range), the VN_AQI categories of PM."""
    flood = row.flood_on_screen
    if field == "water_level_cm" and flood is not None:
        names = [line_name(flood, n, lang) for n in (1, 2, 3)]
        fig = figures.flood_figure(pts, flood.lines_cm, 14, names)
        if periods and len(periods) > 1:
            figures.lines_by_period(fig, periods)
        layout = fig["layout"]
        if isinstance(layout, dict):  # a page's chart: taller than the wall's, with the day in the time axis
            layout["height"] = 260
            layout["xaxis"] = {**_dict(layout.get("xaxis")), "tickformat": "%d/%m %H:%M"}
        return fig
    bands = pm_bands(field, lang)
    if bands:
        return figures.band_figure(pts, bands, label, unit)
    return figures.history_figure(pts, label, unit)


def _dict(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def line_periods(reads: SensorReads, sensor: SensorConfig, start: datetime,
                 end: datetime) -> list[tuple[str, str, Lines]]:
    """The (from, to, lines) in force over [start, end] as chart times (local), oldest first; one entry when the
    lines did not change inside the range."""
    tz = reads.tz
    periods = []
    history = sorted(sensor.thresholds(), key=lambda t: t.valid_from or date.min)
    for i, lines in enumerate(history):
        begin = datetime.combine(lines.valid_from, time(0), tz) if lines.valid_from else start
        following = history[i + 1].valid_from if i + 1 < len(history) else None
        until = datetime.combine(following, time(0), tz) if following else end
        begin, until = max(begin, start), min(until, end)
        if begin < until:
            periods.append((screen_time(begin, tz), screen_time(until, tz), lines.levels_cm))
    return periods


def card(title: str, figure: figures.Figure, name: str) -> html.Div:
    graph = dcc.Graph(figure=figure, id=f"sensor-graph-{name}",  # figures.EXPORT_BAR
                      config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})
    return html.Div([html.H3(title), graph], className="card")
