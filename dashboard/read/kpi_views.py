"""The frozen views the KPI reader (dashboard.read.kpis) gives the leaders' view /kpi, the wall's tiles and the KPI
API: a KPI's figure for a month, a report period's rows, summary, trends and comparisons, the former communes of a
merger, the generated report files, the hamlets' criteria and the plan choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from indicators.catalogue import KpiDef
from indicators.hamlets import HamletStatus
from indicators.models import STATUS_LABELS, KpiValue
from indicators.report import ReportRow
from indicators.units import unit_label


@dataclass(frozen=True, slots=True)
class KpiRowView:
    """One KPI of one commune for a month, with its definition (GET /api/kpis, the wall's tiles, the exports)."""

    value: KpiValue
    kpi: KpiDef
    commune_name: str

    @property
    def has_value(self) -> bool:
        return self.value.value is not None

    def name(self, lang: str) -> str:
        return self.kpi.name_vi if lang == "vi" else self.kpi.name_en

    def unit_text(self, lang: str) -> str:
        return unit_label(self.value.unit, lang)


@dataclass(frozen=True, slots=True)
class ReportRowView:
    """One KPI of a report period (thực hiện, lũy kế, kế hoạch, cùng kỳ, đánh giá) with its names."""

    row: ReportRow
    name_vi: str
    name_en: str

    @property
    def id(self) -> str:
        return self.row.kpi_id

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def unit_text(self, lang: str) -> str:
        return unit_label(self.row.unit, lang)

    def status_text(self, lang: str) -> str:
        return STATUS_LABELS[self.row.status][0 if lang == "vi" else 1]


@dataclass(frozen=True, slots=True)
class TrendPointView:
    """A KPI in one of its own periods: axis label ('9/2026'), value, former units summed into it, period key."""

    label: str
    value: float | None
    combined_from: tuple[str, ...]
    period: str


@dataclass(frozen=True, slots=True)
class CompareView:
    """A KPI of one commune in the comparison across communes (value None: no figure)."""

    name: str
    value: float | None


@dataclass(frozen=True, slots=True)
class MergerView:
    """The merger a merged commune's charts mark: its date, the former units (id, name), the unit shown alone."""

    date: date
    units: tuple[tuple[str, str], ...]
    unit: str | None

    def name_of(self, unit: str) -> str:
        return next((name for uid, name in self.units if uid == unit), unit)


@dataclass(frozen=True, slots=True)
class SummaryView:
    """How many KPIs of a report have each status; `judged`: those with a plan and a figure."""

    met: int
    near: int
    behind: int
    no_target: int
    no_value: int
    judged: int
    total: int

    def count(self, status: str) -> int:
        counts: dict[str, int] = {"met": self.met, "near": self.near, "behind": self.behind,
                                  "no_target": self.no_target, "no_value": self.no_value}
        return counts[status]


@dataclass(frozen=True, slots=True)
class ReportPageView:
    """The leaders' view of a report period: rows, summary, and for the charted KPIs (all of a chosen pillar that
    have a figure; otherwise those behind or near their plan, the furthest behind first) their trend and their
    comparison across communes (none for a former commune shown alone)."""

    period: str
    label_vi: str
    label_en: str
    through: str | None  # a quarter or year not over: judged on the months up to this one
    rows: tuple[ReportRowView, ...]
    summary: SummaryView
    charted: tuple[str, ...]
    history: Mapping[str, tuple[TrendPointView, ...]]
    compare: Mapping[str, tuple[CompareView, ...]]
    merger: MergerView | None
    shown: str  # the commune, or the former unit shown alone
    shown_name: str
    commune_name: str  # the commune's own name (highlighted in the comparisons)

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    @property
    def own_unit_view(self) -> bool:
        """A former commune's own figures (not the commune's)."""
        return self.merger is not None and self.merger.unit is not None and self.merger.unit == self.shown


@dataclass(frozen=True, slots=True)
class ReportFileView:
    """A report generated on schedule, with its time in the commune's local time."""

    name: str
    period: str
    label: str
    fmt: str
    size: int
    made_at_local: datetime


@dataclass(frozen=True, slots=True)
class KpiExtrasView:
    """The generated reports (newest first) and each hamlet's criteria at the default period."""

    reports: tuple[ReportFileView, ...]
    hamlets: tuple[HamletStatus, ...]
    criteria_set: str
    criteria: int


@dataclass(frozen=True, slots=True)
class PlanChoiceView:
    """A KPI the year-plan form offers."""

    id: str
    name_vi: str
    name_en: str


@dataclass(frozen=True, slots=True)
class CommuneView:
    """A commune with figures: id and name."""

    id: str
    name: str


NO_EXTRAS = KpiExtrasView((), (), "", 0)
