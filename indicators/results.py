"""The results engine: each KPI per commune and period, with target, progress, status, comparisons, rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from indicators.catalogue import Catalogue, KpiDef
from indicators.evaluation import Evaluation, evaluate, missing
from indicators.merger import Merger, combine_series
from indicators.models import Aggregate, Figure, KpiValue, Pillar, PlanTarget
from indicators.periods import containing, kind_of, months_in, periods_between, same_period_last_year, shift
from indicators.targets import PlanBook, progress_pct, rank_of, status_of, target_for

Stamped = tuple[Evaluation, datetime | None]


class KpiEngine:
    """Computes KPIs from a snapshot of figures; pure over its inputs, memoised per (kpi, commune, period).

    A merged commune's months before the merger come from its former units' figures (indicators.merger): summed
    metric by metric where the catalogue allows it, else left empty with the reason. The former units keep their
    own series (their id as commune) but are not communes: they take no part in comparisons and ranks."""

    def __init__(
        self,
        catalogue: Catalogue,
        figures: Iterable[Figure],
        targets: dict[str, dict[str, float]] | None = None,
        near_margin_pct: float = 10.0,
        plans: Iterable[PlanTarget] = (),
        mergers: Iterable[Merger] = (),
    ) -> None:
        self.catalogue = catalogue
        self.targets = targets or {}
        self.plans: PlanBook = {(p.commune, p.year, p.kpi_id): p for p in plans}
        self.near_margin_pct = near_margin_pct
        self.mergers = {m.commune: m for m in mergers}
        self.units = {u.id: m.commune for m in self.mergers.values() for u in m.units}  # unit id -> its commune
        figures = list(figures)
        self._table: dict[tuple[str, str], dict[str, Figure]] = defaultdict(dict)
        for f in figures:
            self._table[(f.commune, f.metric)][f.period] = f
        self._notes: dict[tuple[str, str, str], str] = {}  # (commune, metric, period) left empty, and why
        for merger in self.mergers.values():
            self._add_merged(merger, figures)
        self.communes = sorted({c for c, _m in self._table} - set(self.units))
        self._memo: dict[tuple[str, str, str], Stamped] = {}
        self._combined: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def _add_merged(self, merger: Merger, figures: list[Figure]) -> None:
        """Before the merger the units' combination replaces whatever the commune itself has for that metric and
        period (a figure kept under the commune's id then belonged to one of the old communes, or is stale)."""
        series = combine_series(merger, self.catalogue.merge_rules(), figures)
        for f in series.figures:
            self._table[(merger.commune, f.metric)][f.period] = f
        for (metric, period), note in series.notes.items():
            self._table[(merger.commune, metric)].pop(period, None)
            self._notes[(merger.commune, metric, period)] = note

    def _metric(self, commune: str, period: str, name: str, aggregate: str | None) -> tuple[Stamped, list[Figure]]:
        """The metric's value for the period with its import time, and the figures it was made of."""
        series = self._table.get((commune, name), {})
        direct = series.get(period)
        if direct is not None and aggregate is None:
            return (Evaluation(direct.value), direct.imported_at), [direct]
        found = [series[m] for m in months_in(period) if m in series] if kind_of(period) != "month" else []
        if not found:
            if direct:
                return (Evaluation(direct.value), direct.imported_at), [direct]
            note = next((n for p in (period, *months_in(period)) if (n := self._notes.get((commune, name, p)))), None)
            return (Evaluation(None, note) if note else missing(name), None), []
        how = Aggregate(aggregate or self.catalogue.metrics[name].aggregate)
        values = [f.value for f in found]
        value = (
            sum(values)
            if how is Aggregate.SUM
            else values[-1]
            if how is Aggregate.LAST
            else sum(values) / len(values)
        )
        return (Evaluation(value), max((f.imported_at for f in found if f.imported_at), default=None)), found

    def evaluate(self, kpi_id: str, commune: str, period: str) -> Stamped:
        """The KPI's value (or no value with its reason) and the newest import time among its inputs."""
        key = (kpi_id, commune, period)
        if key in self._memo:
            return self._memo[key]
        stamps: list[datetime] = []
        units: set[str] = set()

        def resolve(name: str, aggregate: str | None) -> Evaluation:
            if name in self.catalogue.kpis:
                result, stamp = self.evaluate(name, commune, period)
                units.update(self._combined[(name, commune, period)])
            else:
                (result, stamp), used = self._metric(commune, period, name, aggregate)
                units.update(u for f in used for u in f.combined_from)
            if stamp is not None:
                stamps.append(stamp)
            return result

        result = evaluate(self.catalogue.formulas[kpi_id], resolve)
        if result.value is not None:
            result = Evaluation(round(result.value, 6))
        self._memo[key] = (result, max(stamps, default=None))
        self._combined[key] = self._in_unit_order(commune, units) if result.value is not None else ()
        return self._memo[key]

    def combined_from(self, kpi_id: str, commune: str, period: str) -> tuple[str, ...]:
        """The former units whose figures were summed into the KPI's value for the period (empty: none)."""
        self.evaluate(kpi_id, commune, period)
        return self._combined[(kpi_id, commune, period)]

    def _in_unit_order(self, commune: str, units: set[str]) -> tuple[str, ...]:
        merger = self.mergers.get(commune)
        return tuple(u.id for u in merger.units if u.id in units) if merger and units else ()

    def target(self, kpi: KpiDef, commune: str, year: int) -> tuple[float | None, str | None]:
        """The target for a period of `year` and its basis (year plan, commune, national while valid)."""
        return target_for(kpi, commune, year, self.plans, self.targets)

    def value(self, kpi_id: str, commune: str, month: str) -> KpiValue:
        """One KPI for the commune in its period containing `month` ('2025-05' -> '2025-Q2' if quarterly)."""
        kpi = self.catalogue.kpis[kpi_id]
        period = containing(month, kpi.period)
        result, stamp = self.evaluate(kpi_id, commune, period)
        target, basis = self.target(kpi, commune, int(period[:4]))
        if target is not None and self.catalogue.aggregate_of(kpi_id) is Aggregate.SUM:
            target = target * len(months_in(period)) / 12  # a year's total, shared over its months
        prev_period, last_year = shift(period, -1), same_period_last_year(period)
        prev = self.evaluate(kpi_id, commune, prev_period)[0].value
        year_ago = self.evaluate(kpi_id, commune, last_year)[0].value
        others = [v for c in self.communes if (v := self.evaluate(kpi_id, c, period)[0].value) is not None]
        ranked = commune not in self.units  # a former unit is not compared with communes
        return KpiValue(
            kpi_id=kpi_id,
            commune=commune,
            period=period,
            value=result.value,
            reason=result.reason,
            unit=kpi.unit,
            target=target,
            target_basis=basis,
            progress_pct=_round(progress_pct(result.value, target, kpi.direction)),
            status=status_of(result.value, target, kpi.direction, self.near_margin_pct),
            previous_period=prev_period,
            previous_value=prev,
            change=_round(result.value - prev) if result.value is not None and prev is not None else None,
            last_year_period=last_year,
            last_year_value=year_ago,
            rank=rank_of(result.value, others, kpi.direction) if ranked else None,
            rank_of=len(others) if ranked else 0,
            updated_at=stamp,
            combined_from=self.combined_from(kpi_id, commune, period),
        )

    def results(
        self, month: str, communes: Iterable[str] | None = None, pillar: Pillar | None = None
    ) -> list[KpiValue]:
        """Every KPI (of one pillar, if given) for each commune, in catalogue order."""
        chosen = list(communes) if communes is not None else self.communes
        kpis = [k for k in self.catalogue.kpis.values() if pillar is None or k.pillar is pillar]
        return [self.value(k.id, c, month) for c in chosen for k in kpis]

    def history(self, kpi_id: str, commune: str, start_month: str, end_month: str) -> list[KpiValue]:
        """The KPI in each of its periods, from the one holding `start_month` to that of `end_month`."""
        kind = self.catalogue.kpis[kpi_id].period
        return [
            self.value(kpi_id, commune, months_in(p)[-1])
            for p in periods_between(start_month, end_month, kind)
        ]

    def months_missing(self, kpi_id: str, commune: str, period: str) -> tuple[str, ...]:
        """Months of a multi-month period for which none of the KPI's base metrics has a figure."""
        if kind_of(period) == "month":
            return ()
        metrics = self._base_metrics(kpi_id)
        return tuple(
            m for m in months_in(period) if not any(m in self._table.get((commune, n), {}) for n in metrics)
        )

    def _base_metrics(self, kpi_id: str) -> set[str]:
        out: set[str] = set()
        for name in self.catalogue.kpi_inputs(kpi_id):
            out |= self._base_metrics(name) if name in self.catalogue.kpis else {name}
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)

