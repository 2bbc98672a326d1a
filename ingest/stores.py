"""Choosing the configured time-series store."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.influx_store import InfluxStore
from ingest.settings import StorageConfig
from ingest.sqlite_store import SqliteStore
from ingest.store import Store


def make_store(storage: StorageConfig, commune_id: str, units: Mapping[str, str]) -> Store:
    """The store `storage.backend` names (not opened yet); InfluxDB tags each point with the commune and the device's
    former unit (`units`: device id -> unit)."""
    if storage.backend == "influxdb":
        return InfluxStore(storage.influxdb, commune_id, units)
    return SqliteStore(storage.sqlite.path)
