"""The fields each device kind may send, with units and the physically possible range (a table, not branches)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sensors.models import DeviceKind


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One numeric payload field of a device kind."""

    name: str
    unit: str
    low: float
    high: float
    required: bool = False
    label_vi: str = ""
    label_en: str = ""


FIELDS: dict[DeviceKind, tuple[FieldSpec, ...]] = {
    DeviceKind.AIR: (
        FieldSpec("pm1", "µg/m³", 0, 1000, label_vi="Bụi PM1", label_en="PM1"),
        FieldSpec("pm25", "µg/m³", 0, 1000, label_vi="Bụi PM2.5", label_en="PM2.5"),
        FieldSpec("pm10", "µg/m³", 0, 1000, label_vi="Bụi PM10", label_en="PM10"),
        FieldSpec("temperature", "°C", -20, 60, label_vi="Nhiệt độ", label_en="Temperature"),
        FieldSpec("humidity", "%", 0, 100, label_vi="Độ ẩm", label_en="Humidity"),
        FieldSpec("co2", "ppm", 250, 10000, label_vi="CO₂", label_en="CO₂"),
    ),
    DeviceKind.FLOOD: (
        FieldSpec("water_level_cm", "cm", -100, 2000, required=True, label_vi="Mực nước", label_en="Water level"),
        FieldSpec("rain_mm", "mm", 0, 500, label_vi="Lượng mưa", label_en="Rain"),
        FieldSpec("battery_v", "V", 0, 30, label_vi="Pin", label_en="Battery"),
    ),
}


@cache
def field_specs(kind: DeviceKind) -> dict[str, FieldSpec]:
    """The field table of one kind, keyed by field name (built once; do not modify)."""
    return {spec.name: spec for spec in FIELDS[kind]}
