"""The province wall (/province at a province center): the communes on a map coloured by their worst open alarm,
their air index, flood level and devices, the unacknowledged critical alarms across the province, and the ranking
of the communes on one indicator of the KPI catalogue. Each commune opens its own wall (/xa/<commune>/wall/...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import dash
from dash import Input, Output, dcc, html

from dashboard import formats
from dashboard.auth import Principal
from dashboard.context import AppContext, ProvinceReads
from dashboard.i18n import current_lang, t
from dashboard.pages.shell import wall_menu
from dashboard.read.alerts import alert_title
from dashboard.read_model import ReadModel
from dashboard.screens import province_walls
from dashboard.sensor_view import FLOOD_COLOURS
from dashboard.services import CommuneSummaryView, IndicatorReads
from indicators.units import unit_label

TICK, BODY, KPI, RANKING, CLOCK = "prov-tick", "prov-body", "prov-kpi", "prov-ranking", "prov-clock"
SLOW = "prov-slow"  # the ranking: monthly figures, read again every minute
ROMAN = ("", "I", "II", "III")


def _indicators(ctx: AppContext) -> IndicatorReads | None:
    return ctx.indicators


@runtime_checkable
class ProvinceSite(Protocol):
    """A province center's configuration (configfile.schema.ProvinceCenterConfig): its province's name."""

    @property
    def province(self) -> Named: ...


class Named(Protocol):
    @property
    def name(self) -> str: ...


SEVERITY_COLOURS = {None: "#2e9d4f", "info": "#4dabf7", "warning": "#f0c419", "major": "#f08c00",
                    "critical": "#e03131"}


def layout(rm: ReadModel, lang: str, principal: Principal | None) -> html.Div:
    config, view = rm.config, rm.province
    name = config.province.name if isinstance(config, ProvinceSite) else config.commune.name
    role = principal.role if principal else None
    indicators = rm.reads(_indicators)
    catalogue = indicators.catalogue if indicators is not None else None
    options = [{"label": (k.name_vi if lang == "vi" else k.name_en) or k.id, "value": k.id}
               for k in (catalogue.kpis.values() if catalogue is not None else [])]
    return html.Div(
        [
            dcc.Interval(id=TICK, interval=5000, n_intervals=0),
            dcc.Interval(id=SLOW, interval=60_000, n_intervals=0),
            html.Div(
                [
                    html.Div([html.Div(name, className="wall-commune", id="prov-name"),
                              html.Div(t("province.title", lang, n=len(view.communes) if view else 0),
                                       className="wall-title")],
                             className="wall-head-left"),
                    html.Div([wall_menu(role, config, lang)], className="wall-freshness"),
                    html.Div(html.Div(id=CLOCK, className="wall-clock"), className="wall-head-right"),
                ],
                className="wall-head",
            ),
            html.Div(id=BODY, className="prov-body"),
            html.Div(
                [
                    html.Div([html.Span(t("province.ranking", lang), className="panel-title"),
                              dcc.Dropdown(id=KPI, options=options, value=options[0]["value"] if options else None,
                                           clearable=False, className="prov-kpi-choice")],
                             className="prov-ranking-head"),
                    html.Div(id=RANKING),
                ],
                className="panel prov-ranking",
            ),
        ],
        className="wall prov-wall",
    )


def _map(summaries: Sequence[CommuneSummaryView], lang: str) -> dcc.Graph:
    from dashboard.figures import map_figure

    markers: list[dict[str, object]] = [{"group": "sensor", "lat": s.lat, "lon": s.lon, "label": s.name,
                "colour": SEVERITY_COLOURS.get(s.worst_severity, "#868e96"),
                "hover": f"{s.name}: {t('province.open', lang, n=s.open_alarms)}"}
               for s in summaries if s.lat is not None and s.lon is not None]
    from dashboard.pages.wall_panels import configured_base

    figure = map_figure(markers, None, 22, configured_base(None, 22))
    return dcc.Graph(figure=figure, config={"displayModeBar": False, "staticPlot": False}, className="prov-map",
                     id="prov-map", style={"height": "46vh", "width": "100%"})


def _row(s: CommuneSummaryView, first_screen: str | None, lang: str) -> html.Tr:
    colour = SEVERITY_COLOURS.get(s.worst_severity, "#868e96")
    alarms = (t("province.none", lang) if not s.open_alarms
              else t("province.unack", lang, open=s.open_alarms, unack=s.unacknowledged))
    air = (html.Span(formats.number(s.air_index, 0, lang), className="prov-aqi",
                     style={"background": s.air_colour or "#495057"}) if s.air_index is not None
           else html.Span(t("missing", lang), className="prov-missing"))
    flood = (html.Span([t("province.flood_level", lang, n=ROMAN[s.flood_level]) if s.flood_level
                        else t("province.normal", lang),
                        html.Small(f" {formats.number(s.water_level_cm, 0, lang)} cm")],
                       style={"color": FLOOD_COLOURS[min(s.flood_level, 3)]})
             if s.water_level_cm is not None else html.Span(t("missing", lang), className="prov-missing"))
    link = (html.A(t("province.open_wall", lang), href=f"/xa/{s.id}/wall/{first_screen}",
                   className="prov-open", id=f"prov-open-{s.id}") if first_screen else "")
    return html.Tr([
        html.Td([html.Span("●", style={"color": colour}, className="prov-dot"), s.name], className="prov-name"),
        html.Td(alarms, className="prov-alarms"),
        html.Td(air), html.Td(flood),
        html.Td(f"{formats.count(s.devices_online, lang)}/{formats.count(s.devices, lang)}"),
        html.Td(link),
    ], id=f"prov-row-{s.id}", className="prov-row" + (" critical" if s.critical else ""))


def critical_banner(summaries: Sequence[CommuneSummaryView], lang: str) -> html.Div | None:
    """The unacknowledged critical alarms of every commune, newest first (three of them), over the map; None
    without any."""
    items = [(s, a) for s in summaries for a in s.critical]
    if not items:
        return None
    items.sort(key=lambda sa: sa[1].opened_at, reverse=True)
    return html.Div(
        [html.Div(t("province.critical", lang, n=len(items)), className="prov-critical-title")]
        + [html.Div(f"{s.name}: {alert_title(a, lang)}", className="prov-critical-item") for s, a in items[:3]],
        className="prov-critical", id="prov-critical")


def body(view: ProvinceReads, lang: str) -> list[html.Div]:
    """The critical alarms, the map and the table of the communes `view` holds (the caller's: dashboard.scoped)."""
    summaries = view.summaries()
    walls = province_walls(view)
    head = html.Tr([html.Th(t(k, lang)) for k in ("province.col.commune", "province.col.alarms",
                                                   "province.col.air", "province.col.flood",
                                                   "province.col.devices", "province.col.open")])
    table = html.Table([html.Thead(head), html.Tbody([_row(s, next(iter(walls.get(s.id) or []), None), lang)
                                                       for s in summaries])], className="prov-table")
    return [x for x in (critical_banner(summaries, lang),
                        html.Div([html.Div(_map(summaries, lang), className="panel prov-map-panel"),
                                  html.Div(table, className="panel prov-table-panel")], className="prov-grid"))
            if x is not None]


def ranking(view: ProvinceReads, service: IndicatorReads | None, kpi_id: str | None, lang: str) -> html.Div:
    """The communes this caller may see, ranked on one indicator for the newest month with figures."""
    catalogue = service.catalogue if service is not None else None
    if service is None or catalogue is None or not kpi_id:
        return html.Div(t("missing", lang), className="missing")
    month = service.latest_month()  # the KPI service and the view read only the caller's communes
    names = {c.id: c.name for c in view.communes}
    values = [v for v in (service.results(month) if month else []) if v.kpi_id == kpi_id and v.commune in names]
    ranked = sorted((v for v in values if v.value is not None), key=lambda v: (v.rank or 999, v.commune))
    if not ranked:
        return html.Div(t("province.no_figures", lang), className="missing", id="prov-ranking-empty")
    kpi = catalogue.kpis.get(kpi_id)
    unit = unit_label(kpi.unit, lang) if kpi is not None else ""
    decimals = 1 if any(v.value is not None and v.value != int(v.value) for v in ranked) else 0
    rows = [html.Tr([html.Td(formats.count(v.rank, lang) if v.rank else "–"), html.Td(names[v.commune]),
                     html.Td(f"{formats.number(v.value, decimals, lang)} {unit}".strip(), className="num"),
                     html.Td(formats.percent(v.progress_pct, 0, lang) if v.progress_pct is not None else "–",
                             className="num")],
                    id=f"prov-rank-{v.commune}") for v in ranked]
    head = html.Tr([html.Th(t(k, lang)) for k in ("province.col.rank", "province.col.commune",
                                                   "province.col.value", "province.col.progress")])
    period = f"{month[5:]}/{month[:4]}" if month else ""
    return html.Div([html.Div(t("province.period", lang, period=period), className="prov-period"),
                     html.Table([html.Thead(head), html.Tbody(rows)], className="prov-table")])


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(Output(BODY, "children"), Output(CLOCK, "children"), Input(TICK, "n_intervals"))
    def refresh(_n: int | None) -> tuple[list[html.Div], str] | tuple[dash.NoUpdate, dash.NoUpdate]:
        view = rm.province
        if view is None:
            return dash.no_update, dash.no_update
        return body(view, current_lang()), rm.local(rm.now()).strftime("%H:%M:%S")

    @app.callback(Output(RANKING, "children"), Input(KPI, "value"), Input(SLOW, "n_intervals"))
    def rank(kpi_id: str | None, _n: int | None) -> html.Div | dash.NoUpdate:
        view = rm.province
        if view is None:
            return dash.no_update
        return ranking(view, rm.reads(_indicators), kpi_id, current_lang())
