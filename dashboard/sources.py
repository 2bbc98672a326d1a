"""Adapters from the other folders' services (alerts, camera hub, KPI engine) to the rows the pages show,
in the shapes of their REST API (GET /api/alerts, /api/cameras, /api/kpis)."""

from __future__ import annotations

from datetime import datetime

from alerts.models import Alert, Status
from alerts.read_side import AlertsReadSide
from dashboard.context import AppContext
from dashboard.json_types import JsonObject
from dashboard.services import IndicatorReads

WAITING = (Status.OPEN, Status.CLEARED)  # waiting for a person: first in a list of alarms not closed
ACTIVE_LISTS = ("open", "acknowledged", "cleared", "active", "unacknowledged")


def alert_rows(service: AlertsReadSide | None, status: str, limit: int) -> list[Alert]:
    """Alarms: "active" (not closed, from memory) or a status, a group or "all"; newest first, and in a list of
    alarms not closed the ones waiting for a person first, most severe first."""
    if service is None:
        return []
    found = service.active() if status == "active" else service.list(status, limit=limit)
    found = sorted(found, key=lambda a: a.opened_at, reverse=True)
    if status in ACTIVE_LISTS:
        found.sort(key=lambda a: (a.status not in WAITING, -a.severity.rank))
    return found[:limit]


def camera_rows(ctx: AppContext, now: datetime) -> list[JsonObject]:
    """Every configured camera as GET /api/cameras shows it (status unknown while the hub is absent), with
    an `area` (its own, else the linked flood point's name, else the commune), a `location` for the map (its own,
    else the flood point's, else none) and `age_s` since its last frame."""
    config = ctx.config
    listed = {row["id"]: row for row in (ctx.cameras.list() if ctx.cameras is not None else [])}
    rows = []
    for cam in config.cameras:
        point = config.sensor(cam.flood_point) if cam.flood_point else None
        row = listed.get(cam.id) or {"id": cam.id, "name": cam.name, "online": False, "last_frame": None}
        last = row.get("last_frame")
        age_s = (now - datetime.fromisoformat(last)).total_seconds() if last else None
        area = cam.area or (point.name if point else config.commune.name)
        where = cam.location or (point.location if point else None)
        location = {"lat": where.lat, "lon": where.lon} if where else None
        rows.append({**row, "area": area, "location": location, "known": cam.id in listed, "age_s": age_s,
                     "former_unit": cam.former_unit})
    return rows


def kpi_rows(service: IndicatorReads | None, period: str | None, commune: str | None) -> list[JsonObject]:
    """KPI records as GET /api/kpis returns them ([] while the KPI engine is absent or has no figures)."""
    if service is None or service.catalogue is None:
        return []
    from indicators.export import record

    month = period or service.latest_month()
    if not month:
        return []
    catalogue = service.catalogue
    return [record(v, catalogue, service.commune_name(v.commune)) for v in service.results(month, commune)]
