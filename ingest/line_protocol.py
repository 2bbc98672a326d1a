"""InfluxDB line protocol: escaping of measurement, tag and field names and values (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from sensors.models import Reading

_MEASUREMENT = str.maketrans({",": r"\,", " ": r"\ ", "\n": r"\n", "\r": r"\r", "\t": r"\t"})
_TAG = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ ", "\n": r"\n", "\r": r"\r", "\t": r"\t"})


def escape_measurement(name: str) -> str:
    """Commas and spaces escaped; newlines escaped so a name can never start a new point."""
    return name.replace("\\", "/").translate(_MEASUREMENT)


def stored_tag(value: str) -> str:
    """The tag value InfluxDB keeps for `value`: backslashes as '/', control characters as visible \\n, \\r, \\t."""
    return value.replace("\\", "/").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def escape_key(name: str) -> str:
    """Tag keys, tag values and field keys: commas, equals signs and spaces escaped, newlines neutralised.

    A backslash becomes '/': InfluxDB 1.x reads `\\` as a literal backslash followed by an escape, so no spelling
    of a backslash before a space or comma survives every version (COC's ids cannot contain one anyway)."""
    return name.replace("\\", "/").translate(_TAG)


def format_field_value(value: float | int | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        value = float(value)  # always float so a field never changes type between points
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("line protocol cannot carry NaN or infinity")
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def format_point(measurement: str, tags: Mapping[str, str], fields: Mapping[str, float | int | bool | str],
                 ts_ns: int) -> str:
    """One point: `measurement,tag=v field=1.0 <ns>`; tags sorted by key as InfluxDB prefers."""
    tag_part = "".join(
        f",{escape_key(k)}={escape_key(v)}" for k, v in sorted(tags.items()) if v != ""
    )
    field_part = ",".join(f"{escape_key(k)}={format_field_value(v)}" for k, v in fields.items())
    return f"{escape_measurement(measurement)}{tag_part} {field_part} {ts_ns}"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ns(ts: datetime) -> int:
    """Exact integer nanoseconds since the epoch (no float rounding)."""
    return ((ts - EPOCH) // timedelta(microseconds=1)) * 1000


def readings_to_lines(readings: Iterable[Reading], commune: str, units: Mapping[str, str] | None = None) -> str:
    """A batch of readings as line protocol, one point per reading (measurement = kind, tags device and commune,
    and former_unit for a device of a former commune: `units` maps device id → former unit id)."""
    units = units or {}
    lines = [
        format_point(r.kind, point_tags(r.device_id, commune, units.get(r.device_id)), r.fields, to_ns(r.ts))
        for r in readings if r.fields
    ]
    return "\n".join(lines)


def point_tags(device_id: str, commune: str, former_unit: str | None) -> dict[str, str]:
    """The tags of one device's points; `former_unit` only when the device belongs to one."""
    tags = {"device": device_id, "commune": commune}
    if former_unit:
        tags["former_unit"] = former_unit
    return tags
