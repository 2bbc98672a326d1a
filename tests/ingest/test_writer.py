"""The batching writer's own promises: what `queued` counts, and nothing lost between queue and store."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest.spool import Spool
from ingest.sqlite_store import SqliteStore
from ingest.writer import BatchWriter
from sensors.models import Reading
from tests.polling import wait_until

T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


class SlowStore(SqliteStore):
    """A real SQLite store whose writes wait for a go-ahead, to look at the writer in the middle of one."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.entered = threading.Event()
        self.go = threading.Event()

    def write(self, readings: Sequence[Reading]) -> None:
        self.entered.set()
        assert self.go.wait(20)
        super().write(readings)


def test_queued_counts_readings_until_they_are_in_the_store(tmp_path: Path) -> None:
    store = SlowStore(tmp_path / "r.sqlite")
    store.open()
    writer = BatchWriter(store, Spool(tmp_path / "spool"), batch_size=10, flush_interval_s=0.05)
    writer.start()
    try:
        writer.put([Reading("pam-01", "air", T0 + timedelta(minutes=i), {"pm25": float(i)}) for i in range(3)])
        writer.put([Reading("flood-01", "flood", T0, {"water_level_cm": 120.0})])
        assert store.entered.wait(10)
        assert writer.stats().queued == 4  # taken off the queue, not yet written: still waiting
        assert store.count("air") == 0
        store.go.set()
        wait_until(lambda: writer.stats().queued == 0, "the batch written")
        assert writer.stats().written == 4 and store.count("air") == 3 and store.count("flood") == 1
    finally:
        store.go.set()
        writer.stop()
