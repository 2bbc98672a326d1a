"""Adapters from the other folders' services (alerts, camera hub, KPI engine) to the rows the pages show,
in the shapes of their REST API (GET /api/alerts, /api/cameras, /api/kpis)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dashboard.sensor_view import jsonable

log = logging.getLogger(__name__)
SEVERITY_RANK = {"critical": 0, "major": 1, "warning": 2, "info": 3}


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


def alert_rows(service: Any, status: str, limit: int) -> list[dict[str, Any]]:
    """Alerts as JSON objects: "active" (not closed, from memory) or a status, a group or "all"; the ones
    waiting for a person (open, cleared) first."""
    if service is None:
        return []
    found = (
        call_first(service, ("active",))
        if status == "active"
        else call_first(service, ("list",), status, limit=limit)
    )
    rows = [a.to_json() if hasattr(a, "to_json") else jsonable(a) for a in found or []]
    rows.sort(key=lambda a: str(a.get("opened_at") or ""), reverse=True)
    if status in ("open", "acknowledged", "cleared", "active", "unacknowledged"):
        rows.sort(
            key=lambda a: (str(a.get("status")) not in ("open", "cleared"),
                           SEVERITY_RANK.get(str(a.get("severity")), 9))
        )
    return rows[:limit]


def camera_rows(ctx: Any, now: datetime) -> list[dict[str, Any]]:
    """Every configured camera as GET /api/cameras shows it (status unknown while the hub is absent), with
    an `area` (its own, else the linked flood point's name, else the commune), a `location` for the map (its own,
    else the flood point's, else none) and `age_s` since its last frame."""
    listed = {row["id"]: row for row in call_first(ctx.cameras, ("list",)) or [] if isinstance(row, dict)}
    rows = []
    for cam in ctx.config.cameras:
        point = ctx.config.sensor(cam.flood_point) if getattr(cam, "flood_point", None) else None
        row = listed.get(cam.id) or {"id": cam.id, "name": cam.name, "online": False, "last_frame": None}
        last = row.get("last_frame")
        age_s = (now - datetime.fromisoformat(last)).total_seconds() if last else None
        area = getattr(cam, "area", None) or (point.name if point else ctx.config.commune.name)
        where = getattr(cam, "location", None) or (point.location if point else None)
        location = {"lat": where.lat, "lon": where.lon} if where else None
        rows.append({**row, "area": area, "location": location, "known": cam.id in listed, "age_s": age_s,
                     "former_unit": cam.former_unit})
    return rows


def kpi_rows(service: Any, period: str | None, commune: str | None) -> list[dict[str, Any]]:
    """KPI records as GET /api/kpis returns them ([] while the KPI engine is absent or has no figures)."""
    if service is None or getattr(service, "catalogue", None) is None:
        return []
    from indicators.export import record

    month = period or call_first(service, ("latest_month",))
    if not month:
        return []
    values = call_first(service, ("results",), month, commune) or []
    return [record(v, service.catalogue, service.commune_name(v.commune)) for v in values]
