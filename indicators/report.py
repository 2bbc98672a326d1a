"""Report views of the year plan: a month, a quarter, or 6, 9 or 12 months; per KPI the figure of the period,
year to date (lũy kế), the same period last year (cùng kỳ) and its change, % of the year plan and the status
(đạt / gần đạt / chưa đạt) with the rule that gave it. Pure over a KpiEngine."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.merger import merger_label, summed_note
from indicators.models import Aggregate, Direction, Pillar, Status
from indicators.numbers import format_pct
from indicators.periods import PeriodKind, kind_of, months_in, same_period_last_year
from indicators.results import KpiEngine
from indicators.targets import status_of

ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One KPI of a report view."""

    kpi_id: str
    pillar: Pillar
    unit: str
    direction: Direction
    aggregate: Aggregate
    value: float | None  # the period's own figure (thực hiện)
    year_to_date: float | None  # lũy kế from January to the period's last month
    plan: float | None  # the year's target (kế hoạch năm)
    plan_basis: str | None
    pct_of_plan: float | None  # year to date / plan × 100
    expected: float | None  # what the plan asks by now: pro rata for sums, the plan itself otherwise
    status: Status
    rule: str  # how the status was decided, in Vietnamese
    last_year: float | None  # same period last year (cùng kỳ)
    change: float | None  # value − last_year
    change_pct: float | None  # change / last_year × 100
    months_missing: tuple[str, ...] = ()  # months of the period without a figure
    last_year_missing: tuple[str, ...] = ()  # months of last year's period without a figure
    last_year_to_date: float | None = None  # lũy kế cùng kỳ: January to the same month last year
    reason: str | None = None  # why there is no value
    combined_from: tuple[str, ...] = ()  # former units summed into a figure of the row (months before the merger)
    merger_note: str | None = None  # 'Trước sáp nhập 01/07/2025: cộng từ các xã cũ ...' when combined_from is set
    summed: tuple[str, ...] = ()  # which figures are such sums: value, year_to_date, last_year, last_year_to_date


@dataclass(frozen=True, slots=True)
class ReportView:
    """A commune's report for a period, with the count of KPIs that met their plan."""

    commune: str
    period: str
    rows: tuple[ReportRow, ...]
    near_margin_pct: float = 10.0
    merger_line: str | None = None  # the sentence saying which figures are sums of former communes
    through: str | None = None  # a period not over yet ('chưa đủ kỳ'): the last month with figures, judged to it

    @property
    def partial_note(self) -> str | None:
        """'chưa đủ kỳ, số liệu đến tháng 10/2026, đánh giá tạm' for a quarter or year judged before its end."""
        if self.through is None:
            return None
        return f"chưa đủ kỳ, số liệu đến tháng {int(self.through[5:7])}/{self.through[:4]}, đánh giá tạm"

    @property
    def judged(self) -> int:
        """KPIs with both a plan and a figure."""
        return sum(1 for r in self.rows if r.status in (Status.MET, Status.NEAR, Status.BEHIND))

    def count(self, status: Status) -> int:
        return sum(1 for r in self.rows if r.status is status)


def period_label(period: str, lang: str = "vi") -> str:
    """'Tháng 9/2026', 'Quý III/2026', '9 tháng đầu năm 2026', 'Năm 2026' (or English)."""
    kind, year = kind_of(period), period[:4]
    if kind is PeriodKind.MONTH:
        return f"Tháng {int(period[5:7])}/{year}" if lang == "vi" else f"{period[5:7]}/{year}"
    if kind is PeriodKind.QUARTER:
        q = int(period[-1])
        return f"Quý {ROMAN[q - 1]}/{year}" if lang == "vi" else f"Q{q} {year}"
    if kind is PeriodKind.TO_DATE:
        n = int(period[5:-1])
        if n == 12:
            return f"Năm {year}" if lang == "vi" else f"Year {year}"
        return f"{n} tháng đầu năm {year}" if lang == "vi" else f"First {n} months of {year}"
    return f"Năm {year}" if lang == "vi" else f"Year {year}"


def year_to_date(period: str) -> str:
    """The span from January to the period's last month: '2026-Q3' -> '2026-9M'."""
    last = months_in(period)[-1]
    return f"{last[:4]}-{int(last[5:7])}M"


def judge(
    ytd: float | None, plan: float | None, aggregate: Aggregate, direction: Direction, months: int, margin: float
) -> tuple[float | None, Status, str]:
    """What the plan asks by now, the status and its rule. Sums are judged against the plan pro rata
    (months/12); averages and last values against the plan itself."""
    sign = "≥" if direction is Direction.HIGHER else "≤"
    if aggregate is Aggregate.SUM and months < 12:
        expected = None if plan is None else plan * months / 12
        rule = f"Đạt khi lũy kế {sign} {months}/12 kế hoạch năm"
    else:
        expected = plan
        rule = f"Đạt khi thực hiện {sign} kế hoạch"
    rule += f"; gần đạt khi lệch không quá {format_pct(margin)}"
    return expected, status_of(ytd, expected, direction, margin), rule


def report_row(engine: KpiEngine, kpi_id: str, commune: str, period: str, through: str | None = None) -> ReportRow:
    """One KPI's line of the report view; a period not over yet is judged on its months up to `through`."""
    kpi = engine.catalogue.kpis[kpi_id]
    aggregate = engine.catalogue.aggregate_of(kpi_id)
    value, _ = engine.evaluate(kpi_id, commune, period)
    span = year_to_date(through or period)
    ytd, _ = engine.evaluate(kpi_id, commune, span)
    last_period = same_period_last_year(period)
    last, _ = engine.evaluate(kpi_id, commune, last_period)
    last_missing = engine.months_missing(kpi_id, commune, last_period)
    last_value = None if aggregate is Aggregate.SUM and last_missing else last.value  # a partial sum misleads
    plan, basis = engine.target(kpi, commune, int(period[:4]))
    months = len(months_in(span))
    expected, status, rule = judge(ytd.value, plan, aggregate, kpi.direction, months, engine.near_margin_pct)
    change = None if value.value is None or last_value is None else value.value - last_value
    last_span = same_period_last_year(span)
    last_ytd, _ = engine.evaluate(kpi_id, commune, last_span)
    ytd_missing = aggregate is Aggregate.SUM and engine.months_missing(kpi_id, commune, last_span)
    parts = {name: engine.combined_from(kpi_id, commune, p) for name, p in
             (("value", period), ("year_to_date", span), ("last_year", last_period), ("last_year_to_date", last_span))}
    summed = {u for units in parts.values() for u in units}
    merger = engine.mergers.get(commune)
    combined = tuple(u.id for u in merger.units if u.id in summed) if merger else ()
    return ReportRow(
        kpi_id=kpi_id,
        pillar=kpi.pillar,
        unit=kpi.unit,
        direction=kpi.direction,
        aggregate=aggregate,
        value=value.value,
        year_to_date=ytd.value,
        plan=plan,
        plan_basis=basis,
        pct_of_plan=None if ytd.value is None or not plan else ytd.value / plan * 100,
        expected=expected,
        status=status,
        rule=rule,
        last_year=last_value,
        change=change,
        change_pct=None if change is None or not last_value else change / last_value * 100,
        months_missing=engine.months_missing(kpi_id, commune, period),
        last_year_missing=last_missing,
        last_year_to_date=None if ytd_missing else last_ytd.value,
        reason=value.reason,
        combined_from=combined,
        merger_note=summed_note(merger, combined) if merger and combined else None,
        summed=tuple(name for name, units in parts.items() if units),
    )


def report_view(engine: KpiEngine, commune: str, period: str, pillar: Pillar | None = None) -> ReportView:
    """Every KPI (of one pillar, if given) of the commune for the period, in catalogue order."""
    kpis = [k.id for k in engine.catalogue.kpis.values() if pillar is None or k.pillar is pillar]
    rows = tuple(report_row(engine, k, commune, period) for k in kpis)
    through = data_through(rows, period)
    if through is not None:  # a quarter or year not over: lũy kế and the pro-rata plan to the last month with figures
        rows = tuple(report_row(engine, k, commune, period, through) for k in kpis)
    return ReportView(commune, period, rows, engine.near_margin_pct, merged_line(engine, commune, rows), through)


def data_through(rows: tuple[ReportRow, ...], period: str) -> str | None:
    """The last month of a multi-month period that most KPIs have a figure for, when later months have not (the
    period is not over: 'chưa đủ kỳ'; the few KPIs computed from sensors have figures for the running month too);
    None when its last month has them, or when no month has."""
    months = months_in(period)
    if len(months) < 2 or not rows:
        return None
    with_data = [m for m in months if 2 * sum(1 for r in rows if m not in r.months_missing) > len(rows)]
    return with_data[-1] if with_data and with_data[-1] != months[-1] else None


def merged_line(engine: KpiEngine, commune: str, rows: tuple[ReportRow, ...]) -> str | None:
    """'Trước sáp nhập 01/07/2025, số liệu của 12 chỉ tiêu là tổng của các xã cũ A, B; ...' or None."""
    merger = engine.mergers.get(commune)
    summed = [r for r in rows if r.combined_from]
    if merger is None or not summed:
        return None
    units = {u for r in summed for u in r.combined_from}
    return (f"{merger_label(merger)}, số liệu của {len(summed)} chỉ tiêu là tổng của các xã cũ "
            f"({merger.names(units)}); tỷ lệ được tính lại từ tổng tử số và tổng mẫu số, không lấy bình quân; chỉ "
            "tiêu không cộng được thì để trống, có ghi chú.")
