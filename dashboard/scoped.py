"""A request's context seen through its scope at a province center: the KPI engine reading only the scope's
communes, the province view (and with it the alarms and health of the communes) narrowed to them. Every API
route and every page callback reads through `current_context()`, which hands out this view: the scope is applied
where the data is read and written, not per route."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dashboard.context import AppContext
from dashboard.scope import Scope

# The province's own plan and reports, and the unfiltered figures table: for a province-wide request only.
PROVINCE_WIDE = ("set_plan", "import_plan", "add_plan_rows", "import_file", "load_demo", "write_report", "db",
                 "run_scheduled_reports")


class ScopedIndicators:
    """The KPI service as a caller with this scope may use it: figures, ranks, comparisons and months of its
    communes only; rows written only for its communes; the province's own plan and reports province-wide only."""

    def __init__(self, service: Any, scope: Scope) -> None:
        self._service = service
        self._within = scope.communes
        self.scope = scope

    def __getattr__(self, name: str) -> Any:  # catalogue, config, settings, tz, clock, merger, former_units ...
        if name in PROVINCE_WIDE:
            self.scope.require_whole(name)
        return getattr(self._service, name)

    def engine(self) -> Any:
        return self._service.engine(self._within)

    def results(self, month: str, commune: str | None = None, pillar: Any = None) -> list[Any]:
        if commune is not None and not self.scope.sees(commune):
            return []
        chosen = [commune] if commune else None
        return self.engine().results(month, chosen, pillar)

    def history(self, kpi_id: str, commune: str, start_month: str, end_month: str) -> list[Any]:
        self.scope.require([commune])
        return self.engine().history(kpi_id, commune, start_month, end_month)

    def latest_month(self) -> str | None:
        return self._service.latest_month(self._within)

    def communes(self) -> list[str]:
        return self._service.communes(self._within)

    def report(self, period: str, commune: str | None = None, pillar: Any = None) -> Any:
        from indicators.report import report_view

        return report_view(self.engine(), commune or self._service.config.commune.id, period, pillar)

    def report_bytes(self, period: str, fmt: str, pillar: Any = None) -> bytes:
        from indicators.report_docx import to_docx
        from indicators.report_files import to_pdf, to_xlsx

        make = {"pdf": to_pdf, "xlsx": to_xlsx, "docx": to_docx}[fmt]
        return make(self.report(period, None, pillar), self._service.catalogue, self._service.report_heading())

    def report_files(self) -> list[Any]:
        """The province's scheduled reports are the province's: none for a caller scoped to some communes."""
        return self._service.report_files() if self.scope.whole else []

    def add_rows(self, rows: list[Any], source: str) -> Any:
        """Every row's commune (the service's own when left out) must be in the scope, or nothing is written."""
        own = self._service.config.commune.id
        self.scope.require([r.get("commune", own) if isinstance(r, dict) else own for r in rows])
        return self._service.add_rows(rows, source)


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
