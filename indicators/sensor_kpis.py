"""Sensor-derived figures COC computes itself for a month: hours with VN_AQI ≤ 100, PM2.5 exceedance days
(QCVN 05:2023), hours at or above each flood alarm level, camera availability, median time to acknowledge.

The hourly VN_AQI comes from sensors/aqi.py (NowCast of the last 12 hourly PM means, 1459/QĐ-TCMT).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sensors.aqi import nowcast, sub_index
from sensors.aqi_tables import Pollutant, Standard
from sensors.flood import alarm_level

HOUR = timedelta(hours=1)
AQI_GOOD_MAX = 100
MIN_HOURS_PER_DAY = 18  # a daily mean needs 75 % of the day's hourly means (COC's completeness rule)
SOURCE = "computed"


class CameraUptime(Protocol):
    """Share of time the cameras were online, in percent, or None without data."""

    def camera_availability(self, start: datetime, end: datetime) -> float | None: ...


class AlertAcks(Protocol):
    """Median minutes from an alert's opening to its acknowledgement, or None when none was acknowledged."""

    def median_ack_minutes(self, start: datetime, end: datetime) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Device:
    """A field device the computation reads: air monitors, and flood points with their alarm levels."""

    id: str
    kind: str
    alarm_levels_cm: tuple[float, float, float] | None = None
    levels_on: Callable[[date], tuple[float, float, float] | None] | None = None  # lines in force on a past day

    def lines_on(self, day: date) -> tuple[float, float, float] | None:
        """The alarm lines that judged `day`: the ones in force then when their history is known."""
        return self.levels_on(day) if self.levels_on is not None else self.alarm_levels_cm


Hourly = Mapping[datetime, float]


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC start and end of a local calendar month '2025-06'."""
    year, mon = int(month[:4]), int(month[5:7])
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return (
        datetime.combine(date(year, mon, 1), time(0), tz).astimezone(UTC),
        datetime.combine(nxt, time(0), tz).astimezone(UTC),
    )


def hours_between(start: datetime, end: datetime) -> list[datetime]:
    out, hour = [], start
    while hour < end:
        out.append(hour)
        hour += HOUR
    return out


def hourly_vn_aqi(pm: Mapping[Pollutant, Hourly], hour: datetime) -> int | None:
    """The station's VN_AQI for one hour: the highest PM sub-index of the NowCast ending at `hour`."""
    subs = []
    for pollutant, series in pm.items():
        concentration = nowcast([series.get(hour - i * HOUR) for i in range(12)])
        index = sub_index(Standard.VN, pollutant, concentration)
        if index is not None:
            subs.append(index)
    return max(subs) if subs else None


def air_hours(pm: Mapping[Pollutant, Hourly], hours: Sequence[datetime]) -> tuple[int, int]:
    """(hours with an index, hours with VN_AQI ≤ 100) for one monitor."""
    indices = [i for h in hours if (i := hourly_vn_aqi(pm, h)) is not None]
    return len(indices), sum(1 for i in indices if i <= AQI_GOOD_MAX)


def pm25_limit(limits: Mapping[int, float], day: date) -> float:
    """The QCVN 05:2023 24-hour PM2.5 limit that applies on a day (50 µg/m³, 45 from 2026)."""
    years = [y for y in limits if y <= day.year] or [min(limits)]
    return limits[max(years)]


def exceedance_days(
    pm25: Hourly, days: Sequence[date], tz: ZoneInfo, limits: Mapping[int, float]
) -> set[date]:
    """Local days whose mean of hourly PM2.5 means is above the limit (days under 18 hours are skipped)."""
    over = set()
    for day in days:
        start = datetime.combine(day, time(0), tz).astimezone(UTC)
        values = [v for h in hours_between(start, start + 24 * HOUR) if (v := pm25.get(h)) is not None]
        if len(values) >= MIN_HOURS_PER_DAY and sum(values) / len(values) > pm25_limit(limits, day):
            over.add(day)
    return over


def flood_levels(points: Sequence[tuple[Hourly, tuple[float, float, float]]]) -> dict[datetime, int]:
    """Per hour with data, the highest alarm level (0..3) any flood point reached (hourly maximum level)."""
    levels: dict[datetime, int] = {}
    for series, lines in points:
        for hour, level_cm in series.items():
            levels[hour] = max(levels.get(hour, 0), alarm_level(level_cm, lines))
    return levels


def flood_figures(levels: Mapping[datetime, int]) -> dict[str, float]:
    """Hours at or above each alarm level, when there is any flood data at all."""
    if not levels:
        return {}
    return {f"flood_hours_level_{n}": float(sum(1 for v in levels.values() if v >= n)) for n in (1, 2, 3)}
