"""Simulation scenarios as pure curves: normal days, a storm through báo động I–III and back, smog."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STORM_RISE = timedelta(hours=1)  # base level → above báo động III
STORM_FALL = timedelta(hours=1)  # and back down
STORM_CALM = timedelta(minutes=30)  # steady water before the next storm
STORM_RAIN_MM_PER_H = 40.0


class Scenario(StrEnum):
    """What the simulated devices go through (`simulate --scenario`)."""

    NORMAL = "normal"
    STORM = "storm"
    SMOG = "smog"


def noise(seed: int, device_id: str, channel: str, t: datetime) -> float:
    """Deterministic noise in [-1, 1] for one device, channel and second (same seed → same values)."""
    key = f"{seed}|{device_id}|{channel}|{int(t.timestamp())}".encode()
    number = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
    return number / 2**63 - 1.0


def _bump(hour: float, centre: float, width: float) -> float:
    distance = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-0.5 * (distance / width) ** 2)


def daily_pm25(local_hour: float) -> float:
    """A rural commune's PM2.5 day in µg/m³: low at midday, peaks at 6–8 h and 18–20 h
    (cooking, straw burning)."""
    return 16.0 + 26.0 * _bump(local_hour, 7.0, 1.3) + 34.0 * _bump(local_hour, 19.0, 1.6)


def smog_pm25(elapsed: timedelta, local_hour: float) -> float:
    """A smog episode: from a normal day into VN_AQI 'Xấu' (~115 µg/m³) in an hour, 'Rất xấu'
    (~200 µg/m³) after 3 to 4 hours."""
    hours = elapsed.total_seconds() / 3600
    steps = ((0.0, daily_pm25(local_hour)), (1.0, 115.0), (3.0, 115.0), (4.0, 200.0))
    level = steps[-1][1]
    for (h0, v0), (h1, v1) in zip(steps, steps[1:], strict=False):
        if hours < h1:
            level = v0 + (v1 - v0) * max(0.0, hours - h0) / (h1 - h0)
            break
    return level * (1 + 0.08 * math.sin(2 * math.pi * local_hour / 24))


def daily_humidity(local_hour: float) -> float:
    """Relative humidity in %: wetter at night, driest mid-afternoon."""
    return 80.0 - 12.0 * _bump(local_hour, 14.0, 3.5)


def daily_temperature(local_hour: float) -> float:
    """Air temperature in °C: 24 at dawn, 32 mid-afternoon."""
    return 24.0 + 8.0 * _bump(local_hour, 14.0, 3.5)


def storm_shape(elapsed: timedelta) -> float:
    """0 (base level) → 1 (peak above báo động III) over STORM_RISE, back to 0 over STORM_FALL, then calm;
    the cycle repeats."""
    cycle = STORM_RISE + STORM_FALL + STORM_CALM
    into = elapsed % cycle
    if into < STORM_RISE:
        return math.sin(0.5 * math.pi * (into / STORM_RISE))
    if into < STORM_RISE + STORM_FALL:
        return math.cos(0.5 * math.pi * ((into - STORM_RISE) / STORM_FALL))
    return 0.0


@dataclass(frozen=True, slots=True)
class WaterCurve:
    """Base and peak water levels of a flood point, from its alarm lines."""

    base_cm: float
    peak_cm: float


def water_curve(levels_cm: tuple[float, float, float]) -> WaterCurve:
    """Steady water well below báo động I; a storm peak 15 % of the II–III gap above báo động III."""
    one, two, three = levels_cm
    return WaterCurve(base_cm=one - 0.4 * (two - one), peak_cm=three + 0.15 * (three - two))


def water_level(scenario: Scenario, curve: WaterCurve, elapsed: timedelta) -> float:
    """Water level in cm: steady in normal and smog, through the lines and back in a storm."""
    if scenario is not Scenario.STORM:
        return curve.base_cm
    return curve.base_cm + (curve.peak_cm - curve.base_cm) * storm_shape(elapsed)


def rain_mm_per_h(scenario: Scenario, elapsed: timedelta) -> float:
    """Rain intensity: none outside a storm, heaviest while the water rises."""
    if scenario is not Scenario.STORM:
        return 0.0
    return STORM_RAIN_MM_PER_H * storm_shape(elapsed + timedelta(minutes=10))


PM25_CURVES: dict[Scenario, Callable[[timedelta, float], float]] = {
    Scenario.NORMAL: lambda _elapsed, hour: daily_pm25(hour),
    Scenario.STORM: lambda _elapsed, hour: 0.6 * daily_pm25(hour),  # rain washes the air
    Scenario.SMOG: smog_pm25,
}
