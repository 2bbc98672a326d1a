"""Decoding and validation of device payloads: topic parsing, JSON, timestamps, field ranges (pure functions)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

import orjson

from camera.models import CameraEvent, EventPhase, EventType
from config.ids import LONG_ID_MAX, check_id, check_label, is_id, is_relative_path
from sensors.fields import FieldSpec, field_specs
from sensors.models import DeviceKind, Reading
from sensors.pamair import decode_pamair_items, is_pamair
from sensors.settings import SensorConfig

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(days=7)
EPOCH_MS_THRESHOLD = 100_000_000_000  # numbers above this are epoch milliseconds (year 5138 in seconds)
MAX_JSON_DEPTH = 16  # a COC payload is an array of flat objects (depth 2); PAM Air documents stay under 8
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = [1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256)]
COC_KEYS = frozenset({"ts"} | {name for kind in DeviceKind for name in field_specs(kind)})


@dataclass(frozen=True, slots=True)
class Topic:
    """A COC topic split into its parts: `<prefix>/<kind>/<device>/<channel>`."""

    kind: str
    device_id: str
    channel: str  # state, status, event


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one message gave: the accepted readings and a reason for each refused item."""

    readings: list[Reading] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)


def parse_topic(topic: str, prefix: str) -> Topic | None:
    """Split a topic under `prefix`; None when it is not `<prefix>/<kind>/<device>/<channel>` with each part an
    identifier (config/ids.py: no quotes, spaces or control characters)."""
    if not topic.startswith(prefix + "/"):
        return None
    parts = topic[len(prefix) + 1:].split("/")
    if len(parts) != 3 or not all(is_id(p) for p in parts):
        return None
    return Topic(parts[0], parts[1], parts[2])


def nested_too_deep(data: bytes, limit: int) -> bool:
    """True when JSON text opens arrays and objects more than `limit` levels deep at some point, closed or not
    (strings skipped; linear, without parsing, so it is safe on any input before a recursive parser sees it)."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    if len(brackets) <= limit:
        return False
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > limit


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _int_or_float(text: str) -> int | float:
    return int(text) if len(text) < 16 else float(text)  # as orjson: a huge integer is a float (or infinity)


def load_json(payload: bytes) -> Any:
    """A payload's JSON document; ValueError with the reason. A number too large for a float (1e400) is
    kept as infinity so that only its item is refused, not the whole array; NaN and Infinity are not JSON."""
    try:
        return orjson.loads(payload)  # orjson bounds the nesting itself (1024 levels), without recursion
    except orjson.JSONDecodeError as exc:
        if "infinity" not in str(exc):
            raise ValueError(f"not valid JSON: {str(exc)[:120]}") from None
    check_depth(payload)
    try:
        return json.loads(payload, parse_constant=_refuse_constant, parse_int=_int_or_float)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(f"not valid JSON: {str(exc)[:120]}") from None


def check_depth(payload: bytes) -> None:
    """Refuse a document nested deeper than any device sends, before code that may recurse over it."""
    if nested_too_deep(payload, MAX_JSON_DEPTH):
        raise ValueError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")


def _describe(value: Any) -> str:
    """A value's type and start for a refusal reason (containers by type only: never a deep repr)."""
    if isinstance(value, dict | list):
        return type(value).__name__
    return f"{type(value).__name__} {str(value)[:20]!r}"


def parse_ts(value: Any, now: datetime) -> datetime:
    """A payload's `ts` as aware UTC: ISO 8601 with offset, epoch seconds or epoch milliseconds; missing = now."""
    if value is None:
        return now
    if isinstance(value, bool):
        raise ValueError("ts must be ISO 8601 text or epoch seconds, not true/false")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"ts {value!r} is not a valid epoch time (not a finite number)")
        if value < 0:
            raise ValueError(f"ts {_short(value)} is not a valid epoch time (negative)")
        try:
            seconds = value / 1000 if value > EPOCH_MS_THRESHOLD else value
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"ts {_short(value)} is out of range (epoch seconds or milliseconds)") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"ts {value[:40]!r} is not ISO 8601 (e.g. 2026-11-23T14:05:00+07:00)") from None
        if parsed.tzinfo is None:
            raise ValueError(f"ts {value[:40]!r} has no UTC offset; add +07:00 or Z")
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"ts {value[:40]!r} is out of range in UTC") from None
    raise ValueError(f"ts must be text or a number, got {type(value).__name__}")


def _short(number: float) -> str:
    """A number for a reason, short even when it has hundreds of digits."""
    try:
        return f"{float(number):.6g}"
    except OverflowError:
        return "(a number too large for a float)"


def check_ts(ts: datetime, now: datetime) -> None:
    """Refuse readings from more than 5 minutes in the future or more than 7 days ago."""
    if ts - now > MAX_FUTURE:
        raise ValueError(f"ts {ts.isoformat()} is more than 5 minutes in the future (device clock wrong?)")
    if now - ts > MAX_AGE:
        raise ValueError(f"ts {ts.isoformat()} is more than 7 days old")


def decode_fields(item: Mapping[str, Any], specs: Mapping[str, FieldSpec],
                  ranges: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """The numeric fields of one payload object, each checked against its kind's table and range."""
    fields: dict[str, float] = {}
    for name, value in item.items():
        if name == "ts":
            continue
        spec = specs.get(name)
        if spec is None:
            raise ValueError(f"unknown field {name[:40]!r} (known: {', '.join(specs)})")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, got {_describe(value)}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{name} is not a finite number (too large: overflows to infinity)")
        low, high = ranges.get(name, (spec.low, spec.high))
        if not low <= number <= high:
            raise ValueError(f"{name}={number:g} {spec.unit} is outside {low:g}..{high:g}")
        fields[name] = number
    missing = [s.name for s in specs.values() if s.required and s.name not in fields]
    if missing:
        raise ValueError(f"missing required field {', '.join(missing)}")
    if not fields:
        raise ValueError(f"no measurement fields (expected some of {', '.join(specs)})")
    return fields


def sensor_ranges(sensor: SensorConfig) -> dict[str, tuple[float, float]]:
    """Per-device overrides of the kind's field ranges (the flood gauge's own range)."""
    if sensor.kind is DeviceKind.FLOOD:
        return {"water_level_cm": sensor.water_level_range_cm}
    return {}


def decode_state(payload: bytes, sensor: SensorConfig, now: datetime) -> Decoded:
    """Decode a state payload (object or array of objects) of a configured device; keep the good items."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return Decoded(rejects=[f"payload of {len(payload)} bytes is over the 64 KiB limit"])
    try:
        doc = load_json(payload)
    except ValueError as exc:
        return Decoded(rejects=[str(exc)])
    first = doc[0] if isinstance(doc, list) and doc else doc
    if sensor.kind is DeviceKind.AIR and not (isinstance(first, dict) and first.keys() <= COC_KEYS) \
            and is_pamair(doc):
        try:
            check_depth(payload)  # the PAM Air decoder prints values it refuses
        except ValueError as exc:
            return Decoded(rejects=[str(exc)])
        return decode_pamair_state(doc, sensor, now)
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        return Decoded(rejects=["empty array"])
    specs = field_specs(sensor.kind)
    ranges = sensor_ranges(sensor)
    readings: list[Reading] = []
    rejects: list[str] = []
    for index, item in enumerate(items):
        where = f"item {index}: " if isinstance(doc, list) else ""
        if not isinstance(item, dict):
            rejects.append(f"{where}expected a JSON object, got {type(item).__name__}")
            continue
        try:
            ts = parse_ts(item.get("ts"), now)
            check_ts(ts, now)
            readings.append(Reading(sensor.id, sensor.kind.value, ts, decode_fields(item, specs, ranges)))
        except ValueError as exc:
            rejects.append(f"{where}{exc}")
    return Decoded(readings, rejects)


def decode_pamair_state(doc: Any, sensor: SensorConfig, now: datetime) -> Decoded:
    """A PAM Air station document (its own field names, epoch-ms times) checked like COC's own JSON."""
    good, rejects = decode_pamair_items(doc, now)
    specs, readings = field_specs(sensor.kind), []
    for ts, fields in good:
        try:
            check_ts(ts, now)
            readings.append(Reading(sensor.id, sensor.kind.value, ts, decode_fields(fields, specs, {})))
        except ValueError as exc:
            rejects.append(f"PAM Air: {exc}")
    return Decoded(readings, rejects)


def decode_event(payload: bytes, camera_id: str, now: datetime) -> CameraEvent:
    """A camera event payload (`<prefix>/camera/<id>/event`); ValueError with the reason when it is not one."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload of {len(payload)} bytes is over the 64 KiB limit")
    check_depth(payload)  # Enum lookups print the value they refuse
    doc = load_json(payload)
    if not isinstance(doc, dict):
        raise ValueError("a camera event must be a JSON object")
    ts = parse_ts(doc.get("ts"), now)
    check_ts(ts, now)
    try:
        kind = EventType(doc.get("type"))
        phase = EventPhase(doc.get("phase", "start"))
    except ValueError:
        raise ValueError(
            f"type must be one of {', '.join(EventType)} and phase one of {', '.join(EventPhase)}"
        ) from None
    score = doc.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)
                              or not 0 <= score <= 1):
        raise ValueError("score must be a number from 0 to 1")
    text = {k: doc.get(k) for k in ("zone", "snapshot", "event_id")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise ValueError("zone, snapshot and event_id must be text")
    event_id, zone, snapshot = text["event_id"] or "", text["zone"], text["snapshot"]
    if snapshot and not is_relative_path(snapshot):
        raise ValueError("snapshot must be a relative path under the snapshot directory "
                         "(up to 4 names of A-Z a-z 0-9 - _ ., no '..')")
    if event_id:
        check_id(event_id, "event_id", LONG_ID_MAX)  # BadId is a ValueError: a dead letter with this reason
    if zone is not None:
        check_label(zone, "zone")
    return CameraEvent(camera_id, ts, kind, event_id, phase, zone, float(score) if score is not None else None,
                       snapshot)


def decode_status(payload: bytes) -> str | None:
    """`online` / `offline` (plain or as a JSON string); None for an empty (cleared) retained message."""
    text = payload.decode("utf-8", "replace").strip().strip('"').lower()
    if not text:
        return None
    if text not in ("online", "offline"):
        raise ValueError(f"status must be 'online' or 'offline', got {text[:40]!r}")
    return text
