"""The hourly VN_AQI of an air device from the store's hourly means: the air rule's `air_index` provider."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from sensors.aqi import NOWCAST_HOURS, hourly_aqi, last_hours
from sensors.aqi_tables import Standard

log = logging.getLogger(__name__)
PM_FIELDS = ("pm25", "pm10")


class StoreAirIndex:
    """`air_index(device_id, now) -> int | None` over a `Store`: NowCast of the last 12 hourly means (1459).

    Cached per device for `cache_s` seconds so a fast device does not query the store on every reading.
    """

    def __init__(self, store: Any, cache_s: float = 60.0) -> None:
        self.store = store
        self.cache_s = cache_s
        self._cache: dict[str, tuple[datetime, int | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, device_id: str, now: datetime) -> int | None:
        with self._lock:
            hit = self._cache.get(device_id)
        if hit is not None and abs((now - hit[0]).total_seconds()) < self.cache_s:
            return hit[1]
        value = self._compute(device_id, now)
        with self._lock:
            self._cache[device_id] = (now, value)
        return value

    def _compute(self, device_id: str, now: datetime) -> int | None:
        start = now - timedelta(hours=NOWCAST_HOURS)
        hours: dict[str, list[float | None]] = {}
        try:
            for field in PM_FIELDS:
                end = now + timedelta(seconds=1)
                points = self.store.series("air", device_id, field, start, end, 3600, "mean")
                hours[field] = last_hours(((p.ts, p.value) for p in points), now)
        except Exception as exc:  # noqa: BLE001 - the store being down must not stop the rules
            log.debug("alerts: no air index for %s: %s", device_id, exc)
            return None
        result = hourly_aqi(Standard.VN, {k: v for k, v in hours.items() if any(x is not None for x in v)})
        return None if result is None else result.value
