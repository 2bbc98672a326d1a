"""The batching writer's own promises: what `queued` counts, and nothing lost between queue and store."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest.spool import Spool, SpoolError
from ingest.sqlite_store import SqliteStore
from ingest.store import StoreRejected
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


class RefusingStore(SqliteStore):
    """A real SQLite store that refuses, for good, any batch holding a reading of device 'bad' (as InfluxDB refuses
    a point beyond its retention policy)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.calls = 0

    def write(self, readings: Sequence[Reading]) -> None:
        self.calls += 1
        if any(r.device_id == "bad" for r in readings):
            raise StoreRejected("partial write: points beyond retention policy dropped=1")
        super().write(readings)


def test_a_refused_batch_is_split_until_the_refused_points_are_alone(tmp_path: Path) -> None:
    store = RefusingStore(tmp_path / "r.sqlite")
    store.open()
    writer = BatchWriter(store, Spool(tmp_path / "spool"), batch_size=64, flush_interval_s=0.05)
    refused: list[tuple[list[Reading], str]] = []
    released: list[object] = []
    writer.on_refused = lambda readings, reason: refused.append((list(readings), reason))
    writer.on_durable = released.extend
    readings = [Reading("bad" if i in (5, 40) else "pam-01", "air", T0 + timedelta(seconds=i), {"pm25": float(i)})
                for i in range(64)]
    writer.start()
    try:
        writer.put(readings, ack="message-1")
        wait_until(lambda: released == ["message-1"], "acknowledged once durable")
        assert store.count("air") == 62 and [r[0][0].fields["pm25"] for r in refused] == [5.0, 40.0]
        assert refused[0][1] == "partial write: points beyond retention policy dropped=1"
        assert writer.stats().losses == {"store refused the points": 2} and writer.stats().pending_spool == 0
        assert store.calls <= 2 * 2 * 7  # two bad points, each isolated in about log2(64) halvings
    finally:
        writer.stop()


class FullSpool(Spool):
    """A real spool whose disk is full until `room` is set."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.room = threading.Event()

    def append(self, readings: Sequence[Reading]) -> None:
        if not self.room.is_set():
            raise SpoolError(f"disk full at {self.directory}", OSError(28, "No space left on device"))
        super().append(readings)


def test_a_batch_neither_store_nor_spool_can_take_is_held_unacknowledged_and_retried(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "missing" / "r.sqlite")
    (tmp_path / "missing").write_text("a file where the folder should be")  # the store cannot open
    spool = FullSpool(tmp_path / "spool")
    writer = BatchWriter(store, spool, batch_size=10, flush_interval_s=0.05)
    released: list[object] = []
    writer.on_durable = released.extend
    writer.start()
    try:
        writer.put([Reading("pam-01", "air", T0, {"pm25": 1.0})], ack="m1")
        wait_until(lambda: writer.stats().fault is not None, "the fault reported")
        assert writer.stats().fault.startswith(f"disk full at {tmp_path / 'spool'}")
        assert released == [] and writer.stats().queued == 1 and writer.alive()
        assert writer.health().state.value == "degraded"
        spool.room.set()
        wait_until(lambda: released == ["m1"], "acknowledged once spooled", 30)
        assert writer.stats().fault is None and writer.stats().pending_spool == 1
    finally:
        writer.stop()
