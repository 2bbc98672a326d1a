"""Choosing the configured time-series store."""

from __future__ import annotations

from config.schema import CocConfig
from ingest.influx_store import InfluxStore
from ingest.sqlite_store import SqliteStore
from ingest.store import Store


def make_store(config: CocConfig) -> Store:
    """The store `storage.backend` names (not opened yet)."""
    if config.storage.backend == "influxdb":
        return InfluxStore(config.storage.influxdb, config.commune.id, config.sensor_units())
    return SqliteStore(config.storage.sqlite.path)
