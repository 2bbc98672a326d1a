"""Pure view rows for devices: the /api/sensors shape, with flood alarm level, trend and time to the
next level."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sensors.aqi_tables import CATEGORIES
from sensors.flood import LINE_NAMES, FloodScale, alarm_level, eta_worth_showing, flood_status

FLOOD_COLOURS = ("#2e9d4f", "#f0c419", "#f08c00", "#e03131")  # normal, báo động I, II, III
STATE_COLOURS = {"online": "#2e9d4f", "offline": "#6b7280", "never": "#6b7280"}


def jsonable(value: Any) -> Any:
    """Dataclasses, enums, datetimes, mappings and sequences as plain JSON values (times as ISO 8601)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump())
    return value


def normalise_aqi(aqi: Any) -> dict[str, Any] | None:
    """The `aqi` of an /api/sensors row in one flat shape, whether `vn`/`us` are numbers or AqiResult
    dicts."""
    if not isinstance(aqi, dict):
        return None
    vn, us = aqi.get("vn"), aqi.get("us")
    main = vn if isinstance(vn, dict) else aqi
    value = vn.get("value") if isinstance(vn, dict) else vn
    if not isinstance(value, int | float):
        return None
    key = main.get("category") or _category_key(int(value))
    band = next((c for c in CATEGORIES if c.key == key), None)
    return {
        "vn": value,
        "us": us.get("value") if isinstance(us, dict) else us,
        "colour": main.get("colour") or aqi.get("colour") or (band.colour if band else "#6b7280"),
        "category_vi": main.get("label_vi") or (band.label_vi if band else str(key)),
        "category_en": main.get("label_en") or (band.label_en if band else str(key)),
        "dominant": main.get("dominant") or aqi.get("dominant"),
        "indicative": bool(main.get("indicative") or aqi.get("indicative")),
        "provisional": bool(main.get("provisional")),
        "hour_end": main.get("hour_end"),
        "advice_vi": band.advice_public_vi if band else "",
        "advice_sensitive_vi": band.advice_sensitive_vi if band else "",
    }


def _category_key(value: int) -> str:
    return next((c.key for c in CATEGORIES if c.low <= value <= c.high), CATEGORIES[-1].key)


def flood_view(levels_cm: Sequence[float], recent: Sequence[tuple[datetime, float]]) -> dict[str, Any]:
    """The flood extras of a device row from its lines and recent (time, level) points (sensors.flood)."""
    return normalise_flood(jsonable(flood_status(tuple(levels_cm), recent)), levels_cm)  # type: ignore[arg-type]


def normalise_flood(flood: Any, levels_cm: Sequence[float]) -> dict[str, Any] | None:
    """The `flood` of an /api/sensors row with the lines, colour and next line the screens need."""
    if not isinstance(flood, dict):
        return None
    lines = list(flood.get("thresholds") or flood.get("thresholds_cm") or levels_cm)
    level = flood.get("water_level_cm")
    n = int(flood.get("alarm_level") or alarm_level(level, lines))
    scale = flood.get("scale") or FloodScale.RIVER_GAUGE.value
    trend, eta = flood.get("trend_cm_per_h"), flood.get("minutes_to_next_level")
    return {
        **flood,
        "water_level_cm": level,
        "alarm_level": n,
        "alarm_levels_cm": lines,
        "scale": scale,
        "line_names": [pair for pair in LINE_NAMES[FloodScale(scale)]],
        "colour": flood.get("colour") or FLOOD_COLOURS[n],
        "next_level": n + 1 if level is not None and n < len(lines) else None,
        "eta_min": eta if eta_worth_showing(trend, eta) else None,
    }


def trend_arrow(trend_cm_per_h: float | None, steady_cm_per_h: float = 2.0) -> str:
    """↑ rising, ↓ falling, → steady (within ±steady_cm_per_h)."""
    if trend_cm_per_h is None or abs(trend_cm_per_h) < steady_cm_per_h:
        return "→"
    return "↑" if trend_cm_per_h > 0 else "↓"


def device_row(sensor: Any, state: Any, now: datetime) -> dict[str, Any]:
    """The /api/sensors row of one configured device from its live state (without AQI / flood extras)."""
    last_seen = getattr(state, "last_seen", None)
    location = sensor.location.model_dump() if sensor.location else None
    return {
        "id": sensor.id,
        "kind": sensor.kind.value,
        "name": sensor.name,
        "location": location,
        "online": bool(state is not None and state.online(now)),
        "last_seen": last_seen.isoformat() if last_seen else None,
        "age_s": (now - last_seen).total_seconds() if last_seen else None,
        "values": dict(getattr(state, "values", {}) or {}),
    }


# The VN_AQI categories as bands of the index, and of each PM concentration (1459: Bảng 2 breakpoints).
PM_BREAKPOINTS_UG_M3 = {"pm25": (0, 25, 50, 80, 150, 250, 500), "pm10": (0, 50, 150, 250, 350, 420, 600)}


def aqi_bands(lang: str = "vi") -> list[tuple[float, float, str, str]]:
    """(low, high, colour, name) of every VN_AQI category, for a chart of the index."""
    return [(c.low, c.high, c.colour, c.label_en if lang == "en" else c.label_vi) for c in CATEGORIES]


def pm_bands(field: str, lang: str = "vi") -> list[tuple[float, float, str, str]]:
    """The same categories as concentration bands of PM2.5 or PM10 in µg/m³ (empty for other fields)."""
    edges = PM_BREAKPOINTS_UG_M3.get(field)
    if not edges:
        return []
    return [(lo, hi, c.colour, c.label_en if lang == "en" else c.label_vi)
            for lo, hi, c in zip(edges[:-1], edges[1:], CATEGORIES, strict=True)]


def state_of(row: dict[str, Any]) -> str:
    """online, offline (seen before) or never (no reading yet) for an /api/sensors row."""
    return "online" if row.get("online") else ("offline" if row.get("last_seen") else "never")
