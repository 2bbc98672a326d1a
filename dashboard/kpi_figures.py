"""Plotly figures of the leaders' view, as plain dicts: a KPI's trend against its plan and the comparison across
communes. Period labels are categories ('9/2026', 'Q.III/2026', '2026'), never dates or decimals; numbers use the
reader's separators; a commune without a figure is written 'chưa có số liệu', never drawn as an empty bar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from indicators.numbers import format_value

TEXT = "#e6edf7"
MUTED = "#93a4c3"
GRID = "rgba(230,237,247,0.12)"
SEPARATORS = {"vi": ",.", "en": ".,"}  # Plotly: decimal mark, then thousands separator
MAX_TICKS = 5
NO_DATA = {"vi": "chưa có số liệu", "en": "no data"}
Figure = dict[str, Any]


def _layout(lang: str, height: int) -> dict[str, Any]:
    axis = {"gridcolor": GRID, "zeroline": False}
    return {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": TEXT, "size": 13},
        "margin": {"l": 52, "r": 12, "t": 8, "b": 36},
        "showlegend": False,
        "height": height,
        "separators": SEPARATORS.get(lang, ",."),
        "xaxis": dict(axis),
        "yaxis": {**axis, "rangemode": "tozero"},
        "shapes": [],
        "annotations": [],
    }


def ticks(labels: Sequence[str], most: int = MAX_TICKS) -> list[str]:
    """At most `most` evenly spaced labels, always the last one (the period shown)."""
    if len(labels) <= most:
        return list(labels)
    step = -(-len(labels) // most)
    return [labels[i] for i in range(len(labels) - 1, -1, -step)][::-1]


def plan_line(fig: Figure, plan: float, axis: str, lang: str, unit: str) -> None:
    """A dotted line at the plan's value, labelled 'Kế hoạch …'."""
    word = "Kế hoạch" if lang == "vi" else "Plan"
    if axis == "y":
        shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": plan, "y1": plan}
        note = {"xref": "paper", "x": 1, "y": plan, "xanchor": "right", "yanchor": "bottom"}
    else:
        shape = {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": plan, "x1": plan}
        note = {"yref": "paper", "y": 1, "x": plan, "xanchor": "left", "yanchor": "top"}
    fig["layout"]["shapes"].append({**shape, "line": {"color": "#f8f9fa", "dash": "dot", "width": 1}})
    fig["layout"]["annotations"].append(
        {**note, "text": f"{word} {format_value(plan, unit, lang)}", "showarrow": False,
         "font": {"color": MUTED, "size": 11}}
    )


def trend_figure(points: Sequence[Sequence[Any]], plan: float | None, colour: str, unit: str,
                 lang: str = "vi") -> Figure:
    """The KPI in each period (label, value or None): a line with gaps where a period has no figure."""
    labels = [str(p[0]) for p in points]
    values = [p[1] for p in points]
    layout = _layout(lang, 200)
    layout["xaxis"].update(type="category", categoryorder="array", categoryarray=labels, tickvals=ticks(labels),
                           tickangle=0)
    layout["margin"]["r"] = 24
    fig: Figure = {
        "data": [
            {
                "type": "scatter",
                "x": labels,
                "y": values,
                "mode": "lines+markers",
                "line": {"color": colour, "width": 3},
                "connectgaps": False,
                "customdata": [format_value(v, unit, lang) for v in values],
                "hovertemplate": "%{x}: %{customdata}<extra></extra>",
            }
        ],
        "layout": layout,
    }
    if plan is not None:
        plan_line(fig, plan, "y", lang, unit)
    return fig


def compare_figure(rows: Sequence[Sequence[Any]], highlight: str, plan: float | None, unit: str,
                   lang: str = "vi") -> Figure:
    """Bars of one KPI across communes (name, value or None), this commune highlighted; a commune without a
    figure keeps its row (the category stays on the axis) with the words 'chưa có số liệu' and no bar."""
    ordered = sorted(rows, key=lambda r: (r[1] is None, -(r[1] or 0)))[::-1]
    names = [str(r[0]) for r in ordered]
    values = [r[1] for r in ordered]
    layout = _layout(lang, max(140, 34 * len(rows) + 40))
    layout["margin"] = {"l": 130, "r": 16, "t": 8, "b": 28}
    layout["yaxis"] = {"type": "category", "categoryorder": "array", "categoryarray": names, "gridcolor": GRID}
    layout["xaxis"].update(rangemode="tozero")
    fig: Figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [n for n, v in zip(names, values, strict=True) if v is not None],
                "x": [v for v in values if v is not None],
                "marker": {"color": ["#2f7cf6" if n == highlight else "#55627a"
                                     for n, v in zip(names, values, strict=True) if v is not None]},
                "text": [format_value(v, unit, lang) for v in values if v is not None],
                "textposition": "auto",
                "hoverinfo": "skip",
            }
        ],
        "layout": layout,
    }
    for name, value in zip(names, values, strict=True):
        if value is None:
            layout["annotations"].append(
                {"xref": "paper", "x": 0, "y": name, "xanchor": "left", "text": NO_DATA.get(lang, NO_DATA["vi"]),
                 "showarrow": False, "font": {"color": MUTED, "size": 12}}
            )
    if plan is not None:
        plan_line(fig, plan, "x", lang, unit)
    return fig
