"""The indicators service: the catalogue, the figures table, sensor-derived figures kept up to date, and the
results engine the web app reads (`ctx.indicators`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from config.problems import ConfigError, ConfigProblem
from indicators.catalogue import Catalogue, load_catalogue
from indicators.figures_db import FiguresDb
from indicators.importer import collapse, import_file
from indicators.merger import FormerCommune, Merger
from indicators.models import ImportReport, KpiValue, Pillar, PlanTarget
from indicators.periods import shift
from indicators.report import ReportView, report_view
from indicators.report_delivery import ReportFile, due_periods, file_name, list_reports, mail_subject, send_report
from indicators.report_files import ReportHeading
from indicators.report_text import summary_text
from indicators.results import KpiEngine
from indicators.rows import RawRow, check_rows
from indicators.sections import IndicatorSections
from indicators.sensor_figures import SensorSources, compute_month
from indicators.sensor_kpis import AlertAcks, CameraUptime, Device
from supervision.part import LoopThread, PartHealth, PartState

log = logging.getLogger(__name__)
MAX_API_ROWS = 10_000


def check_targets(config: IndicatorSections, catalogue: Catalogue) -> list[ConfigProblem]:
    """Every per-commune target override that names a KPI the catalogue does not have."""
    return [
        ConfigProblem(
            "config",
            None,
            f"indicators.targets.{commune}.{kpi}",
            f"unknown KPI '{kpi}'",
            f"use a KPI id of {config.indicators.catalogue_path}",
        )
        for commune, kpis in config.indicators.targets.items()
        for kpi in kpis
        if kpi not in catalogue.kpis
    ]


class IndicatorService:
    """KPI engine service: start() loads the catalogue and opens the figures table; while running it
    recomputes this and last month's sensor-derived figures every `indicators.sensor_refresh_s`."""

    name = "indicators"

    def __init__(
        self,
        config: IndicatorSections,
        db_path: str | Path | None = None,
        store: Any = None,
        cameras: CameraUptime | None = None,
        alerts: AlertAcks | None = None,
        clock: Callable[[], datetime] | None = None,
        first_refresh_delay_s: float = 0.0,
    ) -> None:
        self.config = config
        self.settings = config.indicators
        self.db = FiguresDb(db_path or config.figures_db_path())
        self.tz = ZoneInfo(config.commune.timezone)
        devices = tuple(Device(s.id, s.kind.value, s.alarm_levels_cm, s.levels_on if s.alarm_levels_cm else None)
                        for s in config.sensors)
        self.sources = SensorSources(store, devices, cameras, alerts)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.catalogue: Catalogue | None = None
        self._loop: _Rounds | None = None
        self._stopped = False
        self.last_refresh_error: str | None = None
        self.last_report_error: str | None = None
        self.has_sources = False
        self.first_refresh_delay_s = first_refresh_delay_s  # let ingest catch up after a restart first

    def start(self) -> None:
        """Load and check the catalogue (ConfigError on any mistake), open the table, start refreshing."""
        self.catalogue = load_catalogue(self.config.catalogue_path())
        problems = check_targets(self.config, self.catalogue)
        if problems:
            raise ConfigError(problems)
        self.db.open()
        self._stopped = False
        self.has_sources = bool(self.sources.store is not None or self.sources.cameras or self.sources.alerts)
        if (self.has_sources or self.settings.report.enabled) and self._loop is None:
            self._loop = _Rounds(self)
            self._loop.start()

    def stop(self) -> None:
        self._stopped = True
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        self.db.close()

    def health(self) -> PartHealth:
        """Dead or stalled by its refresh loop; a failed round (store down, SMTP down) is logged and retried, and
        shows on the parts that own those faults."""
        if self._loop is None:  # nothing to refresh (no sources, no report), or stopped
            return PartHealth(self.name, PartState.STOPPED if self._stopped else PartState.RUNNING)
        loop = self._loop.health()
        return PartHealth(self.name, loop.state, loop.detail)

    def round(self) -> None:
        """One round of the loop: sensor-derived figures, then the scheduled reports."""
        if self.has_sources:
            self._refresh_round()
        self._report_round()

    def _refresh_round(self) -> None:
        try:
            self.refresh_sensor_figures()
            if self.last_refresh_error:
                log.info("sensor-derived KPIs recovered")
            self.last_refresh_error = None
        except Exception as exc:  # the store may be down; try again next round
            if self.last_refresh_error is None:
                log.warning("sensor-derived KPIs not computed: %s", exc)
            self.last_refresh_error = str(exc)

    def _report_round(self) -> None:
        try:
            self.run_scheduled_reports()
            if self.last_report_error:
                log.info("periodic report delivered again")
            self.last_report_error = None
        except Exception as exc:  # SMTP down, disk full: try again next round
            if self.last_report_error is None:
                log.warning("periodic report not delivered: %s", exc)
            self.last_report_error = str(exc)

    def refresh_sensor_figures(self, now: datetime | None = None, months: int = 2) -> int:
        """Compute this month's (so far) and the previous months' sensor-derived figures; return how many
        figures changed."""
        now = now or self.clock()
        month = now.astimezone(self.tz).strftime("%Y-%m")
        figures = []
        for back in range(months):
            figures += compute_month(
                self.sources,
                self.config.commune.id,
                shift(month, -back),
                self.tz,
                self.settings.pm25_daily_limit_ug_m3,
                now,
            )
        counts = self.db.upsert(figures, now)
        return counts.inserted + counts.updated

    def merger(self) -> Merger | None:
        """The commune's former units (commune.former_units), or None when it is not a merger."""
        commune = self.config.commune
        units = tuple(FormerCommune(u.id, u.name, u.merged_on) for u in commune.former_units)
        return Merger(commune.id, units) if units else None

    def engine(self, within: frozenset[str] | None = None) -> KpiEngine:
        """A results engine over a fresh snapshot of the figures (a merged commune's months before the merger
        added up from its former units); with `within`, of those communes only (a caller's scope at a province:
        ranks and comparisons then count only them)."""
        assert self.catalogue is not None, "IndicatorService.start() first"
        merger = self.merger()
        plans = self.db.plans()
        return KpiEngine(
            self.catalogue,
            self.db.figures(within),
            dict(self.settings.targets),
            self.settings.near_margin_pct,
            plans if within is None else [p for p in plans if p.commune in within],
            (merger,) if merger else (),
        )

    def results(self, month: str, commune: str | None = None, pillar: Pillar | None = None) -> list[KpiValue]:
        engine = self.engine()
        return engine.results(month, [commune] if commune else None, pillar)

    def history(self, kpi_id: str, commune: str, start_month: str, end_month: str) -> list[KpiValue]:
        return self.engine().history(kpi_id, commune, start_month, end_month)

    def latest_month(self, within: frozenset[str] | None = None) -> str | None:
        """The newest month that has any figure (of the communes `within`, None: any): the pages' default period."""
        months = [f.period for f in self.db.figures(within) if len(f.period) == 7 and "Q" not in f.period]
        return max(months, default=None)

    def communes(self, within: frozenset[str] | None = None) -> list[str]:
        """The communes with figures, the configured commune first; former units are parts of this commune, not
        communes to compare with (see former_units()). With `within`, only those."""
        own = self.config.commune.id
        units = {u.id for u in self.config.commune.former_units}
        found = [own] + [c for c in self.db.communes() if c != own and c not in units]
        return found if within is None else [c for c in found if c in within]

    def former_units(self) -> list[FormerCommune]:
        """The former communes merged into this one, in configured order."""
        merger = self.merger()
        return list(merger.units) if merger else []

    def commune_name(self, commune: str) -> str:
        if commune == self.config.commune.id:
            return self.config.commune.name
        unit = self.config.commune.former_unit(commune)
        if unit is not None:
            return unit.name
        return next((c.name for c in self.settings.communes if c.id == commune), commune)

    def add_rows(self, rows: Iterable[Mapping[str, Any]], source: str) -> ImportReport:
        """Validate and store JSON rows {commune, period, metric, value}; row numbers count from 1."""
        assert self.catalogue is not None, "IndicatorService.start() first"
        raw = [
            RawRow(
                i, r.get("commune", self.config.commune.id), r.get("period"), r.get("metric"), r.get("value")
            )
            for i, r in enumerate(rows, start=1)
        ]
        figures, problems = check_rows(raw, self.catalogue, source)
        counts = self.db.upsert(figures)
        return ImportReport(
            source, len(raw), counts.inserted, counts.updated, counts.unchanged, tuple(collapse(problems))
        )

    def load_demo(self) -> ImportReport:
        """Import the demo figures of the four seed communes, and the illustrative socio-economic figures and
        year plans (run --demo); re-running changes nothing. The report counts figures and plan lines."""
        from indicators.demo_data import load_demo_figures
        from indicators.demo_plan import load_demo_plan

        assert self.catalogue is not None, "IndicatorService.start() first"
        reports = [load_demo_figures(self.db, self.catalogue)]
        reports += load_demo_plan(self.db, self.catalogue, self.config.commune.id)
        if self.merger() is not None:
            reports.append(self._load_demo_former_units())
        return ImportReport(
            "demo",
            sum(r.rows_read for r in reports),
            sum(r.inserted for r in reports),
            sum(r.updated for r in reports),
            sum(r.unchanged for r in reports),
            tuple(p for r in reports for p in r.problems),
        )

    def _load_demo_former_units(self) -> ImportReport:
        """The former units' illustrative figures for the months before the merger (indicators.demo_former)."""
        from indicators.demo_data import demo_rows
        from indicators.demo_former import former_rows
        from indicators.demo_plan import socio_rows
        from indicators.models import Figure

        assert self.catalogue is not None and (merger := self.merger()) is not None
        limits = {m.id: m.max_value for m in self.catalogue.metrics.values()}
        rows = former_rows(demo_rows() + socio_rows(), merger.commune, merger.units, self.catalogue.merge_rules(),
                           limits)
        counts = self.db.upsert(Figure(c, p, m, v, "demo") for c, p, m, v in rows)
        return ImportReport("demo:former-units", len(rows), counts.inserted, counts.updated, counts.unchanged)

    def import_file(self, path: str | Path, progress: bool = False) -> ImportReport:
        assert self.catalogue is not None, "IndicatorService.start() first"
        return import_file(path, self.db, self.catalogue, progress, self.config.commune.id)

    def import_plan(self, path: str | Path, year: int | None = None) -> ImportReport:
        """Import a year plan file (Chỉ tiêu | Đơn vị | Kế hoạch năm) for this commune."""
        from indicators.plan_import import import_plan

        assert self.catalogue is not None, "IndicatorService.start() first"
        return import_plan(path, self.db, self.catalogue, self.config.commune.id, year)

    def set_plan(self, kpi_id: str, year: int, value: float, basis: str) -> None:
        """One plan target typed in by an administrator."""
        assert self.catalogue is not None and kpi_id in self.catalogue.kpis, f"unknown KPI {kpi_id}"
        self.db.upsert_plans([PlanTarget(self.config.commune.id, year, kpi_id, value, basis, "form")])

    def add_plan_rows(self, rows: list[Mapping[str, Any]], year: int | None, basis: str) -> ImportReport:
        """Plan targets sent as JSON rows {kpi (id or Vietnamese name), value, unit?, year?}; rows count from 1."""
        from indicators.plan_import import plan_rows

        assert self.catalogue is not None, "IndicatorService.start() first"
        table = [(i, [r.get("kpi"), r.get("unit"), r.get("value"), r.get("year")]) for i, r in enumerate(rows, 1)]
        cols = {"kpi": 0, "unit": 1, "plan": 2, "year": 3}
        plans, problems = plan_rows(table, cols, self.catalogue, self.config.commune.id, year, basis)
        counts = self.db.upsert_plans(plans)
        return ImportReport("api", len(rows), counts.inserted, counts.updated, counts.unchanged, tuple(problems))

    def report(self, period: str, commune: str | None = None, pillar: Pillar | None = None) -> ReportView:
        """The report view of a month, quarter, 6, 9 or 12 months for a commune (this one by default)."""
        return report_view(self.engine(), commune or self.config.commune.id, period, pillar)

    # -- periodic reports ---------------------------------------------------------------------------------

    def report_heading(self) -> ReportHeading:
        commune = self.config.commune
        return ReportHeading(commune.name, commune.province, self.clock().astimezone(self.tz).date())

    def report_bytes(self, period: str, fmt: str, pillar: Pillar | None = None) -> bytes:
        """The report of a period as PDF, XLSX or DOCX, made now."""
        from indicators.report_docx import to_docx
        from indicators.report_files import to_pdf, to_xlsx

        assert self.catalogue is not None, "IndicatorService.start() first"
        view = self.report(period, None, pillar)
        make = {"pdf": to_pdf, "xlsx": to_xlsx, "docx": to_docx}[fmt]
        return make(view, self.catalogue, self.report_heading())

    def report_folder(self) -> Path:
        folder = self.settings.report.output_dir
        return folder if folder.is_absolute() else Path.cwd() / folder

    def write_report(self, period: str) -> list[Path]:
        """Write the period's PDF, DOCX and XLSX to the report folder."""
        folder = self.report_folder()
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt in ("pdf", "docx", "xlsx"):
            path = folder / file_name(self.config.commune.id, period, fmt)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(self.report_bytes(period, fmt))
            tmp.replace(path)
            paths.append(path)
        return paths

    def report_files(self) -> list[ReportFile]:
        return list_reports(self.report_folder())

    def run_scheduled_reports(self, now: datetime | None = None) -> list[str]:
        """Write and e-mail each report that is due and not yet done; return the periods handled. A failed
        e-mail is tried again on the next round (the files stay)."""
        schedule = self.settings.report
        if not schedule.enabled:
            return []
        local = (now or self.clock()).astimezone(self.tz)
        done = []
        for period in due_periods(local, schedule):
            sent = self.report_folder() / f".sent-{file_name(self.config.commune.id, period, 'mail')}"
            pdf = self.report_folder() / file_name(self.config.commune.id, period, "pdf")
            if sent.exists() or (schedule.email is None and pdf.exists()):
                continue
            paths = self.write_report(period) if not pdf.exists() else [pdf.with_suffix(s) for s in (".pdf", ".docx",
                                                                                                        ".xlsx")]
            if schedule.email is not None:
                commune = self.config.commune.name
                text = "\n".join(summary_text(self.report(period), self.catalogue, commune))  # type: ignore[arg-type]
                send_report(schedule.email, mail_subject(commune, period), text, paths)
                sent.write_text(local.isoformat(), encoding="utf-8")
                log.info("report %s sent to %s", period, ", ".join(schedule.email.recipients))
            done.append(period)
        return done


class _Rounds(LoopThread):
    """Every `indicators.sensor_refresh_s`, after a first delay so ingest catches up at start."""

    name = "indicators-rounds"
    stall_after_s = 600.0

    def __init__(self, service: IndicatorService) -> None:
        super().__init__()
        self.service = service
        self.first_delay_s = service.first_refresh_delay_s
        self.interval_s = service.settings.sensor_refresh_s

    def turn(self) -> None:
        self.service.round()
