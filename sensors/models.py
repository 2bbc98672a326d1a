"""The types the sensors domain hands to other folders: device kinds and readings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DeviceKind(StrEnum):
    """Closed vocabulary of device kinds; each is an MQTT topic segment and a store measurement."""

    AIR = "air"
    FLOOD = "flood"


@dataclass(frozen=True, slots=True)
class Reading:
    """One timestamped set of numeric fields from one device.

    `ts` is always timezone-aware UTC; `fields` maps field name (e.g. ``pm25``) to a finite float.
    """

    device_id: str
    kind: str
    ts: datetime
    fields: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None or self.ts.utcoffset() is None:
            raise ValueError("Reading.ts must be timezone-aware (UTC)")


@dataclass(frozen=True, slots=True)
class AqiResult:
    """One air-quality index value on one scale, ready to show.

    `standard` is ``vn`` (VN_AQI) or ``us`` (US EPA AQI); `category` a key of `sensors.aqi_tables.CATEGORIES`;
    `dominant` the pollutant with the highest sub-index; `nowcast` the PM2.5 concentration the index used
    (µg/m³, NowCast for hourly values, 24-hour mean for daily ones); `indicative` marks a low-cost-sensor or
    humid-air value ("tham khảo").
    """

    standard: str
    value: int
    category: str
    label_vi: str
    label_en: str
    colour: str
    dominant: str
    nowcast: float | None = None
    indicative: bool = False
    sub_indices: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FloodStatus:
    """A flood point now: level against its alarm lines (báo động I, II, III), trend, time to the next line.

    `alarm_level` is 0 (below I) .. 3 (at or above III); `minutes_to_next_level` is None unless the water
    rises and a higher line is left; `thresholds_cm` are the lines in force today.
    """

    water_level_cm: float | None
    alarm_level: int
    trend_cm_per_h: float | None
    minutes_to_next_level: float | None
    thresholds_cm: tuple[float, float, float]
    label_vi: str
    label_en: str
    colour: str


class Connectivity(StrEnum):
    """How recently a device was heard from: online, stale (a reading late), offline, or never seen."""

    ONLINE = "online"
    STALE = "stale"
    OFFLINE = "offline"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class HourCompleteness:
    """How many of an hour's expected readings arrived (`ratio` 0..1, capped at 1)."""

    hour: datetime
    received: int
    expected: int
    ratio: float


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    """A device's health at one moment: connectivity, stuck value, low battery, last hour's completeness."""

    device_id: str
    connectivity: Connectivity
    age_s: float | None
    stuck: bool
    battery_low: bool
    completeness: float | None


@dataclass(frozen=True, slots=True)
class SimDevice:
    """A simulated field device: id, kind, reading interval and, for flood points, alarm lines and gauge
    range (cm)."""

    id: str
    kind: DeviceKind
    interval_s: float = 60.0
    alarm_levels_cm: tuple[float, float, float] | None = None
    range_cm: tuple[float, float] = (-100.0, 2000.0)


@dataclass(frozen=True, slots=True)
class RiskAnnouncement:
    """The disaster risk level (1–5, Decision 18/2021/QĐ-TTg) staff entered from an official bulletin.

    `level` None means no level is announced now; COC never computes it.
    """

    level: int | None
    note: str
    hazard: str
    set_by: str
    set_at: datetime
