"""Reads the time-series store (and the camera and alert services) for a month's sensor-derived figures."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from indicators.models import Figure
from indicators.sensor_kpis import (
    HOUR,
    SOURCE,
    AlertAcks,
    CameraUptime,
    Device,
    Hourly,
    air_hours,
    exceedance_days,
    flood_figures,
    flood_levels,
    hours_between,
    month_bounds,
)
from sensors.aqi_tables import Pollutant

log = logging.getLogger(__name__)
PM_FIELDS = {"pm25": Pollutant.PM25, "pm10": Pollutant.PM10}


@dataclass(frozen=True, slots=True)
class SensorSources:
    """Where sensor-derived figures come from; any part may be missing (its figures are then not produced)."""

    store: Any = None  # ingest.store.Store
    devices: Sequence[Device] = ()
    cameras: CameraUptime | None = None
    alerts: AlertAcks | None = None


def _hourly(store: Any, device: Device, field: str, start: datetime, end: datetime, agg: str) -> Hourly:
    points = store.series(device.kind, device.id, field, start, end, 3600, agg)
    return {p.ts: p.value for p in points}


def _air(
    sources: SensorSources, start: datetime, end: datetime, tz: ZoneInfo, limits: Mapping[int, float]
) -> dict[str, float]:
    measured = ok = 0
    over: set = set()
    days = sorted({h.astimezone(tz).date() for h in hours_between(start, end)})
    for device in (d for d in sources.devices if d.kind == "air"):
        pm = {
            pol: _hourly(sources.store, device, f, start - 11 * HOUR, end, "mean")
            for f, pol in PM_FIELDS.items()
        }
        n, good = air_hours(pm, hours_between(start, end))
        measured, ok = measured + n, ok + good
        over |= exceedance_days(pm[Pollutant.PM25], days, tz, limits)
    if measured == 0:
        return {}
    return {
        "air_hours_measured": float(measured),
        "air_hours_aqi_ok": float(ok),
        "pm25_days_over_limit": float(len(over)),
    }


def _flood(sources: SensorSources, start: datetime, end: datetime, tz: ZoneInfo) -> dict[str, float]:
    """Hours at each level, every hour judged by the lines its point had on that (local) day."""
    points: list[tuple[Hourly, tuple[float, float, float]]] = []
    for device in (d for d in sources.devices if d.kind == "flood" and d.alarm_levels_cm):
        by_day: dict[date, dict[datetime, float]] = {}
        for hour, level_cm in _hourly(sources.store, device, "water_level_cm", start, end, "max").items():
            by_day.setdefault(hour.astimezone(tz).date(), {})[hour] = level_cm
        points += [(hours, lines) for day, hours in by_day.items() if (lines := device.lines_on(day))]
    return flood_figures(flood_levels(points))


def compute_month(
    sources: SensorSources,
    commune: str,
    month: str,
    tz: ZoneInfo,
    limits: Mapping[int, float],
    now: datetime | None = None,
) -> list[Figure]:
    """The month's sensor-derived figures for the commune (up to `now` for the running month)."""
    start, end = month_bounds(month, tz)
    if now is not None:
        end = min(end, now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
    values: dict[str, float | None] = {}
    if sources.store is not None and end > start:
        values |= _air(sources, start, end, tz, limits)
        values |= _flood(sources, start, end, tz)
    if sources.cameras is not None:
        values["camera_online_pct"] = sources.cameras.camera_availability(start, end)
    if sources.alerts is not None:
        values["alert_ack_median_minutes"] = sources.alerts.median_ack_minutes(start, end)
    return [
        Figure(commune, month, metric, round(value, 3), SOURCE)
        for metric, value in values.items()
        if value is not None
    ]
