"""The one place a commune's data path is assembled: store -> batch writer (with its disk spool) -> live state ->
ingester, from the configuration sections it needs. The commune's COC (run_coc.build_runtime), each subscriber
process (ingest/workers.py) and each commune at the province (ingest/province_feed.py) all build it here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from camera.settings import CameraConfig
from config.commune import CommuneConfig
from ingest.live_state import LiveState
from ingest.service import IngestService
from ingest.settings import MqttConfig, StorageConfig
from ingest.spool import Spool
from ingest.state_db import StateDb
from ingest.store import Store, StoreUnavailable
from ingest.stores import make_store
from ingest.writer import BatchWriter
from sensors.settings import SensorConfig

log = logging.getLogger(__name__)


class CommuneSections(Protocol):
    """The sections of a commune's configuration its data path is made from (configfile.schema.CocConfig has them)."""

    @property
    def commune(self) -> CommuneConfig: ...

    @property
    def mqtt(self) -> MqttConfig: ...

    @property
    def storage(self) -> StorageConfig: ...

    @property
    def sensors(self) -> Sequence[SensorConfig]: ...

    @property
    def cameras(self) -> Sequence[CameraConfig]: ...


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """What a data path is made from: the commune's id, the broker, the store and spool, the devices whose messages
    are accepted. Small and picklable: a subscriber process receives it instead of the whole configuration."""

    commune_id: str
    mqtt: MqttConfig
    storage: StorageConfig
    sensors: tuple[SensorConfig, ...]
    camera_ids: tuple[str, ...]

    @classmethod
    def of(cls, config: CommuneSections) -> PipelineSettings:
        return cls(config.commune.id, config.mqtt, config.storage, tuple(config.sensors),
                   tuple(camera.id for camera in config.cameras))

    def sensor_units(self) -> dict[str, str]:
        """Device id -> the former unit it belongs to (the store tags its points with it)."""
        return {s.id: s.former_unit for s in self.sensors if s.former_unit}


@dataclass(frozen=True, slots=True)
class Pipeline:
    """One commune's data path, typed. The writer and the ingester are parts (start/stop) of whoever runs them."""

    store: Store
    writer: BatchWriter
    live: LiveState
    state_db: StateDb
    ingest: IngestService


def build_pipeline(settings: PipelineSettings, *, store: Store | None = None, spool_dir: Path | None = None,
                   worker: int | None = None, seed_live: bool = False) -> Pipeline:
    """The data path of `settings`: the configured store (or `store`: tests wrap a real one) opened, or its readings
    spooled to `spool_dir` (default storage.spool_dir) while it cannot be; `worker` N: subscriber process N's
    ingester; `seed_live`: live state starts from the store's latest readings (the commune's own COC)."""
    storage = settings.storage
    spool = spool_dir if spool_dir is not None else Path(storage.spool_dir)
    store = store if store is not None else make_store(storage, settings.commune_id, settings.sensor_units())
    try:
        store.open()
    except StoreUnavailable as exc:
        log.error("store not usable at start (%s); readings are spooled to %s until it is", exc, spool)
    writer = BatchWriter(store, Spool(spool), storage.batch_size, storage.flush_interval_s, storage.queue_size)
    live = LiveState(settings.sensors)
    if seed_live:
        try:
            live.seed(store.latest().values())
        except StoreUnavailable:
            pass
    state_db = StateDb(storage.state_path)
    ingest = IngestService(settings.mqtt, settings.sensors, settings.camera_ids, writer, live, state_db,
                           worker=worker)
    return Pipeline(store, writer, live, state_db, ingest)
