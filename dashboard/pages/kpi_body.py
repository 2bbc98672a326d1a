"""The body of /kpi for one report view: the summary line, one administrative table per pillar, and the cards of
the charted KPIs. A card draws the KPI's trend as light HTML columns and its comparison across communes as HTML bars
(no Plotly on the page's first draw: a commune PC draws the page in well under a second); the detailed, interactive
trend (Plotly, with the plan line, the merger line and the summed points' hover text) is drawn when the leader asks
for it (kpi.register's chart callback)."""

from __future__ import annotations

import re

from dash import html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.kpi_units import merger_caption, row_notes
from dashboard.read.kpi_views import CompareView, ReportPageView, ReportRowView, TrendPointView
from indicators.merger import before_merger
from indicators.models import PILLAR_LABELS, Aggregate, Pillar
from indicators.numbers import decimals_for, format_number, format_pct, format_value
from indicators.periods import kind_of

STATUS_COLOURS = {"met": "#2e9d4f", "near": "#f0c419", "behind": "#e03131", "no_target": "#8fb8ff",
                  "no_value": "#6b7280"}
NO_DATA = {"vi": "chưa có số liệu", "en": "no data"}
CHART_OPEN = "kpi-chart-open"  # pattern-matching ids: {"type": CHART_OPEN | CHART, "kpi": id, "view": "" | "unit"}
CHART = "kpi-chart"
Cell = str | Component | list[Component]  # what a table cell holds


def summary_line(view: ReportPageView, lang: str) -> html.Div:
    """'18/28 chỉ tiêu đạt kế hoạch' and the other counts, with the period and the rule of the statuses."""
    s = view.summary
    label = view.label(lang)
    if view.through:  # 'Quý IV/2026 (chưa đủ kỳ, số liệu đến tháng 10/2026)'
        label += " " + t("kpi.partial", lang, month=f"{int(view.through[5:7])}/{view.through[:4]}")
    rest = ", ".join(
        t(f"kpi.sum.{k}", lang, n=s.count(k)) for k in ("near", "behind", "no_target", "no_value") if s.count(k)
    )
    return html.Div(
        [
            html.Div(
                [html.Strong(t("kpi.sum.met", lang, met=s.met, judged=s.judged), id="kpi-summary-met"),
                 html.Span(f" · {rest}" if rest else ""), html.Span(f" · {label}", className="kpi-sum-period")],
                className="kpi-summary-line",
            ),
            html.Div(t("kpi.rule", lang), className="kpi-rule"),
        ],
        id=ids.KPI_SUMMARY,
        className="card kpi-summary",
    )


def _cell(value: float | None, unit: str, lang: str) -> str | html.Span:
    if value is None:
        return html.Span(t("kpi.no_data", lang), className="kpi-nodata")
    return format_value(value, unit, lang)


def table(rows: tuple[ReportRowView, ...], lang: str, cumulative: bool) -> html.Table:
    """The administrative table: Chỉ tiêu | Đơn vị | Kế hoạch | Thực hiện | (Lũy kế) | % KH | Cùng kỳ | So cùng kỳ
    | Đánh giá."""
    heads = ["kpi.col.name", "kpi.col.unit", "kpi.col.plan", "kpi.col.value"]
    heads += [] if cumulative else ["kpi.col.ytd"]
    heads += ["kpi.col.pct", "kpi.col.last", "kpi.col.change", "kpi.col.status"]
    labels = [""] + [t(h, lang) for h in heads[1:]]  # a phone stacks the row, each cell with its column name
    body = []
    for view in rows:
        r, unit = view.row, view.row.unit
        notes: list[Component] = [html.Div(n, className="kpi-note") for n in row_notes(view, lang)]
        name: Cell = [html.Div(view.name(lang)), *notes] if notes else view.name(lang)
        cells: list[Cell] = [name, view.unit_text(lang), format_value(r.plan, unit, lang) if r.plan is not None
                               else "—", _cell(r.value, unit, lang)]
        cells += [] if cumulative else [_cell(r.year_to_date, unit, lang)]
        cells += [
            format_pct(r.pct_of_plan, lang),
            _cell(r.last_year, unit, lang) if r.last_year is not None or r.value is None else "—",
            format_pct(r.change_pct, lang, signed=True),
            html.Span(view.status_text(lang), className="kpi-status", title=rule_text(r.rule, lang),
                      style={"background": STATUS_COLOURS.get(r.status.value, "#8fb8ff")}),
        ]
        body.append(html.Tr([html.Td(c, **{"data-label": k})  # type: ignore[arg-type]  # a data-* attribute
                             for c, k in zip(cells, labels, strict=True)],
                            id=f"kpi-row-{view.id}"))
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


def spark(points: tuple[TrendPointView, ...], view: ReportPageView, unit: str, colour: str,
          lang: str) -> html.Div:
    """The trend as light columns, one per period (its figure on hover; a period without one is an empty slot; a sum
    of the former communes is an open column), with the merger's line."""
    top = max((p.value for p in points if p.value is not None), default=0.0) or 1.0
    merged_on = view.merger.date if view.merger else None
    columns: list[Component] = []
    for i, p in enumerate(points):
        if merged_on and i and before_merger(points[i - 1].period, merged_on) and not before_merger(p.period,
                                                                                                   merged_on):
            columns.append(html.Div(html.Span(t("kpi.merger.line", lang, date=_day(view)), className="kpi-spark-tag"),
                                    className="kpi-spark-merger"))
        text = f"{p.label}: " + (format_value(p.value, unit, lang) if p.value is not None else NO_DATA[lang])
        if p.combined_from and view.merger:
            text += " – " + t("kpi.merger.summed", lang, names=", ".join(view.merger.name_of(u)
                                                                         for u in p.combined_from))
        height = 0 if p.value is None else max(2.0, 100 * max(p.value, 0) / top)
        style = {"height": f"{height:.0f}%", "borderColor": colour,
                 **({} if p.combined_from else {"background": colour})}
        columns.append(html.Div(title=text, style=style,  # one element per period: the page stays light
                                className="kpi-spark-col" + (" summed" if p.combined_from else "")))
    axis = [html.Span(points[0].label), html.Span(points[-1].label)] if points else []
    return html.Div([html.Div(columns, className="kpi-spark-cols"), html.Div(axis, className="kpi-spark-axis")],
                    className="kpi-spark", role="img")


def _day(view: ReportPageView) -> str:
    return view.merger.date.strftime("%d/%m/%Y") if view.merger else ""


def compare_bars(rows: tuple[CompareView, ...], highlight: str, plan: float | None, unit: str,
                 lang: str) -> html.Div:
    """One KPI across communes as HTML bars, largest first, this commune highlighted; a commune without a figure
    keeps its row with the words 'chưa có số liệu' and no bar; a zero is written '0', with no bar."""
    ordered = sorted(rows, key=lambda r: (r.value is None, -(r.value or 0)))
    top = max([r.value for r in rows if r.value is not None] + [plan or 0]) or 1.0
    lines = []
    for r in ordered:
        if r.value is None:
            figure: Component = html.Span(NO_DATA[lang], className="kpi-nodata")
        else:
            width = 100 * max(r.value, 0) / top
            bar = html.Div(className="kpi-bar-fill" + (" own" if r.name == highlight else ""),
                           style={"width": f"{width:.1f}%"}) if r.value > 0 else None
            figure = html.Div([bar, html.Span(format_value(r.value, unit, lang), className="kpi-bar-text")],
                              className="kpi-bar")
        lines.append(html.Div([html.Span(r.name, className="kpi-bar-name"), figure], className="kpi-bar-row"))
    if plan is not None:
        lines.append(html.Div(f"{'Kế hoạch' if lang == 'vi' else 'Plan'} {format_value(plan, unit, lang)}",
                              className="kpi-note kpi-bar-plan"))
    return html.Div(lines, className="kpi-compare")


def chart_card(view: ReportRowView, page: ReportPageView, scope: str, lang: str) -> html.Div:
    """One KPI's card: its year to date and status, its trend, its comparison across communes, and the button that
    draws the detailed trend."""
    row = view.row
    colour = STATUS_COLOURS.get(row.status.value, "#8fb8ff")
    plan = row.plan if row.aggregate is not Aggregate.SUM else None  # a year plan line on monthly sums would mislead
    compare = page.compare.get(view.id, ())
    key = {"kpi": view.id, "view": scope}
    return html.Div(
        [
            html.Div(view.name(lang), className="kpi-card-name"),
            html.Div(
                [html.Span(t("kpi.col.ytd", lang) + ": ", className="kpi-note"),
                 html.Span(format_number(row.year_to_date, decimals_for(row.unit), lang),
                           className="kpi-card-value", style={"color": colour}),
                 html.Span(f" {view.unit_text(lang)}"),
                 html.Span(view.status_text(lang), className="kpi-status", style={"background": colour})]
            ),
            spark(page.history.get(view.id, ()), page, row.unit, colour, lang),
            html.Button(t("kpi.chart.open", lang), id={"type": CHART_OPEN, **key}, className="btn kpi-chart-open"),
            html.Div(id={"type": CHART, **key}),
            html.Div(t("kpi.compare", lang), className="chart-label") if len(compare) > 1 else None,
            compare_bars(compare, page.commune_name, plan, row.unit, lang) if len(compare) > 1 else None,
        ],
        className="card kpi-card",
        id=f"kpi-card-{view.id}",
    )


def body(view: ReportPageView, lang: str, pillar: Pillar | None, scope: str = "") -> list[Component]:
    """Summary, one table per pillar, the charted KPIs' cards (`scope`: "unit" for a former commune's own view)."""
    cumulative = kind_of(view.period).value in ("to_date", "year")
    sections: list[Component] = [summary_line(view, lang)]
    for p in Pillar:
        mine = tuple(r for r in view.rows if r.row.pillar is p)
        if mine:
            sections.append(html.Section([html.H2(PILLAR_LABELS[p][0 if lang == "vi" else 1]),
                                          table(mine, lang, cumulative)], id=f"kpi-pillar-{p.value}"))
    by_id = {r.id: r for r in view.rows}
    charted = [by_id[k] for k in view.charted]
    caption = merger_caption(view, lang)  # on top for a former commune's view, else above the charts it explains
    if charted:
        title = t("kpi.charts" if pillar else "kpi.charts_behind", lang)
        cards = [chart_card(r, view, scope, lang) for r in charted]
        head: list[Component] = [html.H2(title)] + ([] if view.own_unit_view or caption is None else [caption])
        sections.append(html.Section([*head, html.Div(cards, className="kpi-grid")], id="kpi-charts"))
    if (view.own_unit_view or not charted) and caption is not None:
        sections.insert(1, caption)
    return sections
