"""The KPIs as the leaders' view /kpi, the wall's tiles and the KPI API read them, as the frozen views of
dashboard.read.kpi_views: a KPI's figure for a month (GET /api/kpis), a report period's rows with the summary and
the charted KPIs' trends and comparisons, the generated reports and the hamlets' criteria; the figures and plans
written through it; `kpi_reads(ctx)` gives the reader of a context. Report builds are kept a short while per
(period, pillar, former unit) and forgotten when figures or plans are written through the reader."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from dashboard.kpi_view import MAX_BEHIND_CHARTS, short_label, summary_counts, trend_start
from dashboard.read.kpi_views import (
    NO_EXTRAS,
    CommuneView,
    CompareView,
    KpiExtrasView,
    KpiRowView,
    MergerView,
    PlanChoiceView,
    ReportFileView,
    ReportPageView,
    ReportRowView,
    SummaryView,
    TrendPointView,
)
from dashboard.services import IndicatorReads, KpiRow
from indicators.figures_db import UpsertCounts
from indicators.hamlets import hamlet_statuses
from indicators.merger import FormerCommune
from indicators.models import ImportReport, Pillar, PlanTarget
from indicators.periods import months_in, periods_between, shift
from indicators.report import period_label, report_view
from indicators.report_text import behind
from indicators.results import KpiEngine

if TYPE_CHECKING:
    from dashboard.context import AppContext

log = logging.getLogger(__name__)
_KEY = "kpi_reads"
REPORT_TTL_S = 60.0  # figures written past the reader (the service's own sensor figures, an import) show within this
PERIOD_TTL_S = 60.0
T = TypeVar("T")


class KpiReads:
    """Reads the KPI engine of one context (None: not running; every query answers empty)."""

    def __init__(self, service: IndicatorReads | None, clock: Callable[[], datetime] | None = None) -> None:
        self.service = service
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], tuple[float, object]] = {}

    def serves(self, service: IndicatorReads | None) -> bool:
        return self.service is service

    @property
    def available(self) -> bool:
        """A KPI service is there (it may not have started: then `running` is False)."""
        return self.service is not None

    @property
    def running(self) -> bool:
        return self.service is not None and self.service.catalogue is not None

    def _cached(self, key: tuple[str, ...], ttl_s: float, build: Callable[[], T], kind: type[T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < ttl_s and isinstance(hit[1], kind):
            return hit[1]
        made = build()
        with self._lock:
            self._cache[key] = (now, made)
        return made

    def _engine(self) -> KpiEngine:
        """One results engine over the figures, shared by the views built within REPORT_TTL_S (building one reads
        every figure: a tenth of a second or more on the commune PC)."""
        assert self.service is not None
        return self._cached(("engine",), REPORT_TTL_S, self.service.engine, KpiEngine)

    def warm(self) -> None:
        """Build the default report ahead of the first leader (the app calls this in a thread at start)."""
        try:
            if self.running:
                self.report(self.default_period())
        except Exception as exc:  # a service stopped meanwhile (tests): the first leader builds it instead
            log.info("KPI report not built ahead: %s", exc)

    def forget(self) -> None:
        """Figures or plans changed: build every view again."""
        with self._lock:
            self._cache.clear()

    # --- a month's figures (GET /api/kpis, tiles) ---

    def rows(self, period: str | None = None, commune: str | None = None, pillar: Pillar | None = None,
             own: bool = True) -> tuple[KpiRowView, ...]:
        """Every KPI's figure for a month (default: the newest with any figure) of `commune`, else of this commune
        (`own`) or of every commune."""
        service = self.service
        if service is None or service.catalogue is None:
            return ()
        month = period or service.latest_month()
        if not month:
            return ()
        chosen = commune or (service.config.commune.id if own else None)
        catalogue = service.catalogue
        return tuple(KpiRowView(v, catalogue.kpis[v.kpi_id], service.commune_name(v.commune))
                     for v in service.results(month, chosen, pillar))

    def period(self) -> str | None:
        """The default month: the newest with at least half as many of this commune's figures as the best of the last
        four months (the newest month may hold only sensor figures)."""
        service = self.service
        if service is None or service.catalogue is None:
            return None
        catalogue = service.catalogue

        def build() -> str:
            latest = service.latest_month() or ""
            if not latest:
                return ""
            months = [shift(latest, -back) for back in range(4)]
            engine, own, kpis = self._engine(), service.config.commune.id, list(catalogue.kpis)
            counts = [sum(1 for k in kpis if engine.evaluate(k, own, m)[0].value is not None) for m in months]
            return next(m for m, n in zip(months, counts, strict=True) if n >= max(counts) / 2)

        return self._cached(("period",), PERIOD_TTL_S, build, str) or None

    def default_period(self) -> str:
        """The default month, or this month while there are no figures."""
        return self.period() or self.local_now().strftime("%Y-%m")

    def tiles(self, count: int = 8) -> tuple[KpiRowView, ...]:
        """The KPIs of the default month that have a value, for the wall."""
        period = self.period()
        if period is None:
            return ()
        return self._cached(("tiles", period, str(count)), PERIOD_TTL_S,
                            lambda: tuple(r for r in self.rows(period) if r.has_value)[:count], tuple)

    def local_now(self) -> datetime:
        service = self.service
        now = self._clock() if self._clock else (service.clock() if service else datetime.now().astimezone())
        return now.astimezone(service.tz) if service is not None else now

    def history(self, kpi_id: str, commune: str, start: str, end: str) -> tuple[KpiRowView, ...]:
        """One KPI of one commune (or former unit) in each month from `start` to `end`."""
        service = self.service
        if service is None or service.catalogue is None or kpi_id not in service.catalogue.kpis:
            return ()
        kpi, name = service.catalogue.kpis[kpi_id], service.commune_name(commune)
        return tuple(KpiRowView(v, kpi, name) for v in service.history(kpi_id, commune, start, end))

    def has_kpi(self, kpi_id: str) -> bool:
        catalogue = self.service.catalogue if self.service is not None else None
        return catalogue is not None and kpi_id in catalogue.kpis

    def latest_month(self) -> str | None:
        """The newest month with any figure (the API's default period)."""
        return self.service.latest_month() if self.service is not None else None

    def this_month(self) -> str:
        """The service clock's month (UTC), the API's default end of a history."""
        service = self.service
        return (service.clock() if service is not None else datetime.now().astimezone()).strftime("%Y-%m")

    @property
    def commune_id(self) -> str:
        assert self.service is not None
        return self.service.config.commune.id

    def communes(self) -> tuple[CommuneView, ...]:
        """The communes with figures, this one first (former units are not among them)."""
        service = self.service
        if service is None:
            return ()
        return tuple(CommuneView(c, service.commune_name(c)) for c in service.communes())

    def former_units(self) -> tuple[FormerCommune, ...]:
        return tuple(self.service.former_units()) if self.service is not None else ()

    # --- the leaders' report ---

    def report(self, period: str, pillar: Pillar | None = None, unit: str | None = None) -> ReportPageView | None:
        """The view of a report period (None while the KPI engine is not running); with `unit` (a former commune's
        id) that former commune's own figures."""
        if not self.running:
            return None
        key = (period, pillar.value if pillar else "", unit or "")
        return self._cached(key, REPORT_TTL_S, lambda: self._build_report(period, pillar, unit), ReportPageView)

    def _merger(self, unit: str | None) -> MergerView | None:
        assert self.service is not None
        merger = self.service.merger()
        day = merger.break_date() if merger is not None else None
        if merger is None or day is None:
            return None
        return MergerView(day, tuple((u.id, u.name) for u in merger.units), unit)

    def _build_report(self, period: str, pillar: Pillar | None, unit: str | None) -> ReportPageView:
        service = self.service
        assert service is not None and service.catalogue is not None
        catalogue = service.catalogue
        commune = service.config.commune.id
        engine = self._engine()
        merger = self._merger(unit)
        shown = unit if merger and unit in {u for u, _n in merger.units} else commune
        view = report_view(engine, shown, period, pillar)
        rows = tuple(ReportRowView(r, catalogue.kpis[r.kpi_id].name_vi, catalogue.kpis[r.kpi_id].name_en)
                     for r in view.rows)
        if pillar is not None:
            charted = tuple(r.kpi_id for r in view.rows if r.value is not None or r.year_to_date is not None)
        else:
            charted = tuple(r.kpi_id for r in behind(view)[:MAX_BEHIND_CHARTS])
        end = months_in(period)[-1]
        start = trend_start(end, merger.date.isoformat() if merger else None)
        names = {c: service.commune_name(c) for c in service.communes()}
        history = {k: _trend(engine, k, shown, start, end) for k in charted}
        compare = {k: tuple(CompareView(names[c], engine.evaluate(k, c, period)[0].value) for c in names)
                   for k in charted if shown == commune}  # a former commune is not compared with communes
        counts = summary_counts([r.row.status.value for r in rows])
        return ReportPageView(
            period=period, label_vi=period_label(period, "vi"), label_en=period_label(period, "en"),
            through=view.through, rows=rows, summary=SummaryView(**counts), charted=charted, history=history,
            compare=compare, merger=merger, shown=shown, shown_name=service.commune_name(shown),
            commune_name=service.commune_name(commune),
        )

    def report_rows(self, period: str, pillar: Pillar | None = None) -> tuple[ReportRowView, ...]:
        """The rows of this commune's report of a period (GET /api/kpis/report, its CSV)."""
        service = self.service
        if service is None or service.catalogue is None:
            return ()
        kpis = service.catalogue.kpis
        return tuple(ReportRowView(r, kpis[r.kpi_id].name_vi, kpis[r.kpi_id].name_en)
                     for r in service.report(period, None, pillar).rows)

    def report_bytes(self, period: str, fmt: str, pillar: Pillar | None = None) -> bytes:
        """The report of a period as a PDF, DOCX or XLSX file."""
        assert self.service is not None
        return self.service.report_bytes(period, fmt, pillar)

    def report_files(self) -> tuple[ReportFileView, ...]:
        """The reports generated on schedule, newest first."""
        service = self.service
        if service is None:
            return ()
        return tuple(
            ReportFileView(f.name, f.period, period_label(f.period), f.fmt, f.size, f.made_at.astimezone(service.tz))
            for f in service.report_files()
        )

    def report_folder(self) -> Path:
        assert self.service is not None
        return self.service.report_folder()

    def extras(self) -> KpiExtrasView:
        """The reports generated on schedule and each hamlet's criteria at the default month."""
        service = self.service
        if service is None or service.catalogue is None:
            return NO_EXTRAS
        config = service.settings.hamlets
        reports = self.report_files()
        hamlets = tuple(hamlet_statuses(config, self.default_period()))
        return KpiExtrasView(reports, hamlets, config.set_name, len(config.criteria))

    def plan_choices(self) -> tuple[PlanChoiceView, ...]:
        """The KPIs a year plan can set, in the catalogue's order."""
        catalogue = self.service.catalogue if self.service is not None else None
        if catalogue is None:
            return ()
        return tuple(PlanChoiceView(k.id, k.name_vi, k.name_en) for k in catalogue.kpis.values())

    # --- writes through the reader (its views are built again) ---

    def set_plan(self, kpi_id: str, year: int, value: float, basis: str) -> None:
        assert self.service is not None
        self.service.set_plan(kpi_id, year, value, basis)
        self.forget()

    def import_plan(self, path: Path, year: int | None) -> ImportReport:
        assert self.service is not None
        try:
            return self.service.import_plan(path, year)
        finally:
            self.forget()

    def add_rows(self, rows: Sequence[KpiRow], source: str) -> ImportReport:
        assert self.service is not None
        try:
            return self.service.add_rows(rows, source)
        finally:
            self.forget()

    def add_plan_rows(self, rows: list[KpiRow], year: int | None, basis: str) -> ImportReport:
        assert self.service is not None
        try:
            return self.service.add_plan_rows(rows, year, basis)
        finally:
            self.forget()

    def check_plan(self, path: Path, year: int | None) -> tuple[list[PlanTarget], ImportReport]:
        """What a plan file would set and its refused lines, changing nothing (a dry run of the import)."""
        from indicators.plan_import import import_plan

        assert self.service is not None and self.service.catalogue is not None
        dry = DryRun()
        report = import_plan(path, dry, self.service.catalogue, self.service.config.commune.id, year)  # type: ignore[arg-type]
        return dry.plans, report


class DryRun:
    """Stands where the figures database is during a plan check: takes the targets a file would set, stores
    nothing."""

    def __init__(self) -> None:
        self.plans: list[PlanTarget] = []

    def upsert_plans(self, plans: Iterable[PlanTarget]) -> UpsertCounts:
        self.plans = list(plans)
        return UpsertCounts(0, 0, 0)


def _trend(engine: KpiEngine, kpi_id: str, commune: str, start: str, end: str) -> tuple[TrendPointView, ...]:
    """The KPI in each of its own periods (month, quarter, year) in the span."""
    kind = engine.catalogue.kpis[kpi_id].period
    return tuple(
        TrendPointView(short_label(p), engine.evaluate(kpi_id, commune, p)[0].value,
                       tuple(engine.combined_from(kpi_id, commune, p)), p)
        for p in periods_between(start, end, kind)
    )


def kpi_reads(ctx: AppContext) -> KpiReads:
    """The KPI reader of a context, made once (kept in ctx.extras; again when the context was copied with another
    KPI service)."""
    reads = ctx.extras.get(_KEY)
    if isinstance(reads, KpiReads) and reads.serves(ctx.indicators):
        return reads
    made = KpiReads(ctx.indicators)
    ctx.extras[_KEY] = made
    return made
