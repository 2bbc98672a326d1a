"""The former communes on /kpi: the 'Địa bàn' filter (?unit=), the caption that explains the merger line, the notes
under an indicator whose months before the merger are summed or cannot be, and the id prefix of a former commune's
view (it sits in the page beside the commune's, hidden)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.read_model import ReadModel
from indicators.merger import is_merger_reason


def unit_of_search(search: str | None, unit_ids: set[str]) -> str | None:
    """The former commune of '?unit=quang-phu' when the commune has it; None otherwise."""
    text = parse_qs((search or "").lstrip("?")).get("unit", [""])[0]
    return text if text in unit_ids else None


def unit_filter(rm: ReadModel, lang: str) -> html.Div:
    """'Địa bàn': the whole commune or one former commune's own figures; hidden when the commune is no merger (the
    dropdown stays so that the callbacks always have their input)."""
    units = rm.ctx.config.commune.former_units
    options = [{"label": t("kpi.unit.all", lang), "value": ""}] + [{"label": u.name, "value": u.id} for u in units]
    return html.Div(
        [html.Label(t("kpi.unit", lang)),
         dcc.Dropdown(id=ids.KPI_UNIT, options=options, value="", clearable=False, searchable=False,
                      className="period pillar")],
        className="kpi-unit", style={"display": "contents"} if units else {"display": "none"},
    )


def row_notes(row: dict[str, Any], lang: str) -> list[str]:
    """Under an indicator's name: why it has no figure before the merger (rather than 'no figures'), that its
    figures are sums of the former communes, or the months without figures."""
    if is_merger_reason(row.get("reason")):
        return [t("kpi.merger.row_none", lang)]
    shown = {"value", "year_to_date", "last_year"}  # the page's figures (lũy kế cùng kỳ is in the report files only)
    notes = [t("kpi.merger.row_summed", lang)] if shown & set(row.get("summed") or ()) else []
    missing = row.get("months_missing") or []
    if missing:
        notes.append(t("kpi.missing_months", lang, months=", ".join(f"{int(m[5:])}/{m[:4]}" for m in missing)))
    return notes


def scoped(node: Any, prefix: str) -> Any:
    """The same components with `prefix` before every id, so that a former commune's view and the commune's
    (hidden, still in the page) never share an id."""
    if isinstance(node, list | tuple):
        return [scoped(n, prefix) for n in node]
    if isinstance(getattr(node, "id", None), str):
        node.id = prefix + node.id
    children = getattr(node, "children", None)
    if children is not None and not isinstance(children, str):
        node.children = scoped(children, prefix)
    return node


def merger_caption(data: dict[str, Any], lang: str) -> html.Div | None:
    """How to read the break: the merger's date and the former communes, or whose own figures are shown."""
    merger = data.get("merger")
    if not merger:
        return None
    day = "/".join(reversed(merger["date"].split("-")))
    names = ", ".join(name for _id, name in merger["units"])
    if merger.get("unit") and data.get("shown") == merger["unit"]:
        text = t("kpi.merger.unit_view", lang, name=data.get("shown_name", ""), date=day)
    else:
        text = t("kpi.merger.caption", lang, date=day, names=names)
    return html.Div(text, id="kpi-merger-note", className="kpi-note kpi-merger-note")
