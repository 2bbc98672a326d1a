"""What the province wall shows of each commune: its worst open alarm, its air index and flood level, its devices
online. Pure functions over what the commune's own wall reads (its sensor documents, as /api/sensors gives them,
and its open alarms)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from alerts.models import SEVERITY_ORDER

SEVERITY_RANK = {s.value: i for i, s in enumerate(SEVERITY_ORDER)}


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
    critical: list[dict[str, Any]] = field(default_factory=list)  # unacknowledged critical alarms, newest first


def worst_severity(alerts: Sequence[dict[str, Any]]) -> str | None:
    """The highest severity among these alarms (JSON objects), None without any."""
    found = [str(a.get("severity")) for a in alerts]
    return max(found, key=lambda s: SEVERITY_RANK.get(s, -1)) if found else None


def worst_air(sensors: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The air monitor document with the highest VN_AQI (None: no index anywhere)."""
    best = None
    for doc in sensors:
        index = ((doc.get("aqi") or {}).get("vn") or {}).get("value")
        if index is not None and (best is None or index > best[0]):
            best = (index, doc)
    return best[1] if best else None


def worst_flood(sensors: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The flood point document with the highest alarm level (then the highest water), None without a level."""
    best = None
    for doc in sensors:
        flood = doc.get("flood") or {}
        if flood.get("water_level_cm") is None:
            continue
        key = (int(flood.get("alarm_level") or 0), float(flood["water_level_cm"]))
        if best is None or key > best[0]:
            best = (key, doc)
    return best[1] if best else None


def summarise(commune: Any, location: Any, sensors: Sequence[dict[str, Any]],
              active: Sequence[dict[str, Any]]) -> CommuneSummary:
    """One commune's line on the province wall from its sensor documents and its open alarms (JSON objects)."""
    unack = [a for a in active if a.get("status") in ("open", "cleared")]
    air, flood = worst_air(sensors), worst_flood(sensors)
    vn = ((air or {}).get("aqi") or {}).get("vn") or {}
    level = (flood or {}).get("flood") or {}
    critical = sorted((a for a in unack if a.get("severity") == "critical"),
                      key=lambda a: str(a.get("opened_at") or ""), reverse=True)
    return CommuneSummary(
        id=commune.id, name=commune.name, lat=location.lat if location else None,
        lon=location.lon if location else None, worst_severity=worst_severity(active), open_alarms=len(active),
        unacknowledged=len(unack), air_index=vn.get("value"), air_colour=vn.get("colour"),
        air_label=vn.get("label_vi"), air_device=(air or {}).get("name"),
        flood_level=int(level.get("alarm_level") or 0), water_level_cm=level.get("water_level_cm"),
        flood_device=(flood or {}).get("name"), devices_online=sum(1 for d in sensors if d.get("online")),
        devices=len(sensors), web_url=commune.web_url, critical=critical[:3],
    )
