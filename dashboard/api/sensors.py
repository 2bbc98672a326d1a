"""GET /api/sensors (every configured device with its live state) and GET /api/sensors/<id>/series: the sensors'
read side (dashboard.read.sensors) as JSON."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from dashboard.api.air_flood import aqi_json, flood_json
from dashboard.api.params import BadParameter, iso, parse_duration_s, parse_unit, window
from dashboard.auth import require_roles
from dashboard.context import AppContext
from dashboard.read.sensors import SensorView, sensor_reads
from dashboard.scoped import current_context
from ingest.store import Aggregate, StoreUnavailable
from sensors.fields import field_specs

blueprint = Blueprint("api_sensors", __name__, url_prefix="/api")
MAX_BUCKETS = 20_000
AGGS: tuple[Aggregate, ...] = ("mean", "min", "max", "last", "count")
Json = dict[str, object]


def sensor_json(view: SensorView) -> Json:
    """One device as the API shows it: configuration, live state, and the domain extras (AQI, flood level)."""
    doc: Json = {
        "id": view.id, "kind": view.kind.value, "name": view.name,
        "location": view.location.model_dump() if view.location else None,
        "interval_s": view.interval_s,
        "former_unit": view.former_unit,
        "online": view.online,
        "status": view.status,
        "last_seen": iso(view.last_seen),
        "last_ts": iso(view.last_ts),
        "values": dict(view.values),
    }
    if view.aqi is not None:
        doc["aqi"] = aqi_json(view.aqi)
    if view.flood is not None:
        doc["flood"] = flood_json(view.flood)
    return doc


@blueprint.get("/sensors")
@require_roles()
def list_sensors() -> ResponseReturnValue:
    ctx: AppContext = current_context()
    try:
        unit = parse_unit(request.args.get("unit"), [u.id for u in ctx.config.commune.former_units])
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    return jsonify(sensors=[sensor_json(v) for v in sensor_reads(ctx).sensors(unit, fresh=True)])


def _aggregate(value: str) -> Aggregate:
    for agg in AGGS:
        if agg == value:
            return agg
    raise BadParameter(f"agg must be one of {', '.join(AGGS)}")


@blueprint.get("/sensors/<device_id>/series")
@require_roles()
def series(device_id: str) -> ResponseReturnValue:
    ctx: AppContext = current_context()
    reads = sensor_reads(ctx)
    sensor = reads.sensor(device_id)
    if sensor is None:
        return jsonify(error="not_found", message=f"no device '{device_id}'"), 404
    field = request.args.get("field", "")
    if field not in field_specs(sensor.kind):
        known = ", ".join(field_specs(sensor.kind))
        return jsonify(error="bad_request", message=f"field must be one of: {known}"), 400
    try:
        start, end = window(request.args.get("start"), request.args.get("end"), timedelta(hours=24))
        every_s = parse_duration_s(request.args.get("every"), "every", 300)
        agg = _aggregate(request.args.get("agg", "mean"))
        if (end - start).total_seconds() / every_s > MAX_BUCKETS:
            raise BadParameter(f"too many buckets (more than {MAX_BUCKETS}); use a larger every")
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    try:  # StoreUnavailable("store is not running") without a store
        points = reads.points(sensor, field, start, end, every_s, agg)
    except StoreUnavailable as exc:
        return jsonify(error="unavailable", message=str(exc)), 503
    unit = field_specs(sensor.kind)[field].unit
    return jsonify(device=sensor.id, field=field, unit=unit, every_s=every_s, agg=agg, start=iso(start),
                   end=iso(end), points=[{"ts": iso(ts), "value": value} for ts, value in points])
