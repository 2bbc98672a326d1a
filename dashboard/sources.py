"""Adapters from the other folders' services (AQI, camera hub, KPI engine) to the rows the pages show."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dashboard.sensor_view import jsonable

log = logging.getLogger(__name__)


def call_first(obj: Any, names: Iterable[str], *args: Any, **kwargs: Any) -> Any:
    """Call the first method of `obj` that exists among `names`; None when none does or it fails."""
    if obj is None:
        return None
    for name in names:
        method = getattr(obj, name, None)
        if callable(method):
            try:
                return method(*args, **kwargs)
            except Exception as exc:  # one failing source must not break a page
                log.warning("%s.%s failed: %s", type(obj).__name__, name, exc)
                return None
    return None


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def air_extras(values: dict[str, float]) -> dict[str, Any] | None:
    """VN_AQI / US AQI of the latest values from sensors.aqi (None while that module is absent or no PM yet)."""
    aqi = _module("sensors.aqi")
    if aqi is None or not any(k in values for k in ("pm25", "pm10")):
        return None
    result = call_first(aqi, ("aqi_summary", "air_extras", "sensor_extras"), values)
    return jsonable(result) if result is not None else None


def camera_rows(ctx: Any, now: datetime) -> list[dict[str, Any]]:
    """Every configured camera with its status from the camera hub (status unknown while the hub is absent)."""
    status = {}
    listed = call_first(ctx.cameras, ("status", "cameras", "list")) if ctx.cameras is not None else None
    for item in listed or []:
        row = jsonable(item)
        if isinstance(row, dict) and "id" in row:
            status[row["id"]] = row
        elif isinstance(row, dict) and "camera_id" in row:
            status[row["camera_id"]] = row
    rows = []
    for cam in ctx.config.cameras:
        known = status.get(cam.id, {})
        row = {"id": cam.id, "name": cam.name, "area": getattr(cam, "area", None) or cam.name.split(" ")[0],
               "online": bool(known.get("online", False)), "known": bool(known),
               "last_frame": known.get("last_frame") or known.get("last_frame_at"),
               "open_alerts": 0}
        rows.append(row)
    return rows


def kpi_rows(ctx: Any, period: str | None) -> list[dict[str, Any]]:
    """KPI values in the /api/kpis shape from the KPI engine ([] while it is absent)."""
    if ctx.indicators is None:
        return []
    result = call_first(ctx.indicators, ("values", "kpis", "list"), period=period)
    return [jsonable(r) for r in result or []]
