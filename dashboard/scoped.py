"""A request's context seen through its scope at a province center: the KPI engine reading only the scope's
communes, the province view (and with it the alarms and health of the communes) narrowed to them. Every API
route and every page callback reads through `current_context()`, which hands out this view: the scope is applied
where the data is read and written, not per route."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context

from dashboard.context import AppContext
from dashboard.scope import EVERYTHING, Scope
from dashboard.services import IndicatorReads, IndicatorsSite, KpiRow
from indicators.catalogue import Catalogue
from indicators.merger import FormerCommune, Merger
from indicators.models import ImportReport, KpiValue, Pillar
from indicators.report import ReportView
from indicators.report_delivery import ReportFile
from indicators.report_files import ReportHeading
from indicators.results import KpiEngine
from indicators.settings import IndicatorsConfig


class ScopedIndicators:
    """The KPI service as a caller with this scope may use it: figures, ranks, comparisons and months of its
    communes only; rows written only for its communes; the province's own plan and reports province-wide only
    (`Scope.require_whole`: OutOfScope otherwise)."""

    def __init__(self, service: IndicatorReads, scope: Scope) -> None:
        self._service = service
        self.scope = scope

    def _narrow(self, within: frozenset[str] | None) -> frozenset[str] | None:
        """The scope's communes (None: all), and of those only the ones `within` when it is given."""
        mine = self.scope.communes
        if within is None:
            return mine
        return within if mine is None else mine & within

    # -- what any caller reads (the catalogue, the configuration, the clock) -----------------------------------
    @property
    def catalogue(self) -> Catalogue | None:
        return self._service.catalogue

    @property
    def config(self) -> IndicatorsSite:
        return self._service.config

    @property
    def settings(self) -> IndicatorsConfig:
        return self._service.settings

    @property
    def tz(self) -> ZoneInfo:
        return self._service.tz

    @property
    def clock(self) -> Callable[[], datetime]:
        return self._service.clock

    def merger(self) -> Merger | None:
        return self._service.merger()

    def former_units(self) -> list[FormerCommune]:
        return self._service.former_units()

    def commune_name(self, commune: str) -> str:
        return self._service.commune_name(commune)

    def report_heading(self) -> ReportHeading:
        return self._service.report_heading()

    def report_folder(self) -> Path:
        return self._service.report_folder()

    # -- figures of the scope's communes only ----------------------------------------------------------------
    def engine(self, within: frozenset[str] | None = None) -> KpiEngine:
        return self._service.engine(self._narrow(within))

    def results(self, month: str, commune: str | None = None, pillar: Pillar | None = None) -> list[KpiValue]:
        if commune is not None and not self.scope.sees(commune):
            return []
        chosen = [commune] if commune else None
        return self.engine().results(month, chosen, pillar)

    def history(self, kpi_id: str, commune: str, start_month: str, end_month: str) -> list[KpiValue]:
        self.scope.require([commune])
        return self.engine().history(kpi_id, commune, start_month, end_month)

    def latest_month(self, within: frozenset[str] | None = None) -> str | None:
        return self._service.latest_month(self._narrow(within))

    def communes(self, within: frozenset[str] | None = None) -> list[str]:
        return self._service.communes(self._narrow(within))

    def report(self, period: str, commune: str | None = None, pillar: Pillar | None = None) -> ReportView:
        from indicators.report import report_view

        return report_view(self.engine(), commune or self._service.config.commune.id, period, pillar)

    def report_bytes(self, period: str, fmt: str, pillar: Pillar | None = None) -> bytes:
        from indicators.report_docx import to_docx
        from indicators.report_files import to_pdf, to_xlsx

        catalogue = self._service.catalogue
        assert catalogue is not None, "IndicatorService.start() first"
        make = {"pdf": to_pdf, "xlsx": to_xlsx, "docx": to_docx}[fmt]
        return make(self.report(period, None, pillar), catalogue, self._service.report_heading())

    def report_files(self) -> list[ReportFile]:
        """The province's scheduled reports are the province's: none for a caller scoped to some communes."""
        return self._service.report_files() if self.scope.whole else []

    # -- writes ----------------------------------------------------------------------------------------------
    def add_rows(self, rows: Sequence[KpiRow], source: str) -> ImportReport:
        """Every row's commune (the service's own when left out) must be in the scope, or nothing is written."""
        own = self._service.config.commune.id
        self.scope.require([str(r.get("commune", own)) for r in rows])
        return self._service.add_rows(rows, source)

    def add_plan_rows(self, rows: list[KpiRow], year: int | None, basis: str) -> ImportReport:
        self.scope.require_whole("add_plan_rows")
        return self._service.add_plan_rows(rows, year, basis)

    def import_plan(self, path: str | Path, year: int | None = None) -> ImportReport:
        self.scope.require_whole("import_plan")
        return self._service.import_plan(path, year)

    def set_plan(self, kpi_id: str, year: int, value: float, basis: str) -> None:
        self.scope.require_whole("set_plan")
        self._service.set_plan(kpi_id, year, value, basis)


def scoped_context(ctx: AppContext, scope: Scope) -> AppContext:
    """`ctx` as a request with this scope reads it. At a commune's own COC, and for a province-wide request,
    unchanged. The province's context: its KPI service, its communes' alarms and its view narrowed to the scope;
    a commune's context at the province (chosen by `?commune=`, already checked): the KPI service it shares with
    the province narrowed the same way."""
    if scope.whole:
        return ctx
    indicators = ScopedIndicators(ctx.indicators, scope) if ctx.indicators is not None else None
    if ctx.province is None:
        return replace(ctx, indicators=indicators, scope=scope)
    view = ctx.province.within(scope.communes or frozenset())
    return replace(ctx, indicators=indicators, alerts=view.alerts(), province=view, scope=scope)


def app_context() -> AppContext:
    """The app's own context (at a province center: the province's, holding every commune's), as the app factory
    stored it; requests read `current_context()` instead, which applies their scope."""
    ctx: AppContext = current_app.config["COC_CONTEXT"]
    return ctx


def current_scope() -> Scope:
    """The scope the guard decided for this request (every commune outside a request, and at a commune's COC)."""
    return g.get("coc_scope", EVERYTHING) if has_request_context() else EVERYTHING


def current_context() -> AppContext:
    """The context this request reads: a commune's at a province center when the request names one the caller may
    see (the guard chose it: `?commune=` on the API), otherwise the app's own; either seen through the request's
    scope, made once per request."""
    if "coc_scoped_context" not in g:
        chosen = g.get("coc_context") or app_context()
        g.coc_scoped_context = seen_through_scope(chosen)
    scoped: AppContext = g.coc_scoped_context
    return scoped


def seen_through_scope(ctx: AppContext) -> AppContext:
    """`ctx` as this request may read it (outside a request: as it is)."""
    return scoped_context(ctx, current_scope())
