"""The former communes on /kpi: the 'Địa bàn' filter (?unit=), the caption that explains the merger line, the notes
under an indicator whose months before the merger are summed or cannot be, and the id prefix of a former commune's
view (it sits in the page beside the commune's, hidden)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qs

from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.i18n import t
from dashboard.read.kpi_views import ReportPageView, ReportRowView
from indicators.merger import FormerCommune, is_merger_reason


def unit_of_search(search: str | None, unit_ids: set[str]) -> str | None:
    """The former commune of '?unit=quang-phu' when the commune has it; None otherwise."""
    text = parse_qs((search or "").lstrip("?")).get("unit", [""])[0]
    return text if text in unit_ids else None


def unit_filter(units: Sequence[FormerCommune], lang: str) -> html.Div:
    """'Địa bàn': the whole commune or one former commune's own figures; hidden when the commune is no merger (the
    dropdown stays so that the callbacks always have their input)."""
    options = [{"label": t("kpi.unit.all", lang), "value": ""}] + [{"label": u.name, "value": u.id} for u in units]
    return html.Div(
        [html.Label(t("kpi.unit", lang)),
         dcc.Dropdown(id=ids.KPI_UNIT, options=options, value="", clearable=False, searchable=False,
                      className="period pillar")],
        className="kpi-unit", style={"display": "contents"} if units else {"display": "none"},
    )


def row_notes(view: ReportRowView, lang: str) -> list[str]:
    """Under an indicator's name: why it has no figure before the merger (rather than 'no figures'), that its
    figures are sums of the former communes, or the months without figures."""
    row = view.row
    if is_merger_reason(row.reason):
        return [t("kpi.merger.row_none", lang)]
    shown = {"value", "year_to_date", "last_year"}  # the page's figures (lũy kế cùng kỳ is in the report files only)
    notes = [t("kpi.merger.row_summed", lang)] if shown & set(row.summed) else []
    missing = row.months_missing
    if missing:
        notes.append(t("kpi.missing_months", lang, months=", ".join(f"{int(m[5:])}/{m[:4]}" for m in missing)))
    return notes


def scoped(nodes: list[Component], prefix: str) -> list[Component]:
    """The same components with `prefix` before every id, so that a former commune's view and the commune's
    (hidden, still in the page) never share an id (pattern-matching ids carry their own "view" key)."""
    for node in nodes:
        _prefix(node, prefix)
    return nodes


def _prefix(node: object, prefix: str) -> None:
    if isinstance(node, list | tuple):
        for child in node:
            _prefix(child, prefix)
        return
    if not isinstance(node, Component):
        return
    ident = getattr(node, "id", None)
    if isinstance(ident, str):
        node.id = prefix + ident  # type: ignore[attr-defined]  # Dash's stubs declare no props on Component
    children = getattr(node, "children", None)
    if children is not None and not isinstance(children, str):
        _prefix(children, prefix)


def merger_caption(view: ReportPageView, lang: str) -> html.Div | None:
    """How to read the break: the merger's date and the former communes, or whose own figures are shown."""
    merger = view.merger
    if merger is None:
        return None
    day = merger.date.strftime("%d/%m/%Y")
    names = ", ".join(name for _id, name in merger.units)
    if view.own_unit_view:
        text = t("kpi.merger.unit_view", lang, name=view.shown_name, date=day)
    else:
        text = t("kpi.merger.caption", lang, date=day, names=names)
    return html.Div(text, id="kpi-merger-note", className="kpi-note kpi-merger-note")
