"""Progress to target and status (met / near / behind), respecting whether higher or lower is better."""

from __future__ import annotations

from indicators.models import Direction, Status


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
