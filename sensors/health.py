"""Device health (pure): online / stale / offline, stuck values, low battery, hourly data completeness."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from sensors.models import Connectivity, DeviceHealth, DeviceKind, HourCompleteness
from sensors.settings import SensorConfig

STALE_AFTER_INTERVALS = 1.5  # one reading late (with slack for jitter)
OFFLINE_AFTER_INTERVALS = 3.0  # three missed readings (DESIGN: offline after 3 missed intervals)
MAIN_FIELD = {"air": "pm25", "flood": "water_level_cm"}


def offline_status_holds(status: str | None, status_at: datetime | None, reading_ts: datetime | None) -> bool:
    """Does a device's `offline` status still stand? A status message carries no time of its own, so it counts
    from when it arrived (`status_at`); a reading taken after that (`reading_ts`) is fresher and wins."""
    if status != "offline":
        return False
    return status_at is None or reading_ts is None or reading_ts <= status_at


def connectivity(interval_s: float, last_seen: datetime | None, status: str | None,
                 now: datetime, status_at: datetime | None = None,
                 last_ts: datetime | None = None) -> Connectivity:
    """Offline when its last will says so (unless a reading newer than that status came in, see
    `offline_status_holds`) or 3 intervals passed; stale after 1.5; never when unseen."""
    if status == "offline" and offline_status_holds(status, status_at, last_ts):
        return Connectivity.OFFLINE
    if last_seen is None:
        return Connectivity.NEVER
    age = (now - last_seen).total_seconds()
    if age > OFFLINE_AFTER_INTERVALS * interval_s:
        return Connectivity.OFFLINE
    if age > STALE_AFTER_INTERVALS * interval_s:
        return Connectivity.STALE
    return Connectivity.ONLINE


def is_stuck(values: Sequence[float], readings: int | None) -> bool:
    """True when the last `readings` values are all exactly the same (a frozen sensor); None disables."""
    if readings is None or len(values) < readings:
        return False
    tail = values[-readings:]
    return all(v == tail[0] for v in tail)


def battery_low(battery_v: float | None, threshold_v: float) -> bool:
    """True when a reported battery voltage is under the threshold; no report is not low."""
    return battery_v is not None and battery_v < threshold_v


def expected_per_hour(interval_s: float) -> int:
    """Readings an hour should bring at the device's interval (at least 1)."""
    return max(1, math.floor(3600 / interval_s))


def completeness(timestamps: Iterable[datetime], interval_s: float, start: datetime,
                 end: datetime) -> list[HourCompleteness]:
    """Per whole hour in [start, end): readings received against expected (distinct timestamps)."""
    first = start.replace(minute=0, second=0, microsecond=0)
    counts: dict[datetime, set[datetime]] = {}
    for ts in timestamps:
        if start <= ts < end:
            counts.setdefault(ts.replace(minute=0, second=0, microsecond=0), set()).add(ts)
    expected = expected_per_hour(interval_s)
    rows = []
    hour = first
    while hour < end:
        received = len(counts.get(hour, ()))
        rows.append(HourCompleteness(hour, received, expected, min(1.0, received / expected)))
        hour += timedelta(hours=1)
    return rows


def assess(sensor: SensorConfig, last_seen: datetime | None, status: str | None,
           recent: Sequence[tuple[datetime, Mapping[str, float]]], now: datetime) -> DeviceHealth:
    """All health checks of one configured device from its recent readings (time, fields), oldest first;
    completeness is that of the last whole hour."""
    main = MAIN_FIELD.get(sensor.kind.value, "")
    values = [f[main] for _, f in recent if main in f]
    battery = next((f["battery_v"] for _, f in reversed(recent) if "battery_v" in f), None)
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    stamps = [ts for ts, _ in recent]
    last_hour = completeness(stamps, sensor.interval_s, hour_start - timedelta(hours=1), hour_start)
    return DeviceHealth(
        sensor.id,
        connectivity(sensor.interval_s, last_seen, status, now),
        None if last_seen is None else (now - last_seen).total_seconds(),
        is_stuck(values, sensor.stuck_readings),
        sensor.kind is DeviceKind.FLOOD and battery_low(battery, sensor.battery_low_v),
        last_hour[-1].ratio,
    )
