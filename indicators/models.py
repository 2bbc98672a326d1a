"""The values the KPI engine produces and the vocabularies they use: KpiValue, figures, import reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Pillar(StrEnum):
    """The six groups of a commune's socio-economic plan report, as the commune office (văn phòng) groups them."""

    ECONOMY = "economy"
    CULTURE_SOCIETY = "culture_society"
    DEFENCE_SECURITY = "defence_security"
    ENVIRONMENT = "environment"
    DIGITAL_TRANSFORMATION = "digital_transformation"
    ADMINISTRATIVE_REFORM = "administrative_reform"


PILLAR_LABELS: dict[Pillar, tuple[str, str]] = {
    Pillar.ECONOMY: ("Kinh tế", "Economy"),
    Pillar.CULTURE_SOCIETY: ("Văn hóa – Xã hội", "Culture and society"),
    Pillar.DEFENCE_SECURITY: ("Quốc phòng – An ninh", "Defence and security"),
    Pillar.ENVIRONMENT: ("Môi trường", "Environment"),
    Pillar.DIGITAL_TRANSFORMATION: ("Chuyển đổi số", "Digital transformation"),
    Pillar.ADMINISTRATIVE_REFORM: ("Cải cách hành chính", "Administrative reform"),
}
OLD_PILLARS: dict[str, Pillar] = {
    "digital_government": Pillar.DIGITAL_TRANSFORMATION,
    "digital_economy": Pillar.DIGITAL_TRANSFORMATION,
    "digital_society": Pillar.DIGITAL_TRANSFORMATION,
    "safety_environment": Pillar.ENVIRONMENT,
}
"""Pillar names of earlier releases, still accepted in links and API calls."""


class Direction(StrEnum):
    """Whether a larger value is better (most rates) or worse (overdue files, exceedance days)."""

    HIGHER = "higher"
    LOWER = "lower"


class PeriodKind(StrEnum):
    """How often a KPI is reported; TO_DATE is a report's "n months from January" span ('2026-9M')."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    TO_DATE = "to_date"


class Source(StrEnum):
    """Where a figure comes from: imported from the commune's systems, or computed by COC itself."""

    IMPORTED = "imported"
    COMPUTED = "computed"


class Aggregate(StrEnum):
    """How monthly figures of a base metric combine into a quarter or a year."""

    SUM = "sum"  # flows: files received, consultations
    LAST = "last"  # stocks: households, accounts
    MEAN = "mean"  # shares: availability


class MergeRule(StrEnum):
    """How the figures of former communes add up into the merged commune's figure for a period before the merger."""

    SUM = "sum"  # counts and amounts: files, households, people, million VND
    NONE = "none"  # cannot be combined honestly: percentages, medians, hours and days that overlap


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
    Status.NO_TARGET: ("Chưa có kế hoạch", "No target"),
    Status.NO_VALUE: ("Chưa có số liệu", "No data"),
}


@dataclass(frozen=True, slots=True)
class PlanTarget:
    """One line of a commune's year plan: the target of a KPI for a year, and where it comes from."""

    commune: str
    year: int
    kpi_id: str
    value: float
    basis: str = "Kế hoạch năm"
    source: str = "import"


@dataclass(frozen=True, slots=True)
class Figure:
    """One base figure: a metric's value for a commune and a period ('2025-01', '2025-Q1', '2025')."""

    commune: str
    period: str
    metric: str
    value: float
    source: str = "import"
    imported_at: datetime | None = None
    combined_from: tuple[str, ...] = ()  # former units summed into this figure (a period before the merger)


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
    target_basis: str | None = None  # where the target applied to this period comes from
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
    combined_from: tuple[str, ...] = ()  # former units whose figures were summed (a period before the merger)


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
