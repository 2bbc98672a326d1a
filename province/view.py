"""What the province wall shows of each commune: its worst open alarm, its air index and flood level, its devices
online. Pure functions over what the commune's own wall reads (its devices' views, dashboard.read.sensors, and its
open alarms)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from alerts.models import Alert, Severity, Status
from config.section import Location
from dashboard.read.sensors import SensorView

WAITING = (Status.OPEN, Status.CLEARED)  # not yet acknowledged: active, or returned to normal


class CommuneEntry(Protocol):
    """A commune of the province (province.settings.ProvinceCommune)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def web_url(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class CommuneSummary:
    """One commune on the province wall."""

    id: str
    name: str
    lat: float | None
    lon: float | None
    worst_severity: str | None  # of its open alarms (None: none open)
    open_alarms: int
    unacknowledged: int
    air_index: int | None  # worst VN_AQI of its air monitors now (the hourly index its wall shows)
    air_colour: str | None
    air_label: str | None
    air_device: str | None
    flood_level: int  # highest alarm level (0..3) of its flood points now
    water_level_cm: float | None
    flood_device: str | None
    devices_online: int
    devices: int
    web_url: str | None = None
    critical: tuple[Alert, ...] = field(default_factory=tuple)  # unacknowledged critical alarms, newest first


def worst_severity(alerts: Sequence[Alert]) -> str | None:
    """The highest severity among these alarms, None without any."""
    return max((a.severity for a in alerts), key=lambda s: s.rank).value if alerts else None


def worst_air(sensors: Sequence[SensorView]) -> SensorView | None:
    """The air monitor with the highest VN_AQI (None: no index anywhere)."""
    indexed = [s for s in sensors if s.index is not None]
    return max(indexed, key=lambda s: s.index.value if s.index else -1, default=None)


def worst_flood(sensors: Sequence[SensorView]) -> SensorView | None:
    """The flood point with the highest alarm level (then the highest water), None without a level."""
    measured = [s for s in sensors if s.flood is not None and s.flood.status.water_level_cm is not None]

    def key(s: SensorView) -> tuple[int, float]:
        status = s.flood.status if s.flood else None
        return (status.alarm_level, status.water_level_cm or 0.0) if status else (0, 0.0)

    return max(measured, key=key, default=None)


def summarise(commune: CommuneEntry, location: Location | None, sensors: Sequence[SensorView],
              active: Sequence[Alert]) -> CommuneSummary:
    """One commune's line on the province wall from its devices' views and its open alarms."""
    unack = [a for a in active if a.status in WAITING]
    air, flood = worst_air(sensors), worst_flood(sensors)
    index = air.index if air else None
    status = flood.flood.status if flood and flood.flood else None
    critical = sorted((a for a in unack if a.severity is Severity.CRITICAL), key=lambda a: a.opened_at,
                      reverse=True)
    return CommuneSummary(
        id=commune.id, name=commune.name, lat=location.lat if location else None,
        lon=location.lon if location else None, worst_severity=worst_severity(active), open_alarms=len(active),
        unacknowledged=len(unack), air_index=index.value if index else None,
        air_colour=index.colour if index else None, air_label=index.label_vi if index else None,
        air_device=air.name if air else None, flood_level=status.alarm_level if status else 0,
        water_level_cm=status.water_level_cm if status else None, flood_device=flood.name if flood else None,
        devices_online=sum(1 for d in sensors if d.online), devices=len(sensors), web_url=commune.web_url,
        critical=tuple(critical[:3]),
    )
