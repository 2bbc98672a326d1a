"""Leaders' view /kpi: the report of a month, quarter, 6, 9 or 12 months against the year plan, by pillar, with
the summary line, the administrative table, charts of what is behind, the reports to download, hamlet
criteria, and (admin, operator) the year-plan form. The period, pillar and former commune live in the URL
(?period=&pillar=&unit=); a merged commune's trends mark the merger and say which figures are sums of its former
communes.

Speed (issue 20: first render ≤ 1 s, a report switch ≤ 0,5 s on the commune PC): the default report is drawn in the
page's layout, so a leader's landing costs the router's answer and one small callback (the address); one callback
follows the address and the selectors and redraws the body only when the report shown changes (a switch is one
round trip); the cards draw no Plotly figure until a detailed chart is asked for (kpi_body)."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlencode

import dash
from dash import MATCH, Input, Output, State, dcc, html
from dash.dcc import Graph
from dash.development.base_component import Component

from dashboard import ids
from dashboard.i18n import current_lang, t
from dashboard.kpi_figures import trend_figure
from dashboard.pages.kpi_body import CHART, CHART_OPEN, STATUS_COLOURS, body
from dashboard.pages.kpi_parts import hamlet_section, plan_form, register_plan_form, report_list
from dashboard.pages.kpi_units import scoped, unit_filter, unit_of_search
from dashboard.pages.shell import missing_note
from dashboard.read.kpis import KpiReads, kpi_reads
from dashboard.read_model import ReadModel
from dashboard.settings import Role
from indicators.models import PILLAR_LABELS, Aggregate, Pillar
from indicators.periods import PeriodError, kind_of, parse_period, shift
from indicators.report import period_label

KINDS = ("month", "quarter", "6M", "9M", "year")
GRAPH_CONFIG: Graph.Config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
Option = dict[str, str]  # a dropdown's {"label", "value"}
Shown = list[str]  # [period, pillar, unit] of the body on screen
NO = dash.no_update
LOADING_DELAY_MS = 300  # the spinner only for a slow answer: a quick switch redraws without blanking the body


def _reads(rm: ReadModel) -> KpiReads:
    return rm.reads(kpi_reads)


def period_options(kind: str, latest: str, lang: str) -> list[Option]:
    """The periods of a kind up to the latest month with figures, newest first, with their labels."""
    year = int(latest[:4])
    if kind == "month":
        keys = [shift(latest, -i) for i in range(24)]
    elif kind == "quarter":
        first = f"{latest[:4]}-Q{(int(latest[5:7]) - 1) // 3 + 1}"
        keys = [shift(first, -i) for i in range(8)]
    elif kind in ("6M", "9M"):
        keys = [f"{y}-{kind}" for y in (year, year - 1)]
    else:
        keys = [str(y) for y in (year, year - 1)]
    return [{"label": period_label(k, lang), "value": k} for k in keys]


def kind_of_period(period: str) -> str:
    """The radio choice a period belongs to."""
    kind = kind_of(period).value
    if kind == "to_date":
        months = period[5:]
        return months if months in ("6M", "9M") else "year"
    return kind


def parse_search(search: str | None) -> tuple[str | None, str | None]:
    """period and pillar from '?period=2026-Q3&pillar=economy' (None when absent or not understood)."""
    query = parse_qs((search or "").lstrip("?"))
    period = pillar = None
    try:
        period = parse_period(query.get("period", [""])[0]) if query.get("period") else None
    except PeriodError:
        period = None
    text = query.get("pillar", [""])[0]
    if text in {p.value for p in Pillar}:
        pillar = text
    return period, pillar


def report_links(period: str, pillar: str, latest: str) -> tuple[str, str, str, str, str]:
    """The report files of the view (PDF, DOCX, XLSX, CSV) and the month's export."""
    query = urlencode({"period": period, **({"pillar": pillar} if pillar else {})})
    month = period if kind_of(period).value == "month" else None
    return (
        f"/api/kpis/report?format=pdf&{query}",
        f"/api/kpis/report?format=docx&{query}",
        f"/api/kpis/report?format=xlsx&{query}",
        f"/api/kpis/report?format=csv&{query}",
        f"/api/kpis/export?format=xlsx&period={month or latest}",
    )


def report_body(reads: KpiReads, period: str, pillar: str, unit: str, lang: str) -> Component | list[Component]:
    """The body of a report view (a former commune's own view with its ids prefixed 'unit-')."""
    if not reads.available:
        return missing_note(lang, "indicators")
    chosen = Pillar(pillar) if pillar else None
    view = reads.report(period, chosen, unit or None)
    if view is None or not view.rows:
        return html.Div(t("kpis.none", lang), className="missing")
    if unit:
        return scoped(body(view, lang, chosen, "unit"), "unit-")
    return body(view, lang, chosen)


def layout(_rest: str, rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    """The page with the default report (the newest month with figures, every pillar) already drawn."""
    reads = _reads(rm)
    latest = reads.default_period()
    extras = reads.extras()
    pillars = [{"label": t("kpi.all_pillars", lang), "value": ""}] + [
        {"label": PILLAR_LABELS[p][0 if lang == "vi" else 1], "value": p.value} for p in Pillar
    ]
    hrefs = report_links(latest, "", latest)
    links = [
        html.A(t(key, lang), id=element, className="btn", href=href, target="_blank")
        for (key, element), href in zip(
            (("kpi.report_pdf", ids.KPI_REPORT_PDF), ("kpi.report_docx", ids.KPI_REPORT_DOCX),
             ("kpi.report_xlsx", ids.KPI_REPORT_XLSX), ("kpi.export_csv", ids.KPI_EXPORT_CSV),
             ("kpi.export_xlsx", ids.KPI_EXPORT_XLSX)), hrefs, strict=True)
    ]
    return html.Div(
        [
            html.H1(t("kpi.title", lang)),
            dcc.Store(id=ids.KPI_LATEST, data=latest),
            dcc.Store(id=ids.KPI_SHOWN, data=[latest, "", ""]),
            dcc.Location(id=ids.KPI_URL, refresh=False),  # ids.URL is on every page; a callback mixing it with
            # this page's selectors raises "nonexistent object … kpi-kind" in the browser on every other page
            html.Div(
                [
                    html.Label(t("kpi.kind", lang)),
                    dcc.RadioItems(id=ids.KPI_KIND, options=[{"label": t(f"kpi.kind.{k}", lang), "value": k}
                                                             for k in KINDS], value="month", inline=True,
                                   className="filters"),
                    html.Label(t("kpi.period", lang)),
                    dcc.Dropdown(id=ids.KPI_PERIOD, options=period_options("month", latest, lang), value=latest,
                                 clearable=False, className="period"),
                    html.Label(t("kpi.pillar", lang)),
                    dcc.Dropdown(id=ids.KPI_PILLAR, options=pillars, value="", clearable=False,
                                 className="period pillar"),
                    unit_filter(reads.former_units(), lang),
                    *links,
                ],
                className="toolbar",
            ),
            html.Div(dcc.Loading(html.Div(report_body(reads, latest, "", "", lang), id=ids.KPI_BODY),
                                 delay_show=LOADING_DELAY_MS), id=ids.KPI_BODY_WRAP),
            dcc.Loading(html.Div(id=ids.KPI_UNIT_BODY), delay_show=LOADING_DELAY_MS),
            report_list(extras, lang),
            hamlet_section(extras, lang),
            plan_form(reads, lang, role),
        ],
        className="kpi-page",
    )


def chosen_view(search: str | None, kind: str, period: str, pillar: str, unit: str, latest: str,
                unit_ids: set[str]) -> tuple[str, str, str, str]:
    """(kind, period, pillar, unit) after the change that fired: the address (or the page just drawn: several at
    once), a report kind (its newest period), or a selector."""
    triggered = {key.split(".")[0] for key in dash.callback_context.triggered_prop_ids}
    trigger = next(iter(triggered)) if len(triggered) == 1 else None
    if trigger in (ids.KPI_URL, None):
        found, found_pillar = parse_search(search)
        period = found or latest
        return kind_of_period(period), period, found_pillar or "", unit_of_search(search, unit_ids) or ""
    if trigger == ids.KPI_KIND:
        period = period_options(kind, latest, current_lang())[0]["value"]
    return kind, period, pillar or "", unit or ""


def register(app: dash.Dash, rm: ReadModel) -> None:
    reads = _reads(rm)
    unit_ids = {u.id for u in reads.former_units()}
    threading.Thread(target=reads.warm, name="kpi-warm", daemon=True).start()  # the first leader finds it built

    @app.callback(
        Output(ids.KPI_URL, "search"),
        Output(ids.KPI_KIND, "value"),
        Output(ids.KPI_PERIOD, "options"),
        Output(ids.KPI_PERIOD, "value"),
        Output(ids.KPI_PILLAR, "value"),
        Output(ids.KPI_UNIT, "value"),
        Output(ids.KPI_SHOWN, "data"),
        Output(ids.KPI_BODY, "children"),
        Output(ids.KPI_REPORT_PDF, "href"),
        Output(ids.KPI_REPORT_DOCX, "href"),
        Output(ids.KPI_REPORT_XLSX, "href"),
        Output(ids.KPI_EXPORT_CSV, "href"),
        Output(ids.KPI_EXPORT_XLSX, "href"),
        Output(ids.KPI_UNIT_BODY, "children"),
        Output(ids.KPI_BODY_WRAP, "style"),
        Input(ids.KPI_URL, "search"),
        Input(ids.KPI_KIND, "value"),
        Input(ids.KPI_PERIOD, "value"),
        Input(ids.KPI_PILLAR, "value"),
        Input(ids.KPI_UNIT, "value"),
        State(ids.KPI_LATEST, "data"),
        State(ids.KPI_URL, "pathname"),
        State(ids.KPI_PERIOD, "options"),
        State(ids.KPI_SHOWN, "data"),
    )
    def show(search: str | None, kind: str, period: str, pillar: str | None, unit: str | None, latest: str,
             path: str | None, options: list[Option] | None, shown: Shown | None) -> tuple[object, ...]:
        """The address, the selectors and the body follow each other in one answer: a bookmarked ?period= opens
        that view, a report kind its newest period; what is already on screen is not sent again."""
        if not (path or "").startswith("/kpi"):
            raise dash.exceptions.PreventUpdate
        lang = current_lang()
        new_kind, new_period, new_pillar, new_unit = chosen_view(search, kind, period, pillar or "", unit or "",
                                                                 latest, unit_ids)
        new_options = period_options(new_kind, latest, lang)
        if new_period not in {o["value"] for o in new_options}:
            new_options = [{"label": period_label(new_period, lang), "value": new_period}] + new_options
        query = "?" + urlencode({"period": new_period, **({"pillar": new_pillar} if new_pillar else {}),
                                 **({"unit": new_unit} if new_unit else {})})
        selectors = (
            query if query != search else NO,
            new_kind if new_kind != kind else NO,
            new_options if new_options != options else NO,
            new_period if new_period != period else NO,
            new_pillar if new_pillar != (pillar or "") else NO,
            new_unit if new_unit != (unit or "") else NO,
        )
        now = [new_period, new_pillar, new_unit]
        if now == shown:
            return (*selectors, *([NO] * 9))
        main = [new_period, new_pillar, ""] != (shown or [])[:2] + [""]
        commune_body = report_body(reads, new_period, new_pillar, "", lang) if main else NO
        links = report_links(new_period, new_pillar, latest)
        if not new_unit or new_unit not in unit_ids:
            return (*selectors, now, commune_body, *links, [], None)
        return (*selectors, now, commune_body, *links, report_body(reads, new_period, new_pillar, new_unit, lang),
                {"display": "none"})

    @app.callback(
        Output({"type": CHART, "kpi": MATCH, "view": MATCH}, "children"),
        Input({"type": CHART_OPEN, "kpi": MATCH, "view": MATCH}, "n_clicks"),
        State(ids.KPI_SHOWN, "data"),
        prevent_initial_call=True,
    )
    def detailed_chart(clicks: int | None, shown: Shown | None) -> Component | None:
        """The KPI's detailed trend (Plotly) under its card, drawn on the first press, hidden on the next."""
        if not clicks or clicks % 2 == 0 or not shown:
            return None
        key = dash.callback_context.triggered_id
        kpi, scope = (key["kpi"], key["view"]) if isinstance(key, dict) else ("", "")
        period, pillar, unit = shown
        view = reads.report(period, Pillar(pillar) if pillar else None, unit if scope == "unit" else None)
        row = next((r for r in view.rows if r.id == kpi), None) if view else None
        if view is None or row is None:
            return None
        colour = STATUS_COLOURS.get(row.row.status.value, "#8fb8ff")
        plan = row.row.plan if row.row.aggregate is not Aggregate.SUM else None
        figure = trend_figure(view.history.get(kpi, ()), plan, colour, row.row.unit, current_lang(), view.merger)
        return dcc.Graph(figure=figure, config=GRAPH_CONFIG, className="kpi-graph kpi-trend")

    register_plan_form(app, reads)
