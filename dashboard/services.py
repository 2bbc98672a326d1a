"""What the dashboard reads from each running service, as Protocols (structural types): the producers' classes
(ingest.store's stores, ingest.live_state.LiveState, ingest.service.IngestService, ingest.writer.BatchWriter,
camera.hub.CameraHub, indicators.service.IndicatorService, supervision.supervisor.Supervisor, ingest.state_db.StateDb)
satisfy them without importing this module. Each lists only what dashboard/ calls, with the producers' own frozen
types. The alarms' read side is `alerts.read_side.AlertsReadSide`; the province's view of its communes is in
dashboard.context (it holds contexts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from alerts.models import Alert
from camera.models import CameraEvent
from camera.settings import CameraConfig, CameraSystemConfig
from config.section import Location
from dashboard.json_types import JsonObject, JsonValue
from indicators.catalogue import Catalogue
from indicators.merger import FormerCommune, Merger
from indicators.models import ImportReport, KpiValue, Pillar
from indicators.report import ReportView
from indicators.report_delivery import ReportFile
from indicators.report_files import ReportHeading
from indicators.results import KpiEngine
from indicators.settings import IndicatorsConfig
from ingest.live_state import DeviceState
from ingest.service import IngestStats
from ingest.state_db import DeadLetter, UnknownDevice
from ingest.store import Aggregate, SeriesPoint
from ingest.store_repair import StoreDiagnosis
from ingest.writer import WriterStats
from sensors.models import Reading
from supervision.part import PartHealth

# A camera as GET /api/cameras shows it (camera.hub.CameraHub.status): the hub's own JSON object.
CameraStatus = JsonObject
# A JSON row handed to the KPI engine (POST /api/kpis/rows, the plan upload): validated by indicators.rows.
KpiRow = Mapping[str, JsonValue]  # checked by indicators.rows.check_rows


class StoreReads(Protocol):
    """The time-series store (ingest.sqlite_store.SqliteStore, ingest.influx_store.InfluxStore)."""

    def series(self, kind: str, device_id: str, field: str, start: datetime, end: datetime,
               every_s: int, agg: Aggregate = "mean") -> list[SeriesPoint]: ...

    def latest(self) -> dict[str, Reading]: ...

    def diagnose(self) -> StoreDiagnosis | None:
        """Why the store does not come back (e.g. after a power cut); None: nothing found or nothing to look at."""
        ...


class LiveReads(Protocol):
    """The latest values and last-seen time of every device (ingest.live_state.LiveState)."""

    def now(self) -> datetime: ...

    def get(self, device_id: str) -> DeviceState | None: ...

    def snapshot(self) -> dict[str, DeviceState]: ...


class IngestReads(Protocol):
    """The device ingester (ingest.service.IngestService): its counters, refused messages, unknown devices, and
    readings handed in over HTTP (the PAM Air push)."""

    def stats(self) -> IngestStats: ...

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]: ...

    def unknown_devices(self) -> list[UnknownDevice]: ...

    def submit(self, device_id: str, payload: bytes, source: str, timeout_s: float = 10.0) -> tuple[int, list[str]]:
        ...


class WriterReads(Protocol):
    """The batch writer in front of the store (ingest.writer.BatchWriter)."""

    def stats(self) -> WriterStats: ...


class WorkerPoolReads(Protocol):
    """The subscriber processes beside the main ingester when mqtt.workers > 1 (ingest.workers.WorkerPool)."""

    def lost(self) -> dict[str, int]: ...

    def alive(self) -> int: ...

    def subscribed(self) -> int: ...


class SupervisorReads(Protocol):
    """Every part's health and restarts (supervision.supervisor.Supervisor)."""

    def report(self) -> list[PartHealth]: ...


class StateReads(Protocol):
    """The app-state SQLite file (ingest.state_db.StateDb): its path (sessions, users and the risk board keep
    their tables beside), dead letters, unknown devices and the camera events ingest recorded."""

    @property
    def path(self) -> Path: ...

    def add_dead_letter(self, topic: str, payload: bytes, reason: str, at: datetime) -> None: ...

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]: ...

    def unknown_devices(self) -> list[UnknownDevice]: ...

    def camera_events(self, camera: str | None = None, type_: str | None = None, since: datetime | None = None,
                      limit: int = 500) -> list[CameraEvent]: ...


class CameraReads(Protocol):
    """The web process's view of the cameras (camera.hub.CameraHub)."""

    @property
    def system(self) -> CameraSystemConfig: ...

    @property
    def cameras(self) -> Mapping[str, CameraConfig]: ...

    def online_count(self) -> int: ...

    def metrics(self) -> dict[str, dict[str, float]]: ...

    def latest_jpeg(self, camera_id: str) -> bytes | None: ...

    def stream(self, camera_id: str) -> Iterator[bytes]: ...

    def events(self, camera: str | None = None, type: str | None = None, since: datetime | None = None,
               limit: int = 200) -> list[CameraEvent]: ...

    def event_snapshot(self, event_id: str) -> Path | None: ...

    def list(self) -> list[CameraStatus]:  # last: in the class body, `list` names this method from here on
        ...


class Named(Protocol):
    """Something the configuration names: a commune, a former commune (config.commune), a province's commune."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class IndicatorsSite(Protocol):
    """The configuration the KPI service was made with, as far as the dashboard reads it."""

    @property
    def commune(self) -> Named: ...


class IndicatorReads(Protocol):
    """The KPI engine (indicators.service.IndicatorService, or dashboard.scoped.ScopedIndicators: the same seen
    through a province caller's scope). The writes (rows, plan) are here too: the KPI pages and API make them."""

    @property
    def catalogue(self) -> Catalogue | None: ...

    @property
    def config(self) -> IndicatorsSite: ...

    @property
    def settings(self) -> IndicatorsConfig: ...

    @property
    def tz(self) -> ZoneInfo: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    def engine(self, within: frozenset[str] | None = None) -> KpiEngine:
        """A results engine over the figures (of the communes `within`, None: all)."""
        ...

    def merger(self) -> Merger | None: ...

    def results(self, month: str, commune: str | None = None, pillar: Pillar | None = None) -> list[KpiValue]: ...

    def history(self, kpi_id: str, commune: str, start_month: str, end_month: str) -> list[KpiValue]: ...

    def latest_month(self, within: frozenset[str] | None = None) -> str | None: ...

    def communes(self, within: frozenset[str] | None = None) -> list[str]: ...

    def former_units(self) -> list[FormerCommune]: ...

    def commune_name(self, commune: str) -> str: ...

    def report(self, period: str, commune: str | None = None, pillar: Pillar | None = None) -> ReportView: ...

    def report_heading(self) -> ReportHeading: ...

    def report_bytes(self, period: str, fmt: str, pillar: Pillar | None = None) -> bytes: ...

    def report_folder(self) -> Path: ...

    def report_files(self) -> list[ReportFile]: ...

    def add_rows(self, rows: Sequence[KpiRow], source: str) -> ImportReport: ...

    def add_plan_rows(self, rows: list[KpiRow], year: int | None, basis: str) -> ImportReport: ...

    def import_plan(self, path: str | Path, year: int | None = None) -> ImportReport: ...

    def set_plan(self, kpi_id: str, year: int, value: float, basis: str) -> None: ...


class NamedPlace(Named, Protocol):
    """A named place with its location: a province center's commune (province.settings.ProvinceCommune), a former
    commune's old headquarters (config.commune.FormerUnit)."""

    @property
    def location(self) -> Location | None: ...


class CommuneSummaryView(Protocol):
    """One commune on the province wall (province.view.CommuneSummary)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def lat(self) -> float | None: ...

    @property
    def lon(self) -> float | None: ...

    @property
    def worst_severity(self) -> str | None: ...

    @property
    def open_alarms(self) -> int: ...

    @property
    def unacknowledged(self) -> int: ...

    @property
    def air_index(self) -> int | None: ...

    @property
    def air_colour(self) -> str | None: ...

    @property
    def air_label(self) -> str | None: ...

    @property
    def air_device(self) -> str | None: ...

    @property
    def flood_level(self) -> int: ...

    @property
    def water_level_cm(self) -> float | None: ...

    @property
    def flood_device(self) -> str | None: ...

    @property
    def devices_online(self) -> int: ...

    @property
    def devices(self) -> int: ...

    @property
    def web_url(self) -> str | None: ...

    @property
    def critical(self) -> Sequence[Alert]:  # its unacknowledged critical alarms, newest first
        ...
