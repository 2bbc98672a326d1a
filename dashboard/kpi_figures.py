"""The Plotly figure of the leaders' view, as a plain dict: a KPI's detailed trend against its plan (drawn when a
leader asks for it; the comparison across communes is HTML bars, pages/kpi_body). Period labels are categories
('9/2026', 'Q.III/2026', '2026'), never dates or decimals; numbers use the reader's separators; a merged commune's
trend has a vertical line at the merger, and its points before it (sums of the former communes, open circles) say
so on hover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from dashboard.i18n import t
from dashboard.read.kpi_views import MergerView, TrendPointView
from indicators.merger import before_merger, day_text
from indicators.numbers import format_value

TEXT = "#e6edf7"
MUTED = "#93a4c3"
GRID = "rgba(230,237,247,0.12)"
SEPARATORS = {"vi": ",.", "en": ".,"}  # Plotly: decimal mark, then thousands separator
MAX_TICKS = 5
Figure = dict[str, Any]  # Any: Plotly's figure schema (nested dicts and lists of numbers, strings, None)


def _layout(lang: str, height: int) -> Figure:
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


def break_index(periods: Sequence[str | None], merged_on: date) -> int | None:
    """Index of the first period after the merger when an earlier period of the series lies before it."""
    for i, period in enumerate(periods):
        if period is None:
            return None
        if not before_merger(period, merged_on):
            return i if i > 0 else None
    return None


def merger_line(fig: Figure, index: int, count: int, merged_on: date, lang: str) -> None:
    """A vertical dashed line between the last period before the merger and the first after it, labelled
    'Sáp nhập 01/07/2025' at the top, on the side with more room. The axis range is fixed to the categories so
    that the label does not widen it."""
    x = index - 0.5  # category axes place categories at 0, 1, 2 ...
    fig["layout"]["xaxis"]["range"] = [-0.5, count - 0.5]
    fig["layout"]["shapes"].append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0,
                                    "y1": 1, "line": {"color": "#f59f00", "dash": "dash", "width": 2}})
    side = "left" if index < count / 2 else "right"
    fig["layout"]["annotations"].append(
        {"xref": "x", "yref": "paper", "x": x, "y": 1, "xanchor": side, "yanchor": "top", "xshift": 3 if
         side == "left" else -3,
         "text": t("kpi.merger.line", lang, date=day_text(merged_on)), "showarrow": False,
         "font": {"color": "#f59f00", "size": 12}, "name": "merger"}
    )


def _hover(value: float | None, combined: Sequence[str], names: dict[str, str], unit: str, lang: str) -> str:
    text = format_value(value, unit, lang)
    if combined:
        listed = "".join(f"<br>{names.get(u, u)}" for u in combined)  # one per line: the card is narrow
        text += "<br>" + t("kpi.merger.summed", lang, names=listed)
    return text


def trend_figure(points: Sequence[TrendPointView], plan: float | None, colour: str, unit: str,
                 lang: str = "vi", merger: MergerView | None = None) -> Figure:
    """The KPI in each period: a line with gaps where a period has no figure; with `merger` the break line and the
    summed points' hover text."""
    labels = [p.label for p in points]
    values = [p.value for p in points]
    combined = [list(p.combined_from) for p in points]
    names = dict(merger.units) if merger else {}
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
                "marker": {"size": 7, "symbol": ["circle-open" if c else "circle" for c in combined]},
                "customdata": [_hover(v, c, names, unit, lang) for v, c in zip(values, combined, strict=True)],
                "hovertemplate": "%{x}: %{customdata}<extra></extra>",
            }
        ],
        "layout": layout,
    }
    if plan is not None:
        plan_line(fig, plan, "y", lang, unit)
    if merger:
        merged_on = merger.date
        index = break_index([p.period for p in points], merged_on)
        if index is not None:
            merger_line(fig, index, len(points), merged_on, lang)
    return fig
