"""PAM Air station JSON → COC readings: field-name aliases, epoch-millisecond times, checks, humidity flag."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sensors.fields import field_specs
from sensors.models import DeviceKind

DEFAULT_HUMIDITY_INDICATIVE_PCT = 90.0
EPOCH_MS_THRESHOLD = 100_000_000_000  # larger numbers are epoch milliseconds, smaller ones epoch seconds
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

# Lower-cased PAM Air / gateway key → COC field name (a new alias is one new row).
FIELD_ALIASES: dict[str, str] = {
    "pm25": "pm25", "pm2.5": "pm25", "pm2_5": "pm25", "pm2p5": "pm25",
    "pm1": "pm1", "pm1.0": "pm1", "pm1_0": "pm1",
    "pm10": "pm10",
    "humidity": "humidity", "hum": "humidity", "rh": "humidity",
    "temperature": "temperature", "temp": "temperature",
}
TIME_KEYS = ("time", "timestamp", "ts", "created_at", "longtime")
REQUIRED = ("pm25", "humidity", "temperature")
COC_KEYS = frozenset(name for kind in DeviceKind for name in field_specs(kind)) | {"ts"}


def is_pamair(doc: Any) -> bool:
    """True when a decoded JSON object (or the first of an array) uses a PAM Air name COC's JSON lacks
    (`PM2.5`, `hum`, `time` ...); an unknown key alone (`rssi`) does not make it PAM Air."""
    first = doc[0] if isinstance(doc, list) and doc else doc
    if not isinstance(first, Mapping):
        return False
    pamair_names = set(FIELD_ALIASES) | set(TIME_KEYS)
    return any(str(k).strip().lower() in pamair_names and k not in COC_KEYS for k in first)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {type(value).__name__} {str(value)[:20]!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} is not a finite number")
    return number


def _time(item: Mapping[str, Any], now: datetime) -> datetime:
    key = next((k for k in item if str(k).strip().lower() in TIME_KEYS), None)
    if key is None:
        return now
    value = _number(f"time ({key})", item[key])
    seconds = value / 1000 if value > EPOCH_MS_THRESHOLD else value
    try:
        ts = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"time ({key}) {value!r} is out of range") from None
    if ts < EARLIEST:
        raise ValueError(f"time ({key}) {value!r} is before 2000; expected epoch milliseconds")
    return ts


def decode_item(item: Any, now: datetime) -> tuple[datetime, dict[str, float]]:
    """One PAM Air object as (UTC time, COC fields); ValueError naming what is wrong."""
    if not isinstance(item, Mapping):
        raise ValueError(f"expected a JSON object, got {type(item).__name__}")
    specs = field_specs(DeviceKind.AIR)
    fields: dict[str, float] = {}
    for key, value in item.items():
        name = FIELD_ALIASES.get(str(key).strip().lower())
        if name is None or value is None:
            continue  # PAM Air objects carry names, coordinates, derived AQI …: not readings
        if name in fields:
            raise ValueError(f"{name} is given twice (key {str(key)[:20]!r})")
        number = _number(f"{name} ({key})", value)
        spec = specs[name]
        if not spec.low <= number <= spec.high:
            allowed = f"{spec.low:g}..{spec.high:g}"
            raise ValueError(f"{name}={number:g} {spec.unit} is impossible (allowed {allowed})")
        fields[name] = number
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise ValueError(f"missing field {', '.join(missing)} (PAM Air sends PM2.5, humidity, temperature)")
    return _time(item, now), fields


def decode_pamair_items(doc: Any, now: datetime) -> tuple[list[tuple[datetime, dict[str, float]]], list[str]]:
    """Every good item of an object or array, and a reason for each refused one."""
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        return [], ["empty array"]
    good: list[tuple[datetime, dict[str, float]]] = []
    reasons: list[str] = []
    for index, item in enumerate(items):
        try:
            good.append(decode_item(item, now))
        except ValueError as exc:
            reasons.append(f"item {index}: {exc}" if isinstance(doc, list) else str(exc))
    return good, reasons


def decode_pamair(doc: Any, now: datetime) -> list[tuple[datetime, dict[str, float]]]:
    """A PAM Air object or array as [(UTC time, fields)]; ValueError with the first reason if one is bad."""
    good, reasons = decode_pamair_items(doc, now)
    if reasons:
        raise ValueError(f"PAM Air payload refused: {reasons[0]}")
    return good


def is_indicative(fields: Mapping[str, float],
                  humidity_limit_pct: float = DEFAULT_HUMIDITY_INDICATIVE_PCT) -> bool:
    """Low-cost PM sensors over-read in wet air: a reading above the humidity limit is only indicative."""
    humidity = fields.get("humidity")
    return humidity is not None and humidity > humidity_limit_pct


def to_coc_items(readings: list[tuple[datetime, dict[str, float]]]) -> list[dict[str, Any]]:
    """Decoded PAM Air readings as COC state objects (`ts` in ISO 8601 UTC plus the fields)."""
    return [{"ts": ts.isoformat(), **fields} for ts, fields in readings]
