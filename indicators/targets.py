"""Targets: which one applies to a year (plan, commune, national with its validity), progress to it and status
(met / near / behind), respecting whether higher or lower is better."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from indicators.models import Direction, PlanTarget, Status

if TYPE_CHECKING:
    from indicators.catalogue import KpiDef


def progress_pct(value: float | None, target: float | None, direction: Direction) -> float | None:
    """Value against target in percent (100 = reached): value/target when higher is better, target/value when
    lower is better; None when there is no value, no target, or the ratio has no meaning (a zero divisor)."""
    if value is None or target is None:
        return None
    if direction is Direction.HIGHER:
        return value / target * 100 if target != 0 else None
    if value == 0:
        return 100.0 if target >= 0 else None
    return target / value * 100 if target != 0 else None


def status_of(
    value: float | None, target: float | None, direction: Direction, near_margin_pct: float
) -> Status:
    """Met when the target is reached; near when within `near_margin_pct` percent of it; behind otherwise."""
    if value is None:
        return Status.NO_VALUE
    if target is None:
        return Status.NO_TARGET
    margin = abs(target) * near_margin_pct / 100
    if direction is Direction.HIGHER:
        return Status.MET if value >= target else Status.NEAR if value >= target - margin else Status.BEHIND
    return Status.MET if value <= target else Status.NEAR if value <= target + margin else Status.BEHIND


def rank_of(value: float | None, others: list[float], direction: Direction) -> int | None:
    """1 + how many of the communes' values (including this one) are strictly better; ties share a rank."""
    if value is None:
        return None
    better = [v for v in others if (v > value if direction is Direction.HIGHER else v < value)]
    return 1 + len(better)


PlanBook = Mapping[tuple[str, int, str], PlanTarget]
"""Year plans by (commune, year, KPI id)."""


def target_for(
    kpi: KpiDef, commune: str, year: int, plans: PlanBook, overrides: Mapping[str, Mapping[str, float]]
) -> tuple[float | None, str | None]:
    """The target a period of `year` is judged against, and its basis: the commune's year plan, else the
    commune's configured target, else the national target if it applies to that year, else none."""
    plan = plans.get((commune, year, kpi.id))
    if plan is not None:
        return plan.value, plan.basis
    own = overrides.get(commune, {}).get(kpi.id)
    if own is not None:
        return own, "Chỉ tiêu của xã (cấu hình)"
    if kpi.target is None:
        return None, None
    if kpi.target_from_year is not None and year < kpi.target_from_year:
        return None, None
    if kpi.target_until_year is not None and year > kpi.target_until_year:
        return None, None
    return kpi.target, kpi.target_basis
