"""Leaders' view /kpi: the report of a month, quarter, 6, 9 or 12 months against the year plan, by pillar, with
the summary line, the administrative table, charts of what is behind, the reports to download, hamlet
criteria, and (admin, operator) the year-plan form. The period, pillar and former commune live in the URL
(?period=&pillar=&unit=); a merged commune's trends mark the merger and say which figures are sums of its former
communes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
from dash import Input, Output, State, dcc, html

from dashboard import ids
from dashboard.i18n import current_lang, t
from dashboard.kpi_figures import compare_figure, trend_figure
from dashboard.pages.kpi_parts import hamlet_section, plan_form, register_plan_form, report_list
from dashboard.pages.kpi_units import merger_caption, row_notes, scoped, unit_filter, unit_of_search
from dashboard.pages.shell import missing_note
from dashboard.read_model import ReadModel
from indicators.models import PILLAR_LABELS, Pillar
from indicators.numbers import decimals_for, format_number, format_pct, format_value
from indicators.periods import PeriodError, kind_of, parse_period, shift
from indicators.report import period_label

STATUS_COLOURS = {"met": "#2e9d4f", "near": "#f0c419", "behind": "#e03131", "no_target": "#8fb8ff",
                  "no_value": "#6b7280"}
KINDS = ("month", "quarter", "6M", "9M", "year")
GRAPH_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def period_options(kind: str, latest: str, lang: str) -> list[dict[str, str]]:
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


def layout(_rest: str, rm: ReadModel, lang: str, role: Any) -> Any:
    latest = rm.kpi_period() or rm.local(rm.now()).strftime("%Y-%m")
    extras = rm.kpi_extras()
    pillars = [{"label": t("kpi.all_pillars", lang), "value": ""}] + [
        {"label": PILLAR_LABELS[p][0 if lang == "vi" else 1], "value": p.value} for p in Pillar
    ]
    links = [
        html.A(t(key, lang), id=element, className="btn", href="#", target="_blank")
        for key, element in (("kpi.report_pdf", ids.KPI_REPORT_PDF), ("kpi.report_docx", ids.KPI_REPORT_DOCX),
                             ("kpi.report_xlsx", ids.KPI_REPORT_XLSX), ("kpi.export_csv", ids.KPI_EXPORT_CSV),
                             ("kpi.export_xlsx", ids.KPI_EXPORT_XLSX))
    ]
    return html.Div(
        [
            html.H1(t("kpi.title", lang)),
            dcc.Store(id=ids.KPI_LATEST, data=latest),
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
                    unit_filter(rm, lang),
                    *links,
                ],
                className="toolbar",
            ),
            html.Div(dcc.Loading(html.Div(id=ids.KPI_BODY)), id=ids.KPI_BODY_WRAP),
            dcc.Loading(html.Div(id=ids.KPI_UNIT_BODY)),
            report_list(extras, lang),
            hamlet_section(extras, lang),
            plan_form(rm, lang, role),
        ],
        className="kpi-page",
    )


def summary_line(data: dict[str, Any], lang: str) -> html.Div:
    """'18/28 chỉ tiêu đạt kế hoạch' and the other counts, with the period and the rule of the statuses."""
    s = data["summary"]
    label = data.get(f"label_{lang}") or data["period"]
    through = data.get("through")
    if through:  # 'Quý IV/2026 (chưa đủ kỳ, số liệu đến tháng 10/2026)'
        label += " " + t("kpi.partial", lang, month=f"{int(through[5:7])}/{through[:4]}")
    rest = ", ".join(
        t(f"kpi.sum.{k}", lang, n=s[k]) for k in ("near", "behind", "no_target", "no_value") if s.get(k)
    )
    return html.Div(
        [
            html.Div(
                [html.Strong(t("kpi.sum.met", lang, met=s["met"], judged=s["judged"]), id="kpi-summary-met"),
                 html.Span(f" · {rest}" if rest else ""), html.Span(f" · {label}", className="kpi-sum-period")],
                className="kpi-summary-line",
            ),
            html.Div(t("kpi.rule", lang), className="kpi-rule"),
        ],
        id=ids.KPI_SUMMARY,
        className="card kpi-summary",
    )


def _cell(value: float | None, unit: str, lang: str) -> Any:
    if value is None:
        return html.Span(t("kpi.no_data", lang), className="kpi-nodata")
    return format_value(value, unit, lang)


def table(rows: list[dict[str, Any]], lang: str, cumulative: bool) -> html.Table:
    """The administrative table: Chỉ tiêu | Đơn vị | Kế hoạch | Thực hiện | (Lũy kế) | % KH | Cùng kỳ | So cùng kỳ
    | Đánh giá."""
    heads = ["kpi.col.name", "kpi.col.unit", "kpi.col.plan", "kpi.col.value"]
    heads += [] if cumulative else ["kpi.col.ytd"]
    heads += ["kpi.col.pct", "kpi.col.last", "kpi.col.change", "kpi.col.status"]
    body = []
    for r in rows:
        unit = r["unit"]
        name = [html.Div(r[f"name_{lang}"])] + [html.Div(n, className="kpi-note") for n in row_notes(r, lang)]
        cells = [name, r[f"unit_{lang}"], format_value(r["plan"], unit, lang) if r["plan"] is not None else "—",
                 _cell(r["value"], unit, lang)]
        cells += [] if cumulative else [_cell(r["year_to_date"], unit, lang)]
        cells += [
            format_pct(r["pct_of_plan"], lang),
            _cell(r["last_year"], unit, lang) if r["last_year"] is not None or r["value"] is None else "—",
            format_pct(r["change_pct"], lang, signed=True),
            html.Span(r[f"status_{lang}"], className="kpi-status", title=rule_text(r["rule"], lang),
                      style={"background": STATUS_COLOURS.get(r["status"], "#8fb8ff")}),
        ]
        labels = [""] + [t(h, lang) for h in heads[1:]]  # a phone stacks the row, each cell with its column name
        body.append(html.Tr([html.Td(c, **{"data-label": k}) for c, k in zip(cells, labels, strict=True)],
                            id=f"kpi-row-{r['id']}"))
    return html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(body)],
                      className="data-table kpi-table stack-table")


RULE_EN = (  # indicators.report.judge writes a status's rule in Vietnamese (the report files' language)
    (re.compile(r"Đạt khi lũy kế ([≥≤]) (\d+)/12 kế hoạch năm"),
     r"Met when the year to date is \1 \2/12 of the year plan"),
    (re.compile(r"Đạt khi thực hiện ([≥≤]) kế hoạch"), r"Met when the result is \1 the plan"),
    (re.compile(r"; gần đạt khi lệch không quá "), "; near when within "),
)


def rule_text(rule: str, lang: str) -> str:
    """A status's rule in the page's language."""
    if lang == "vi":
        return rule
    for pattern, english in RULE_EN:
        rule = pattern.sub(english, rule)
    return rule


def chart_card(row: dict[str, Any], data: dict[str, Any], highlight: str, lang: str) -> html.Div:
    """One KPI's trend and its comparison across communes."""
    colour = STATUS_COLOURS.get(row["status"], "#8fb8ff")
    rate = row["aggregate"] != "sum"  # a year plan line on monthly sums would mislead
    plan = row["plan"] if rate else None
    compare = data["compare"].get(row["id"], [])
    return html.Div(
        [
            html.Div(row[f"name_{lang}"], className="kpi-card-name"),
            html.Div(
                [html.Span(t("kpi.col.ytd", lang) + ": ", className="kpi-note"),
                 html.Span(format_number(row["year_to_date"], decimals_for(row["unit"]), lang),
                           className="kpi-card-value", style={"color": colour}),
                 html.Span(f" {row[f'unit_{lang}']}"),
                 html.Span(row[f"status_{lang}"], className="kpi-status", style={"background": colour})]
            ),
            dcc.Graph(figure=trend_figure(data["history"].get(row["id"], []), plan, colour, row["unit"], lang,
                                          data.get("merger")),
                      config=GRAPH_CONFIG, className="kpi-graph kpi-trend"),
            html.Div(t("kpi.compare", lang), className="chart-label") if len(compare) > 1 else None,
            dcc.Graph(figure=compare_figure(compare, highlight, plan, row["unit"], lang), config=GRAPH_CONFIG,
                      className="kpi-graph kpi-compare") if len(compare) > 1 else None,
        ],
        className="card kpi-card",
        id=f"kpi-card-{row['id']}",
    )


def body(data: dict[str, Any], rm: ReadModel, lang: str, pillar: str | None) -> list[Any]:
    rows = data["rows"]
    cumulative = kind_of(data["period"]).value in ("to_date", "year")
    sections: list[Any] = [summary_line(data, lang)]
    merger = data.get("merger") or {}
    own_view = bool(merger.get("unit")) and merger.get("unit") == data.get("shown")  # a former commune's figures
    for p in Pillar:
        mine = [r for r in rows if r["pillar"] == p.value]
        if mine:
            sections.append(html.Section([html.H2(PILLAR_LABELS[p][0 if lang == "vi" else 1]),
                                          table(mine, lang, cumulative)], id=f"kpi-pillar-{p.value}"))
    by_id = {r["id"]: r for r in rows}
    charted = [by_id[k] for k in data.get("charted", [])]
    caption = merger_caption(data, lang)  # on top for a former commune's view, else above the charts it explains
    if charted:
        title = t("kpi.charts" if pillar else "kpi.charts_behind", lang)
        cards = [chart_card(r, data, rm.ctx.config.commune.name, lang) for r in charted]
        head = [html.H2(title)] + ([] if own_view else [caption])
        sections.append(html.Section([*head, html.Div(cards, className="kpi-grid")], id="kpi-charts"))
    if own_view or not charted:
        sections.insert(1, caption)
    return sections


def register(app: dash.Dash, rm: ReadModel) -> None:
    unit_ids = {u.id for u in rm.ctx.config.commune.former_units}

    @app.callback(
        Output(ids.KPI_URL, "search"),
        Output(ids.KPI_KIND, "value"),
        Output(ids.KPI_PERIOD, "options"),
        Output(ids.KPI_PERIOD, "value"),
        Output(ids.KPI_PILLAR, "value"),
        Output(ids.KPI_UNIT, "value"),
        Input(ids.KPI_URL, "search"),
        Input(ids.KPI_KIND, "value"),
        Input(ids.KPI_PERIOD, "value"),
        Input(ids.KPI_PILLAR, "value"),
        Input(ids.KPI_UNIT, "value"),
        State(ids.KPI_LATEST, "data"),
        State(ids.KPI_URL, "pathname"),
    )
    def sync(search: str | None, kind: str, period: str, pillar: str, unit: str, latest: str,
             path: str | None) -> Any:
        """The URL and the selectors follow each other: a bookmarked ?period= opens that view."""
        lang = current_lang()
        if not (path or "").startswith("/kpi"):
            raise dash.exceptions.PreventUpdate
        triggered = {key.split(".")[0] for key in dash.callback_context.triggered_prop_ids}
        trigger = next(iter(triggered)) if len(triggered) == 1 else None  # several: the page was just drawn
        if trigger in (ids.KPI_URL, None):
            period, pillar = parse_search(search)
            unit = unit_of_search(search, unit_ids) or ""
            period = period or latest
            kind = kind_of_period(period)
        elif trigger == ids.KPI_KIND:
            period = period_options(kind, latest, lang)[0]["value"]
        options = period_options(kind, latest, lang)
        if period not in {o["value"] for o in options}:
            options = [{"label": period_label(period, lang), "value": period}] + options
        query = "?" + urlencode({"period": period, **({"pillar": pillar} if pillar else {}),
                                 **({"unit": unit} if unit else {})})
        return (query if query != search else dash.no_update), kind, options, period, pillar or "", unit or ""

    @app.callback(
        Output(ids.KPI_BODY, "children"),
        Output(ids.KPI_REPORT_PDF, "href"),
        Output(ids.KPI_REPORT_DOCX, "href"),
        Output(ids.KPI_REPORT_XLSX, "href"),
        Output(ids.KPI_EXPORT_CSV, "href"),
        Output(ids.KPI_EXPORT_XLSX, "href"),
        Input(ids.KPI_PERIOD, "value"),
        Input(ids.KPI_PILLAR, "value"),
    )
    def show(period: str, pillar: str) -> Any:
        lang = current_lang()
        query = urlencode({"period": period, **({"pillar": pillar} if pillar else {})})
        month = period if kind_of(period).value == "month" else None
        links = (
            f"/api/kpis/report?format=pdf&{query}",
            f"/api/kpis/report?format=docx&{query}",
            f"/api/kpis/report?format=xlsx&{query}",
            f"/api/kpis/report?format=csv&{query}",
            f"/api/kpis/export?format=xlsx&period={month or rm.kpi_period() or ''}",
        )
        if rm.ctx.indicators is None:
            return (missing_note(lang, "indicators"), *links)
        data = rm.kpi_report(period, pillar or None)
        if not data["rows"]:
            return (html.Div(t("kpis.none", lang), className="missing"), *links)
        return (body(data, rm, lang, pillar or None), *links)

    @app.callback(
        Output(ids.KPI_UNIT_BODY, "children"),
        Output(ids.KPI_BODY_WRAP, "style"),
        Input(ids.KPI_PERIOD, "value"),
        Input(ids.KPI_PILLAR, "value"),
        Input(ids.KPI_UNIT, "value"),
    )
    def show_unit(period: str, pillar: str, unit: str | None) -> Any:
        """A former commune's own figures in place of the commune's view (which stays, hidden)."""
        if not unit or unit not in unit_ids or rm.ctx.indicators is None:
            return [], None
        lang = current_lang()
        data = rm.kpi_report(period, pillar or None, unit)
        if not data["rows"]:
            return html.Div(t("kpis.none", lang), className="missing"), {"display": "none"}
        return scoped(body(data, rm, lang, pillar or None), "unit-"), {"display": "none"}

    register_plan_form(app, rm)
