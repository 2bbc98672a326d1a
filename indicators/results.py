"""The results engine: each KPI per commune and period, with target, progress, status, comparisons, rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from indicators.catalogue import Catalogue, KpiDef
from indicators.evaluation import Evaluation, evaluate, missing
from indicators.models import Aggregate, Figure, KpiValue, Pillar, PlanTarget
from indicators.periods import containing, kind_of, months_in, periods_between, same_period_last_year, shift
from indicators.targets import PlanBook, progress_pct, rank_of, status_of, target_for

Stamped = tuple[Evaluation, datetime | None]


class KpiEngine:
    """Computes KPIs from a snapshot of figures; pure over its inputs, memoised per (kpi, commune, period)."""

    def __init__(
        self,
        catalogue: Catalogue,
        figures: Iterable[Figure],
        targets: dict[str, dict[str, float]] | None = None,
        near_margin_pct: float = 10.0,
        plans: Iterable[PlanTarget] = (),
    ) -> None:
        self.catalogue = catalogue
        self.targets = targets or {}
        self.plans: PlanBook = {(p.commune, p.year, p.kpi_id): p for p in plans}
        self.near_margin_pct = near_margin_pct
        self._table: dict[tuple[str, str], dict[str, Figure]] = defaultdict(dict)
        for f in figures:
            self._table[(f.commune, f.metric)][f.period] = f
        self.communes = sorted({c for c, _m in self._table})
        self._memo: dict[tuple[str, str, str], Stamped] = {}

    def _metric(self, commune: str, period: str, name: str, aggregate: str | None) -> Stamped:
        series = self._table.get((commune, name), {})
        direct = series.get(period)
        if direct is not None and aggregate is None:
            return Evaluation(direct.value), direct.imported_at
        found = [series[m] for m in months_in(period) if m in series] if kind_of(period) != "month" else []
        if not found:
            return (Evaluation(direct.value), direct.imported_at) if direct else (missing(name), None)
        how = Aggregate(aggregate or self.catalogue.metrics[name].aggregate)
        values = [f.value for f in found]
        value = (
            sum(values)
            if how is Aggregate.SUM
            else values[-1]
            if how is Aggregate.LAST
            else sum(values) / len(values)
        )
        return Evaluation(value), max((f.imported_at for f in found if f.imported_at), default=None)

    def evaluate(self, kpi_id: str, commune: str, period: str) -> Stamped:
        """The KPI's value (or no value with its reason) and the newest import time among its inputs."""
        key = (kpi_id, commune, period)
        if key in self._memo:
            return self._memo[key]
        stamps: list[datetime] = []

        def resolve(name: str, aggregate: str | None) -> Evaluation:
            if name in self.catalogue.kpis:
                result, stamp = self.evaluate(name, commune, period)
            else:
                result, stamp = self._metric(commune, period, name, aggregate)
            if stamp is not None:
                stamps.append(stamp)
            return result

        result = evaluate(self.catalogue.formulas[kpi_id], resolve)
        if result.value is not None:
            result = Evaluation(round(result.value, 6))
        self._memo[key] = (result, max(stamps, default=None))
        return self._memo[key]

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
            rank=rank_of(result.value, others, kpi.direction),
            rank_of=len(others),
            updated_at=stamp,
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

