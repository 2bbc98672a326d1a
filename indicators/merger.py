"""A merged commune's figures before the merger: its former units' figures added up metric by metric, by each
metric's rule (sum, or none with a note), so that rates are recomputed from summed parts by their formulas. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from indicators.models import Figure, MergeRule
from indicators.periods import months_in


@dataclass(frozen=True, slots=True)
class FormerCommune:
    """A former commune (unit) merged into the commune on `merged_on`; its figures carry `id` as their commune."""

    id: str
    name: str
    merged_on: date


@dataclass(frozen=True, slots=True)
class Merger:
    """A commune made of former communes."""

    commune: str
    units: tuple[FormerCommune, ...]

    def unit(self, unit_id: str) -> FormerCommune | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def names(self, unit_ids: Iterable[str]) -> str:
        """'Xã Quảng Phú (cũ), Xã Quảng Vinh (cũ)' for the given ids, in the configured order."""
        wanted = set(unit_ids)
        return ", ".join(u.name for u in self.units if u.id in wanted)

    def break_date(self) -> date | None:
        """The last merger date among the units: from then on the commune reports on its own."""
        return max((u.merged_on for u in self.units), default=None)

    def units_before(self, period: str) -> tuple[FormerCommune, ...]:
        """The units that were still communes of their own during the whole of `period`."""
        return tuple(u for u in self.units if before_merger(period, u.merged_on))


@dataclass(frozen=True, slots=True)
class Combined:
    """The merged commune's figure for one metric and period: a sum of the units named, or no value and why."""

    value: float | None
    units: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CombinedSeries:
    """What the merger adds to the commune's own figures: summed figures, and (metric, period) left empty."""

    figures: list[Figure] = field(default_factory=list)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)


def before_merger(period: str, merged_on: date) -> bool:
    """Whether every month of `period` began before the merger: the former commune still reported on its own."""
    last = months_in(period)[-1]
    return date(int(last[:4]), int(last[5:7]), 1) < merged_on


def day_text(day: date) -> str:
    """'01/07/2025' as Vietnamese documents write a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


BEFORE = "Trước sáp nhập"


def merger_label(merger: Merger) -> str:
    """'Trước sáp nhập 01/07/2025' (the last merger date of the commune's units)."""
    day = merger.break_date()
    return f"{BEFORE} {day_text(day)}" if day else BEFORE


def is_merger_reason(reason: str | None) -> bool:
    """Whether a 'no value' reason is a month before the merger that could not be added up (see combine)."""
    return bool(reason and reason.startswith(BEFORE))


def summed_note(merger: Merger, unit_ids: Iterable[str]) -> str:
    """'Trước sáp nhập 01/07/2025: cộng từ các xã cũ Xã A (cũ), Xã B (cũ)' for a figure that is such a sum."""
    return f"{merger_label(merger)}: cộng từ các xã cũ {merger.names(unit_ids)}"


def combine(rule: MergeRule, values: Mapping[str, float | None], merger: Merger) -> Combined:
    """Add up one metric of the former units (unit id -> figure, None when the unit has none) by `rule`.

    A sum needs every unit's figure (a partial sum would look like a fall); a rule of none never gives a value,
    whatever the figures (an average of percentages or medians would be a number nobody measured)."""
    units = tuple(values)
    when = merger_label(merger)
    if rule is MergeRule.NONE:
        return Combined(None, (), f"{when}: số liệu của các xã cũ ({merger.names(units)}) không cộng được "
                                  "(tỷ lệ, trung vị hoặc thời gian trùng nhau); xem theo từng xã cũ")
    absent = [u for u, v in values.items() if v is None]
    if absent:
        return Combined(None, (), f"{when}: thiếu số liệu của {merger.names(absent)}, chưa cộng được")
    return Combined(sum(v for v in values.values() if v is not None), units)


def combine_series(merger: Merger, rules: Mapping[str, MergeRule], figures: Iterable[Figure]) -> CombinedSeries:
    """The commune's figures for the periods before the merger, from its units' figures: for each metric and
    period where a unit that still reported on its own has a figure, the combination of all such units."""
    by_unit: dict[tuple[str, str], dict[str, Figure]] = {}
    ids = {u.id for u in merger.units}
    for f in figures:
        if f.commune in ids and f.metric in rules:
            by_unit.setdefault((f.metric, f.period), {})[f.commune] = f
    out = CombinedSeries()
    for (metric, period), found in sorted(by_unit.items()):
        units = [u.id for u in merger.units_before(period)]
        if not any(u in found for u in units):
            continue  # figures of a unit after its merger: a breakdown, not part of the commune's series
        result = combine(rules[metric], {u: found[u].value if u in found else None for u in units}, merger)
        if result.value is None:
            out.notes[(metric, period)] = result.note or ""
            continue
        stamps = [found[u].imported_at for u in units if found[u].imported_at is not None]
        out.figures.append(
            Figure(merger.commune, period, metric, result.value, "combined", max(stamps, default=None), result.units)
        )
    return out
