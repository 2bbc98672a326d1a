"""The batching writer: one thread that makes accepted readings durable (in the store, or the fsync'd spool while the
store is down) and only then releases their acknowledgements; every fault is held, shown and retried, never dropped."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.inbox import Batch, Inbox
from ingest.spool import Spool, SpoolError
from ingest.store import Store, StoreRejected, StoreUnavailable
from sensors.models import Reading
from supervision.part import PartHealth, PartState, thread_health

log = logging.getLogger(__name__)
RETRY_MIN_S = 0.5
RETRY_MAX_S = 30.0
STOP_GRACE_S = 10.0
STALL_AFTER_S = 60.0
LINGER_S = 0.02  # after the first reading of a batch, how long more may join it before the commit
LOSS_REFUSED = "store refused the points"


@dataclass(frozen=True, slots=True)
class WriterStats:
    """Counters of the writer for /api/health and /metrics."""

    written: int
    batches: int
    spooled: int
    replayed: int
    pending_spool: int
    queued: int  # readings accepted and not yet durable (queued, or in the batch in hand)
    store_ok: bool
    down_since: float | None
    last_error: str | None
    fault: str | None = None  # why nothing can be made durable now (e.g. "disk full at data/spool"); None: fine
    refused: int = 0  # readings the store refused for good (sent to the dead letters)
    quarantined_spool_lines: int = 0
    losses: dict[str, int] = field(default_factory=dict)  # readings known lost or set aside, per reason


AckRelease = Callable[[list[object]], None]
RefusedSink = Callable[[Sequence[Reading], str], None]


class BatchWriter:
    """Writes readings in batches; when the store fails, batches go to the spool and are replayed in order. When the
    spool cannot take them either, the batch is held (not acknowledged) and retried until the fault clears."""

    name = "writer"

    def __init__(self, store: Store, spool: Spool, batch_size: int = 2000, flush_interval_s: float = 0.5,
                 queue_size: int = 200_000) -> None:
        self.store = store
        self.spool = spool
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.inbox = Inbox(queue_size)
        self.on_durable: AckRelease | None = None  # the ingester's PUBACK sender
        self.on_refused: RefusedSink | None = None  # the dead-letter record
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._written = self._batches = self._spooled = self._replayed = self._refused = 0
        self._held: Batch | None = None
        self._durable_ticket = 0
        self._durable = threading.Condition()
        self._store_ok = True
        self._down_since: float | None = None
        self._last_error: str | None = None
        self._fault: str | None = None
        self._retry_at = 0.0
        self._retry_s = RETRY_MIN_S
        self._fault_retry_s = RETRY_MIN_S
        self.last_progress = time.monotonic()

    # -- service ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="coc-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Make what is queued durable (within a grace period) and stop; what could not be stays unacknowledged."""
        self._stop.set()
        self.inbox.wake()
        if self._thread:
            self._thread.join(timeout=60)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def health(self) -> PartHealth:
        """Degraded with the reason while nothing can be made durable; stalled when one write hangs."""
        health = thread_health(self.name, self._thread, lambda: self._fault)
        idle_s = time.monotonic() - self.last_progress
        if health.state is PartState.RUNNING and idle_s > STALL_AFTER_S:
            return PartHealth(self.name, PartState.STALLED, f"no progress for {idle_s:.0f} s (a store write hangs)")
        return health

    # -- producers ----------------------------------------------------------------------------------------------

    def put(self, readings: list[Reading], ack: object = None, timeout: float | None = None) -> int:
        """Queue readings and what to acknowledge once they are durable; return a ticket for `wait_durable`.
        Without a timeout it never blocks (the MQTT path pauses reading on `full` instead)."""
        return self.inbox.put(readings, ack, timeout)

    @property
    def full(self) -> bool:
        return self.inbox.full

    def wait_durable(self, ticket: int, timeout_s: float) -> bool:
        """Wait until everything up to `ticket` is in the store or the spool."""
        with self._durable:
            return self._durable.wait_for(lambda: self._durable_ticket >= ticket, timeout_s)

    def drain(self, timeout_s: float) -> bool:
        """Wait until nothing accepted is waiting (used before a graceful disconnect, so acknowledgements go out)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.inbox.empty() and self._held is None:
                return True
            time.sleep(0.01)
        return False

    def stats(self) -> WriterStats:
        held = len(self._held.readings) if self._held is not None else 0
        losses = {LOSS_REFUSED: self._refused} if self._refused else {}
        return WriterStats(self._written, self._batches, self._spooled, self._replayed, self.spool.pending,
                           self.inbox.readings + held, self._store_ok, self._down_since, self._last_error,
                           self._fault, self._refused, self.spool.quarantined_lines, losses)

    # -- the loop -----------------------------------------------------------------------------------------------

    def _run(self) -> None:
        stop_deadline: float | None = None
        while True:
            if self._stop.is_set() and stop_deadline is None:
                stop_deadline = time.monotonic() + STOP_GRACE_S
            if self._held is None:
                if self._stop.is_set() and self.inbox.empty():
                    break
                self._held = self.inbox.take(self.batch_size, self.flush_interval_s, LINGER_S)
            if self.spool.pending and time.monotonic() >= self._retry_at:
                self._replay()
            self.last_progress = time.monotonic()
            if self._held is None:
                continue
            if self._make_durable(self._held.readings):
                self._release(self._held)
                self._held = None
            elif stop_deadline is not None and time.monotonic() > stop_deadline:
                log.warning("writer: stopping with %d readings not durable (%s); they stay unacknowledged and the "
                            "broker delivers them again", len(self._held.readings), self._fault)
                break
            else:
                self._stop.wait(self._fault_retry_s)
                self._fault_retry_s = min(self._fault_retry_s * 2, RETRY_MAX_S / 6)
        if self.spool.pending and self._store_ok:
            self._replay()

    def _release(self, batch: Batch) -> None:
        with self._durable:
            self._durable_ticket = batch.last_ticket
            self._durable.notify_all()
        acks = [ack for ack in batch.acks if ack is not None]
        if acks and self.on_durable is not None:
            try:
                self.on_durable(acks)
            except Exception:  # noqa: BLE001 - a lost PUBACK only means the broker sends the message again
                log.exception("writer: releasing acknowledgements failed")

    def _make_durable(self, readings: list[Reading]) -> bool:
        """Put a batch in the store (or the spool, behind what already waits there); False when neither can."""
        if not readings:
            return True
        if not self.spool.pending:  # keep order: nothing overtakes what waits in the spool
            try:
                self._write_store(readings)
                self._batches += 1
                self._came_back()
                self._set_fault(None)
                return True
            except Exception as exc:  # noqa: BLE001 - StoreUnavailable, a disk error or a store bug: spool it
                if not isinstance(exc, StoreUnavailable | OSError | ConnectionError):
                    log.exception("store write failed unexpectedly; spooling the batch")
                self._went_down(str(exc) or type(exc).__name__)
        try:
            self.spool.append(readings)
        except SpoolError as exc:
            self._set_fault(f"{exc.reason}: readings are held unacknowledged until there is room")
            return False
        self._spooled += len(readings)
        self._set_fault(None)
        return True

    def _write_store(self, readings: Sequence[Reading]) -> None:
        """Write, splitting a batch the store refuses until the refused points are alone; those are set aside."""
        try:
            self.store.write(readings)
        except StoreRejected as exc:
            if len(readings) == 1:
                self._refuse(readings, exc.reason)
                return
            half = len(readings) // 2
            self._write_store(readings[:half])
            self._write_store(readings[half:])
            return
        self._written += len(readings)

    def _refuse(self, readings: Sequence[Reading], reason: str) -> None:
        self._refused += len(readings)
        log.warning("store %s refused %d reading(s) for good: %s", self.store.backend, len(readings), reason)
        if self.on_refused is not None:
            try:
                self.on_refused(readings, reason)
            except Exception:  # noqa: BLE001 - still counted in losses
                log.exception("writer: recording refused readings failed")

    def _replay(self) -> None:
        def write(readings: list[Reading]) -> None:
            self._write_store(readings)
            self._replayed += len(readings)

        try:
            count = self.spool.replay(write)
        except Exception as exc:  # noqa: BLE001 - StoreUnavailable or a transport error: try later
            self._went_down(str(exc) or type(exc).__name__)
            self._retry_at = time.monotonic() + self._retry_s
            self._retry_s = min(self._retry_s * 2, RETRY_MAX_S)
            return
        if count:
            log.info("store: replayed %d spooled readings in order", count)
        self._came_back()

    def _set_fault(self, fault: str | None) -> None:
        if fault and fault != self._fault:
            log.error("writer: %s", fault)
        elif fault is None and self._fault:
            log.info("writer: recovered from '%s'", self._fault)
            self._fault_retry_s = RETRY_MIN_S
        self._fault = fault

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
