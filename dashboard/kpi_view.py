"""Pure helpers of the leaders' view /kpi: a period's axis label, the status counts of a report, where a trend
starts (13 months, or back to a recent merger so the break and the sums before it show) and how many KPIs behind
their plan get a chart."""

from __future__ import annotations

from collections.abc import Sequence

from indicators.models import PeriodKind, Status
from indicators.periods import kind_of, shift
from indicators.report import ROMAN

TREND_MONTHS = 13
MAX_TREND_MONTHS = 24  # a trend reaches back to a merger this recent, so the break and the sums before it show
MONTHS_BEFORE_MERGER = 3
MAX_BEHIND_CHARTS = 6


def short_label(period: str) -> str:
    """Axis label of a period: '9/2026', 'QIII/26', '2026'."""
    kind = kind_of(period)
    if kind is PeriodKind.MONTH:
        return f"{int(period[5:7])}/{period[:4]}"
    if kind is PeriodKind.QUARTER:
        return f"Q{ROMAN[int(period[-1]) - 1]}/{period[2:4]}"
    return period[:4]


def summary_counts(statuses: Sequence[str]) -> dict[str, int]:
    """How many KPIs have each status (by its value: met, near, …); `judged`: those with a plan and a figure;
    `total`: all."""
    counts = {s.value: sum(1 for x in statuses if x == s.value) for s in Status}
    counts["judged"] = counts["met"] + counts["near"] + counts["behind"]
    counts["total"] = len(statuses)
    return counts


def trend_start(end: str, merged_on: str | None) -> str:
    """The first month of a trend ending with `end`: 13 months, or back to 3 months before a merger of the last
    24 months."""
    start = shift(end, 1 - TREND_MONTHS)
    if merged_on is None:
        return start
    back = shift(merged_on[:7], -MONTHS_BEFORE_MERGER)
    return back if shift(end, 1 - MAX_TREND_MONTHS) <= back < start else start
