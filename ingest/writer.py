"""The batching writer: one thread that drains a bounded queue into the store, spooling to disk while it is down."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.spool import Spool
from ingest.store import Store, StoreUnavailable
from sensors.models import Reading

log = logging.getLogger(__name__)
RETRY_MIN_S = 0.5
RETRY_MAX_S = 30.0


@dataclass(frozen=True, slots=True)
class WriterStats:
    """Counters of the writer for /api/health and /metrics."""

    written: int
    batches: int
    spooled: int
    replayed: int
    pending_spool: int
    queued: int  # readings accepted and not yet in the store or the spool (queued or in the batch being written)
    store_ok: bool
    down_since: float | None
    last_error: str | None


class BatchWriter:
    """Writes readings in batches; when the store fails, batches go to the spool and are replayed in order."""

    name = "writer"

    def __init__(self, store: Store, spool: Spool, batch_size: int = 2000, flush_interval_s: float = 0.5,
                 queue_size: int = 200_000) -> None:
        self.store = store
        self.spool = spool
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self._queue: queue.Queue[list[Reading]] = queue.Queue(maxsize=max(1, queue_size // 4))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._written = self._batches = self._spooled = self._replayed = 0
        self._accepted = self._handled = 0
        self._count_lock = threading.Lock()
        self._store_ok = True
        self._down_since: float | None = None
        self._last_error: str | None = None
        self._retry_at = 0.0
        self._retry_s = RETRY_MIN_S

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="coc-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued (or spool it) and stop."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=60)

    def put(self, readings: list[Reading], timeout: float | None = None) -> None:
        """Queue readings; blocks while the queue is full (back-pressure into MQTT, never a silent drop)."""
        if not readings:
            return
        with self._count_lock:  # counted first, so `queued` is never below what the writer holds
            self._accepted += len(readings)
        try:
            self._queue.put(readings, timeout=timeout)
        except queue.Full:
            with self._count_lock:
                self._accepted -= len(readings)
            raise

    def stats(self) -> WriterStats:
        return WriterStats(self._written, self._batches, self._spooled, self._replayed, self.spool.pending,
                           self._accepted - self._handled, self._store_ok, self._down_since, self._last_error)

    def _collect(self) -> list[Reading]:
        batch: list[Reading] = []
        deadline = time.monotonic() + self.flush_interval_s
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.extend(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while not self._stop.is_set() or not self._queue.empty():
            batch = self._collect()
            if self.spool.pending and time.monotonic() >= self._retry_at:
                self._replay()
            if batch:
                self._write(batch)
        if self.spool.pending:
            self._replay()

    def _write(self, batch: Sequence[Reading]) -> None:
        if self.spool.pending:  # keep order: nothing overtakes what waits in the spool
            self._to_spool(batch)
            return
        try:
            self.store.write(batch)
        except StoreUnavailable as exc:
            self._went_down(str(exc))
            self._to_spool(batch)
            return
        except Exception as exc:  # noqa: BLE001 - a store bug must not lose data either
            log.exception("store write failed unexpectedly; spooling the batch")
            self._went_down(f"{type(exc).__name__}: {exc}")
            self._to_spool(batch)
            return
        self._written += len(batch)
        self._handled += len(batch)
        self._batches += 1
        self._came_back()

    def _to_spool(self, batch: Sequence[Reading]) -> None:
        self.spool.append(batch)
        self._spooled += len(batch)
        self._handled += len(batch)

    def _replay(self) -> None:
        def write(readings: list[Reading]) -> None:
            self.store.write(readings)
            self._written += len(readings)
            self._replayed += len(readings)

        try:
            count = self.spool.replay(write)
        except Exception as exc:  # noqa: BLE001 - StoreUnavailable or a transport error: try later
            self._went_down(str(exc))
            self._retry_at = time.monotonic() + self._retry_s
            self._retry_s = min(self._retry_s * 2, RETRY_MAX_S)
            return
        if count:
            log.info("store: replayed %d spooled readings in order", count)
        self._came_back()

    def _went_down(self, error: str) -> None:
        self._last_error = error
        if self._store_ok:
            self._store_ok = False
            self._down_since = time.time()
            self._retry_at = time.monotonic() + self._retry_s
            log.warning("store %s is down, spooling to %s: %s", self.store.backend, self.spool.directory, error)

    def _came_back(self) -> None:
        if not self._store_ok:
            log.info("store %s is back; down for %.0f s", self.store.backend, time.time() - (self._down_since or 0))
        self._store_ok = True
        self._down_since = None
        self._retry_s = RETRY_MIN_S
