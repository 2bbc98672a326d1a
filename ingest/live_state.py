"""Live state: the latest values and last-seen time of every device, and whether it is online."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

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
        """Online when it said so last (or never said) and its newest reading is within 3 intervals."""
        if self.status == "offline":
            return False
        if self.last_seen is None:
            return False
        return now - self.last_seen <= timedelta(seconds=MISSED_INTERVALS_OFFLINE * self.interval_s)


class LiveState:
    """Thread-safe latest state per configured device; fed by the ingester, read by the API and alerts."""

    def __init__(self, sensors: Iterable[SensorConfig], clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._states = {
            s.id: DeviceState(s.id, s.kind.value, s.name, s.interval_s) for s in sensors
        }

    def now(self) -> datetime:
        return self._clock()

    def seed(self, readings: Iterable[Reading]) -> None:
        """Start from the store's latest readings (after a restart) without counting them as messages."""
        with self._lock:
            for r in readings:
                state = self._states.get(r.device_id)
                if state is not None and (state.last_ts is None or r.ts > state.last_ts):
                    self._states[r.device_id] = replace(
                        state, last_ts=r.ts, last_seen=r.ts, values=dict(r.fields)
                    )

    def apply(self, readings: Iterable[Reading]) -> None:
        """Take a batch of accepted readings; the newest timestamp of each device wins."""
        now = self._clock()
        with self._lock:
            for r in readings:
                state = self._states.get(r.device_id)
                if state is None:
                    continue
                newer = state.last_ts is None or r.ts >= state.last_ts
                self._states[r.device_id] = replace(
                    state,
                    last_ts=r.ts if newer else state.last_ts,
                    last_seen=max(now, state.last_seen) if state.last_seen else now,
                    values={**state.values, **r.fields} if newer else state.values,
                    messages=state.messages + 1,
                )

    def set_status(self, device_id: str, status: str) -> None:
        with self._lock:
            state = self._states.get(device_id)
            if state is not None:
                self._states[device_id] = replace(state, status=status, status_at=self._clock())

    def get(self, device_id: str) -> DeviceState | None:
        with self._lock:
            return self._states.get(device_id)

    def snapshot(self) -> dict[str, DeviceState]:
        with self._lock:
            return dict(self._states)
