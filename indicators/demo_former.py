"""Demo figures of a merged commune's former units (ILLUSTRATIVE): the demo commune's own months before the merger
split between its former units, so that the commune's series before the merger is their sum and shows the break.

Counts and amounts are split in fixed shares (the first unit, which kept the name, the largest), whole numbers by
largest remainders so that the parts add up exactly; figures that cannot be added up (shares, overlapping hours and
days, the list of procedures) get a plausible value of their own per unit. Deterministic."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

from indicators.demo_data import Row, distribute
from indicators.merger import FormerCommune, before_merger
from indicators.models import MergeRule


def shares(units: Sequence[FormerCommune]) -> list[float]:
    """Each unit's share of the commune's counts: 1.4 : ... : 1.0 from the first unit to the last, normalised."""
    n = len(units)
    weights = [1.0 + 0.4 * (n - 1 - i) / max(1, n - 1) for i in range(n)]
    return [w / sum(weights) for w in weights]


def split(value: float, weights: list[float]) -> list[float]:
    """`value` in parts proportional to `weights` that add up to it exactly (whole numbers stay whole)."""
    if float(value).is_integer():
        return [float(v) for v in distribute(int(value), weights)]
    parts = [round(value * w, 1) for w in weights[:-1]]
    return parts + [round(value - sum(parts), 1)]


def own_value(value: float, unit: FormerCommune, metric: str, period: str, limit: float | None) -> float:
    """A unit's own figure of a metric that does not add up: near the commune's, within its limit."""
    r = random.Random(f"{unit.id}:{metric}:{period}")
    if metric == "procedures_total":
        return value  # the same list of procedures in every commune
    number = value * r.uniform(0.85, 1.05) if value else 0.0
    number = min(number, limit) if limit is not None else number
    return float(round(number)) if float(value).is_integer() else round(number, 1)


def former_rows(
    rows: Iterable[Row],
    commune: str,
    units: Sequence[FormerCommune],
    rules: Mapping[str, MergeRule],
    limits: Mapping[str, float | None],
) -> list[Row]:
    """The former units' figures for the commune's months before every unit's merger."""
    weights = shares(units)
    out: list[Row] = []
    for c, period, metric, value in rows:
        if c != commune or metric not in rules or not all(before_merger(period, u.merged_on) for u in units):
            continue
        if rules[metric] is MergeRule.SUM:
            out += [(u.id, period, metric, part) for u, part in zip(units, split(value, weights), strict=True)]
        else:
            out += [(u.id, period, metric, own_value(value, u, metric, period, limits.get(metric))) for u in units]
    return out
