"""GET /api/sensors (every configured device with its live state) and GET /api/sensors/<id>/series."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, jsonify, request

from dashboard.api.params import BadParameter, iso, parse_duration_s, parse_unit, window
from dashboard.auth import require_roles
from dashboard.context import AppContext
from dashboard.scoped import current_context
from ingest.store import Aggregate, StoreUnavailable
from sensors.fields import field_specs
from sensors.settings import SensorConfig

blueprint = Blueprint("api_sensors", __name__, url_prefix="/api")
MAX_BUCKETS = 20_000
AGGS: tuple[Aggregate, ...] = ("mean", "min", "max", "last", "count")


def sensor_document(ctx: AppContext, sensor: SensorConfig) -> dict[str, Any]:
    """One device as the API shows it: configuration, live state, and the domain extras (AQI, flood level)."""
    state = ctx.live.get(sensor.id) if ctx.live is not None else None
    now = ctx.live.now() if ctx.live is not None else None
    doc: dict[str, Any] = {
        "id": sensor.id, "kind": sensor.kind.value, "name": sensor.name,
        "location": sensor.location.model_dump() if sensor.location else None,
        "interval_s": sensor.interval_s,
        "former_unit": sensor.former_unit,
        "online": bool(state and now and state.online(now)),
        "status": state.status if state else None,
        "last_seen": iso(state.last_seen) if state else None,
        "last_ts": iso(state.last_ts) if state else None,
        "values": dict(state.values) if state else {},
    }
    extras = ctx.sensor_extras
    if extras is not None:
        doc.update(extras(ctx, sensor, state))
    return doc


@blueprint.get("/sensors")
@require_roles()
def list_sensors() -> Any:
    ctx: AppContext = current_context()
    try:
        unit = parse_unit(request.args.get("unit"), [u.id for u in ctx.config.commune.former_units])
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    chosen = [s for s in ctx.config.sensors if unit is None or s.former_unit == unit]
    return jsonify(sensors=[sensor_document(ctx, s) for s in chosen])


@blueprint.get("/sensors/<device_id>/series")
@require_roles()
def series(device_id: str) -> Any:
    ctx: AppContext = current_context()
    sensor = ctx.config.sensor(device_id)
    if sensor is None:
        return jsonify(error="not_found", message=f"no device '{device_id}'"), 404
    field = request.args.get("field", "")
    if field not in field_specs(sensor.kind):
        known = ", ".join(field_specs(sensor.kind))
        return jsonify(error="bad_request", message=f"field must be one of: {known}"), 400
    agg = request.args.get("agg", "mean")
    try:
        start, end = window(request.args.get("start"), request.args.get("end"), timedelta(hours=24))
        every_s = parse_duration_s(request.args.get("every"), "every", 300)
        if agg not in AGGS:
            raise BadParameter(f"agg must be one of {', '.join(AGGS)}")
        if (end - start).total_seconds() / every_s > MAX_BUCKETS:
            raise BadParameter(f"too many buckets (more than {MAX_BUCKETS}); use a larger every")
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    if ctx.store is None:
        return jsonify(error="unavailable", message="store is not running"), 503
    try:
        points = ctx.store.series(sensor.kind.value, sensor.id, field, start, end, every_s, agg)  # type: ignore[arg-type]
    except StoreUnavailable as exc:
        return jsonify(error="unavailable", message=str(exc)), 503
    unit = field_specs(sensor.kind)[field].unit
    return jsonify(device=sensor.id, field=field, unit=unit, every_s=every_s, agg=agg, start=iso(start),
                   end=iso(end), points=[{"ts": iso(p.ts), "value": p.value} for p in points])
