"""Live state: the latest values and last-seen time of every device, and whether it is online."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sensors.health import offline_status_holds
from sensors.models import Reading
from sensors.settings import SensorConfig

MISSED_INTERVALS_OFFLINE = 3


@dataclass(frozen=True, slots=True)
class DeviceState:
    """What COC knows about one device right now."""

    device_id: str
    kind: str
    name: str
    interval_s: int
    last_seen: datetime | None = None
    last_ts: datetime | None = None
    values: dict[str, float] = field(default_factory=dict)
    status: str | None = None  # last retained `status` message: "online" / "offline"
    status_at: datetime | None = None
    messages: int = 0

    def online(self, now: datetime) -> bool:
        """Online when it did not say offline last and its newest message is within 3 intervals."""
        if self.status == "offline":
            return False
        if self.last_seen is None:
            return False
        return now - self.last_seen <= timedelta(seconds=MISSED_INTERVALS_OFFLINE * self.interval_s)


@dataclass(slots=True)
class _Record:
    """The mutable record behind a DeviceState (updated in place on the ingest path; copied out on read)."""

    device_id: str
    kind: str
    name: str
    interval_s: int
    last_seen: datetime | None = None
    last_ts: datetime | None = None
    values: dict[str, float] = field(default_factory=dict)
    status: str | None = None
    status_at: datetime | None = None
    messages: int = 0

    def frozen(self) -> DeviceState:
        return DeviceState(self.device_id, self.kind, self.name, self.interval_s, self.last_seen, self.last_ts,
                           dict(self.values), self.status, self.status_at, self.messages)


class LiveState:
    """Thread-safe latest state per configured device; fed by the ingester, read by the API and alerts."""

    def __init__(self, sensors: Iterable[SensorConfig], clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._records = {s.id: _Record(s.id, s.kind.value, s.name, s.interval_s) for s in sensors}

    def now(self) -> datetime:
        return self._clock()

    def seed(self, readings: Iterable[Reading]) -> None:
        """Start from the store's latest readings (after a restart) without counting them as messages."""
        with self._lock:
            for r in readings:
                rec = self._records.get(r.device_id)
                if rec is not None and (rec.last_ts is None or r.ts > rec.last_ts):
                    rec.last_ts = rec.last_seen = r.ts
                    rec.values = dict(r.fields)

    def apply(self, readings: Iterable[Reading]) -> None:
        """Take a batch of accepted readings; the newest timestamp of each device wins."""
        now = self._clock()
        with self._lock:
            for r in readings:
                rec = self._records.get(r.device_id)
                if rec is None:
                    continue
                if rec.last_ts is None or r.ts >= rec.last_ts:
                    rec.last_ts = r.ts
                    rec.values.update(r.fields)
                if rec.status == "offline" and not offline_status_holds(rec.status, rec.status_at, r.ts):
                    rec.status = "online"  # a reading newer than the retained `offline` brings the device back
                if rec.last_seen is None or now > rec.last_seen:
                    rec.last_seen = now
                rec.messages += 1

    def set_status(self, device_id: str, status: str) -> None:
        """A `status` message (`online` / `offline`), stamped with the time it arrived. A retained `offline`
        (a last will, or what `simulate` publishes when it ends) holds only until a reading taken after it
        arrives: `apply` then sets the device back to `online`, and the offline alarm clears as usual."""
        with self._lock:
            rec = self._records.get(device_id)
            if rec is not None:
                rec.status, rec.status_at = status, self._clock()

    def get(self, device_id: str) -> DeviceState | None:
        with self._lock:
            rec = self._records.get(device_id)
            return rec.frozen() if rec is not None else None

    def snapshot(self) -> dict[str, DeviceState]:
        with self._lock:
            return {device_id: rec.frozen() for device_id, rec in self._records.items()}
