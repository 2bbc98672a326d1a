"""Messages to people and what became of each: a delivery record per message (queued, sent, failed with the reason,
attempts) in the app-state file, and one sender thread per channel with a bounded queue and retries."""

from __future__ import annotations

import logging
import queue
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from alerts.shared_db import SharedConnection
from supervision.part import LoopThread

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, username TEXT NOT NULL, channel TEXT NOT NULL,
    address TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '',
    external_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries (alert_id, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, id);
"""


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting, or handed to gammu-smsd and not in its sent folder yet
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PersonMessage:
    """One message to one person on one channel; `data` holds channel-specific fields (ZNS template data)."""

    alert_id: str
    username: str
    channel: str
    address: str
    text: str
    subject: str = ""
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Delivery:
    """The record of one message."""

    id: int
    alert_id: str
    username: str
    channel: str
    address: str
    status: DeliveryStatus
    attempts: int
    reason: str
    external_id: str | None
    created_at: datetime
    updated_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt did: sent, queued with the daemon (external_id to follow), or failed with a reason."""

    status: DeliveryStatus
    reason: str = ""
    external_id: str | None = None


class Driver(Protocol):
    """A channel to a person: one attempt per `submit`; `poll` settles messages a daemon sends later."""

    channel: str
    retries: int
    backoff_s: float

    def submit(self, message: PersonMessage) -> Outcome: ...

    def poll(self, pending: list[Delivery], now: datetime) -> list[tuple[Delivery, Outcome]]: ...


COLUMNS = ("id, alert_id, username, channel, address, status, attempts, reason, external_id, created_at, updated_at,"
           " text")


class DeliveryStore(SharedConnection):
    """The deliveries table; thread-safe."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, SCHEMA)

    def add(self, m: PersonMessage, now: datetime) -> int:
        at = now.astimezone(UTC).isoformat()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO deliveries (alert_id, username, channel, address, status, attempts, created_at,"
                " updated_at, text) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
                (m.alert_id, m.username, m.channel, m.address, at, at, m.text))
        return int(cur.lastrowid or 0)

    def update(self, delivery_id: int, outcome: Outcome, now: datetime, attempted: bool = True) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE deliveries SET status = ?, reason = ?, external_id = COALESCE(?, external_id),"
                " attempts = attempts + ?, updated_at = ? WHERE id = ?",
                (outcome.status.value, outcome.reason[:300], outcome.external_id, int(attempted),
                 now.astimezone(UTC).isoformat(), delivery_id))

    def list(self, alert_id: str | None = None, status: str | None = None, limit: int = 200) -> list[Delivery]:
        where, args = [], []
        for column, value in (("alert_id", alert_id), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = f"SELECT {COLUMNS} FROM deliveries" + (" WHERE " + " AND ".join(where) if where else "")
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_delivery(r) for r in rows]

    def pending(self, channel: str) -> list[Delivery]:
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM deliveries WHERE channel = ? AND status = 'queued' AND"
                                    " external_id IS NOT NULL ORDER BY id", (channel,)).fetchall()
        return [_delivery(r) for r in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per channel: queued, sent, failed."""
        with self._lock:
            rows = self._db.execute("SELECT channel, status, COUNT(*) FROM deliveries GROUP BY channel, status")
            out: dict[str, dict[str, int]] = {}
            for channel, status, count in rows.fetchall():
                out.setdefault(channel, {s.value: 0 for s in DeliveryStatus})[status] = count
        return out


def _delivery(r: tuple[Any, ...]) -> Delivery:
    return Delivery(r[0], r[1], r[2], r[3], r[4], DeliveryStatus(r[5]), r[6], r[7], r[8],
                    datetime.fromisoformat(r[9]), datetime.fromisoformat(r[10]), r[11])


class Sender(LoopThread):
    """One channel's thread: takes queued messages (bounded queue, drops counted), tries each with retries and
    backoff, records every outcome, and polls the driver for messages a daemon sends later."""

    interval_s = 0.0
    poll_s = 1.0

    def __init__(self, driver: Driver, store: DeliveryStore, queue_size: int = 1000) -> None:
        super().__init__()
        self.driver, self.store = driver, store
        self.name = f"person:{driver.channel}"
        self.counts: Counter[str] = Counter()
        self._queue: queue.Queue[tuple[int, PersonMessage]] = queue.Queue(maxsize=queue_size)
        self._messages: dict[int, PersonMessage] = {}  # queued with a daemon, kept for a resend
        self._last_poll = 0.0

    def stop(self, timeout_s: float = 2.0) -> None:
        super().stop(timeout_s)

    def alive(self) -> bool:
        return self.thread_alive()

    def send(self, message: PersonMessage) -> int:
        """Record the message as queued and hand it to the thread; never blocks."""
        delivery_id = self.store.add(message, datetime.now(UTC))
        try:
            self._queue.put_nowait((delivery_id, message))
        except queue.Full:
            self.counts["dropped"] += 1
            self.store.update(delivery_id, Outcome(DeliveryStatus.FAILED, "queue full (dropped)"), datetime.now(UTC),
                              attempted=False)
        return delivery_id

    def turn(self) -> None:
        try:
            delivery_id, message = self._queue.get(timeout=0.2)
        except queue.Empty:
            self._poll()
            return
        self._deliver(delivery_id, message, self.driver.retries + 1)
        self._poll()

    def _deliver(self, delivery_id: int, message: PersonMessage, attempts_left: int) -> None:
        for attempt in range(attempts_left):
            if attempt and self.wait(self.driver.backoff_s * 2 ** (attempt - 1)):
                return
            try:
                outcome = self.driver.submit(message)
            except Exception as exc:  # noqa: BLE001 - a driver bug is a failed attempt, not a dead thread
                outcome = Outcome(DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}")
            final = outcome.status is not DeliveryStatus.FAILED or attempt == attempts_left - 1
            reason = outcome.reason if outcome.status is not DeliveryStatus.FAILED or final else \
                f"{outcome.reason} (retrying)"
            self.store.update(delivery_id, Outcome(outcome.status, reason, outcome.external_id), datetime.now(UTC))
            if outcome.status is DeliveryStatus.QUEUED:
                self._messages[delivery_id] = message
            if outcome.status is not DeliveryStatus.FAILED:
                self.counts["sent" if outcome.status is DeliveryStatus.SENT else "handed"] += 1
                return
        self.counts["failed"] += 1
        log.warning("alerts: %s gave up on a message to %s: %s", self.name, message.username, reason)

    def _poll(self) -> None:
        now = datetime.now(UTC)
        if now.timestamp() - self._last_poll < self.poll_s:
            return
        self._last_poll = now.timestamp()
        pending = self.store.pending(self.driver.channel)
        if not pending:
            return
        for delivery, outcome in self.driver.poll(pending, now):
            message = self._messages.pop(delivery.id, None)
            if outcome.status is DeliveryStatus.FAILED and message is not None \
                    and delivery.attempts <= self.driver.retries:
                self.store.update(delivery.id, Outcome(DeliveryStatus.QUEUED, f"{outcome.reason} (retrying)"), now,
                                  attempted=False)
                self._deliver(delivery.id, message, 1)
                continue
            self.store.update(delivery.id, outcome, now, attempted=False)
            self.counts["sent" if outcome.status is DeliveryStatus.SENT else "failed"] += 1

    def pending_count(self) -> int:
        return self._queue.qsize()

    def stats(self) -> dict[str, int]:
        return {key: self.counts[key] for key in ("sent", "failed", "dropped")}
