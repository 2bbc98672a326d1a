"""The `sensor_extras(ctx, sensor, state)` hook of GET /api/sensors: AQI of air devices, flood status of
flood points, computed from the store with the sensors domain (sensors.aqi, sensors.flood) and cached."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sensors.aqi import hourly_aqi, last_hours
from sensors.aqi_tables import Standard
from sensors.flood import flood_status
from sensors.settings import SensorConfig

CACHE_S = 30.0
AQI_FIELDS = ("pm25", "pm10")
_cache: dict[tuple[int, str], tuple[float, Any, Any]] = {}
_lock = threading.Lock()


def _series(
    ctx: Any, sensor: SensorConfig, field: str, start: datetime, end: datetime, every_s: int
) -> list[tuple[datetime, float]]:
    if ctx.store is None:
        return []
    try:
        return [
            (p.ts, p.value)
            for p in ctx.store.series(sensor.kind.value, sensor.id, field, start, end, every_s)
        ]
    except Exception:  # a store that is down gives no extras, never a failed page
        return []


def _cached(ctx: Any, sensor: SensorConfig, stamp: Any, build: Any) -> Any:
    key = (id(ctx), sensor.id)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and hit[1] == stamp and now - hit[0] < CACHE_S:
            return hit[2]
    value = build()
    with _lock:
        _cache[key] = (now, stamp, value)
    return value


def air_document(ctx: Any, sensor: SensorConfig, state: Any, now: datetime) -> dict[str, Any]:
    """{"aqi": {"vn", "us", "category", "colour", "dominant", "indicative", ...}} from 12 hourly means."""
    start = now - timedelta(hours=13)
    hours = {
        f: last_hours(_series(ctx, sensor, f, start, now + timedelta(seconds=1), 3600), now)
        for f in AQI_FIELDS
    }
    humidity = (state.values.get("humidity") if state is not None else None) or 0.0
    indicative = humidity > getattr(sensor, "humidity_indicative_pct", 90.0)
    vn = hourly_aqi(Standard.VN, hours, indicative)
    us = hourly_aqi(Standard.US, hours, indicative)
    if vn is None:
        return {"aqi": None}
    return {
        "aqi": {
            "vn": vn.value,
            "us": us.value if us else None,
            "category": vn.category,
            "label_vi": vn.label_vi,
            "label_en": vn.label_en,
            "colour": vn.colour,
            "dominant": vn.dominant,
            "indicative": vn.indicative,
            "nowcast_pm25": vn.nowcast,
            "us_category": us.category if us else None,
            "us_colour": us.colour if us else None,
        }
    }


def flood_document(ctx: Any, sensor: SensorConfig, state: Any, now: datetime) -> dict[str, Any]:
    """{"flood": {"water_level_cm", "alarm_level", "trend_cm_per_h", "minutes_to_next_level", ...}}."""
    recent = _series(ctx, sensor, "water_level_cm", now - timedelta(hours=2), now + timedelta(seconds=1), 60)
    if state is not None and state.last_ts is not None and "water_level_cm" in state.values:
        recent = [p for p in recent if p[0] < state.last_ts] + [
            (state.last_ts, state.values["water_level_cm"])
        ]
    status = flood_status(tuple(sensor.alarm_levels_cm or ()), recent)  # type: ignore[arg-type]
    return {
        "flood": {
            "water_level_cm": status.water_level_cm,
            "alarm_level": status.alarm_level,
            "trend_cm_per_h": status.trend_cm_per_h,
            "minutes_to_next_level": status.minutes_to_next_level,
            "thresholds_cm": list(status.thresholds_cm),
            "label_vi": status.label_vi,
            "label_en": status.label_en,
            "colour": status.colour,
        }
    }


def sensor_extras(ctx: Any, sensor: SensorConfig, state: Any) -> dict[str, Any]:
    """The extras of one device for /api/sensors and the pages (install as ctx.extras["sensor_extras"])."""
    now = ctx.live.now() if ctx.live is not None else datetime.now().astimezone()
    stamp = (state.last_ts, tuple(sorted(state.values.items()))) if state is not None else None
    if sensor.kind.value == "air":
        return _cached(ctx, sensor, stamp, lambda: air_document(ctx, sensor, state, now))
    if sensor.alarm_levels_cm:
        return _cached(ctx, sensor, stamp, lambda: flood_document(ctx, sensor, state, now))
    return {}
