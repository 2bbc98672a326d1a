"""What the web app reads from: the services run_coc.py hands to the app factory (one object, no globals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from alerts.read_side import AlertsReadSide
from config.problems import ConfigCheck
from dashboard.scope import EVERYTHING, Scope
from dashboard.services import (
    CameraReads,
    CommuneSummaryView,
    IndicatorReads,
    IngestReads,
    LiveReads,
    NamedPlace,
    StateReads,
    StoreReads,
    SupervisorReads,
    WorkerPoolReads,
    WriterReads,
)
from dashboard.site import SiteConfig
from loudspeakers.service import LoudspeakerService


class ProvinceReads(Protocol):
    """A province center's view of its communes (province.runtime.ProvinceView): each commune's context, as its own
    COC's pages read theirs, and the province wall's summaries; narrowed to a caller's communes by `within`."""

    @property
    def communes(self) -> Sequence[NamedPlace]: ...

    @property
    def contexts(self) -> Mapping[str, AppContext]: ...

    def commune(self, commune_id: str) -> NamedPlace | None: ...

    def within(self, allowed: frozenset[str]) -> ProvinceReads: ...

    def alerts(self) -> AlertsReadSide:
        """The alarms of this view's communes as one alert service."""
        ...

    def summaries(self, allowed: frozenset[str] | None = None) -> Sequence[CommuneSummaryView]: ...


@dataclass(frozen=True, slots=True)
class AppContext:
    """References to the running services; a part that is not running is None and its pages say so. Built once by
    the wiring after every part exists, then never changed (a scoped view is a copy: dataclasses.replace)."""

    config: SiteConfig
    store: StoreReads | None = None
    live: LiveReads | None = None
    ingest: IngestReads | None = None  # stats, dead letters, unknown devices
    state_db: StateReads | None = None  # the SQLite app state
    alerts: AlertsReadSide | None = None
    loudspeakers: LoudspeakerService | None = None  # the hamlets' loudspeakers (a channel of the alert service)
    cameras: CameraReads | None = None  # the camera hub of the web process
    indicators: IndicatorReads | None = None  # the KPI engine
    writer: WriterReads | None = None  # queued, spooled, faults, losses
    ingest_workers: WorkerPoolReads | None = None  # when mqtt.workers > 1
    supervisor: SupervisorReads | None = None  # every part's health and restarts
    check_config: Callable[[], ConfigCheck] | None = None  # /admin's check of the running file, from the wiring
    province: ProvinceReads | None = None  # at a province center: each commune's context
    extras: dict[str, Any] = field(default_factory=dict)  # Any: the dashboard's caches, each of its own type
    scope: Scope = EVERYTHING  # the communes a request reads through this context (dashboard.scoped)

