"""The values the KPI engine produces and the vocabularies they use: KpiValue, figures, import reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Pillar(StrEnum):
    """The three pillars of the national digital-transformation programme, plus safety and environment."""

    DIGITAL_GOVERNMENT = "digital_government"
    DIGITAL_ECONOMY = "digital_economy"
    DIGITAL_SOCIETY = "digital_society"
    SAFETY_ENVIRONMENT = "safety_environment"


PILLAR_LABELS: dict[Pillar, tuple[str, str]] = {
    Pillar.DIGITAL_GOVERNMENT: ("Chính quyền số", "Digital government"),
    Pillar.DIGITAL_ECONOMY: ("Kinh tế số", "Digital economy"),
    Pillar.DIGITAL_SOCIETY: ("Xã hội số", "Digital society"),
    Pillar.SAFETY_ENVIRONMENT: ("An ninh – Môi trường", "Safety and environment"),
}


class Direction(StrEnum):
    """Whether a larger value is better (most rates) or worse (overdue files, exceedance days)."""

    HIGHER = "higher"
    LOWER = "lower"


class PeriodKind(StrEnum):
    """How often a KPI is reported."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Source(StrEnum):
    """Where a figure comes from: imported from the commune's systems, or computed by COC itself."""

    IMPORTED = "imported"
    COMPUTED = "computed"


class Aggregate(StrEnum):
    """How monthly figures of a base metric combine into a quarter or a year."""

    SUM = "sum"  # flows: files received, consultations
    LAST = "last"  # stocks: households, accounts
    MEAN = "mean"  # shares: availability


class Status(StrEnum):
    """A KPI against its target."""

    MET = "met"
    NEAR = "near"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_VALUE = "no_value"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.MET: ("Đạt", "Met"),
    Status.NEAR: ("Gần đạt", "Near"),
    Status.BEHIND: ("Chưa đạt", "Behind"),
    Status.NO_TARGET: ("Chưa có chỉ tiêu", "No target"),
    Status.NO_VALUE: ("Chưa có số liệu", "No data"),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One base figure: a metric's value for a commune and a period ('2025-01', '2025-Q1', '2025')."""

    commune: str
    period: str
    metric: str
    value: float
    source: str = "import"
    imported_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class KpiValue:
    """One KPI of one commune for one period, against its target, compared with other periods and communes."""

    kpi_id: str
    commune: str
    period: str
    value: float | None
    reason: str | None = None  # why there is no value (missing input, division by zero)
    unit: str = ""
    target: float | None = None
    progress_pct: float | None = None  # value against target, 100 = target reached
    status: Status = Status.NO_VALUE
    previous_period: str | None = None
    previous_value: float | None = None
    change: float | None = None  # value - previous_value
    last_year_period: str | None = None
    last_year_value: float | None = None
    rank: int | None = None  # 1 = best among the communes with a value
    rank_of: int = 0
    updated_at: datetime | None = None  # newest import time among the figures used (freshness)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that was not imported, with its line (1-based, as the spreadsheet shows it) and why."""

    line: int
    reason: str
    column: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: how many figures were new, changed or already there, and every row refused."""

    source: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)

    @property
    def kept(self) -> int:
        """Figures accepted (new, changed or identical to what was stored)."""
        return self.inserted + self.updated + self.unchanged
