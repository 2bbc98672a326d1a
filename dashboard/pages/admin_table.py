"""The plain tables of /admin (health, parts, devices, audit log ...): headings from the label table, and each cell
labelled with its heading so that a phone stacks a row (phone.css)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import html

from dashboard.i18n import t

Row = Mapping[str, object]  # a column key -> the text (or number) shown; None shows "—"


def labelled_cell(text: str, label: str) -> html.Td:
    """A cell with its column's heading as `data-label` (a data-* attribute: Dash serialises it as given)."""
    cell = html.Td(text)
    setattr(cell, "data-label", label)
    return cell


def table(rows: Sequence[Row], columns: list[str], lang: str, table_id: str | None = None) -> html.Table | html.Div:
    """A plain table; `columns` are row keys, their headings come from the label table (admin.col.<key>)."""
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    head = html.Tr([html.Th(t(f"admin.col.{c}", lang)) for c in columns])
    labels = [""] + [t(f"admin.col.{c}", lang) for c in columns[1:]]  # a phone stacks each row (phone.css)
    body_rows = [
        html.Tr([labelled_cell(str(r.get(c) if r.get(c) is not None else "—")[:200], k)
                 for c, k in zip(columns, labels, strict=True)]) for r in rows
    ]
    parts = [html.Thead(head), html.Tbody(body_rows)]
    if table_id:
        return html.Table(parts, className="data-table stack-table", id=table_id)
    return html.Table(parts, className="data-table stack-table")
