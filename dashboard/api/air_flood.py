"""Air and flood API: AQI history, HTTP ingest (COC or PAM Air JSON), the announced disaster risk level, and the
JSON of the sensors' AQI / flood views (dashboard.read.sensors) in /api/sensors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import orjson
from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from dashboard.api.params import BadParameter, iso, window
from dashboard.auth import current_principal, require_roles
from dashboard.context import AppContext
from dashboard.read.flood_risk import RiskView, announce_risk, risk_board
from dashboard.read.sensors import AqiView, FloodView, Points, SensorReads, TooLong, aqi_now, flood_now, sensor_reads
from dashboard.scoped import current_context
from dashboard.services import IngestReads
from dashboard.settings import Role
from ingest.store import StoreUnavailable
from sensors.aqi import hour_end
from sensors.aqi_tables import CATEGORIES, Standard
from sensors.flood import RISK_LEVELS
from sensors.models import AqiResult, DeviceKind
from sensors.pamair import decode_pamair_items, is_pamair, to_coc_items
from sensors.settings import SensorConfig

blueprint = Blueprint("api_air_flood", __name__, url_prefix="/api")
MAX_BODY_BYTES = 64 * 1024
ADVICE = {c.key: c.advice_public_vi for c in CATEGORIES}
Json = dict[str, object]


def aqi_document(result: AqiResult | None) -> Json | None:
    """An index as the API and screens show it (None when there is no index)."""
    if result is None:
        return None
    return {
        "value": result.value, "category": result.category, "label_vi": result.label_vi,
        "label_en": result.label_en, "colour": result.colour, "dominant": result.dominant,
        "nowcast": result.nowcast, "indicative": result.indicative, "advice_vi": ADVICE[result.category],
        "sub_indices": dict(result.sub_indices),
    }


def aqi_json(aqi: AqiView) -> Json:
    """The `aqi` of a /api/sensors row: {"vn": index or None, "us": index or None}, each with its hour."""
    docs = {"vn": aqi_document(aqi.vn), "us": aqi_document(aqi.us)}
    for doc in docs.values():
        if doc is not None:
            doc.update(hour_end=iso(aqi.hour_end), provisional=aqi.provisional)
    return dict(docs)


def flood_json(flood: FloodView) -> Json:
    """The `flood` of a /api/sensors row: level against its lines, trend, time to the next line, rain."""
    status = flood.status
    doc: Json = {
        "water_level_cm": status.water_level_cm, "alarm_level": status.alarm_level,
        "label_vi": status.label_vi, "label_en": status.label_en, "colour": status.colour,
        "trend_cm_per_h": status.trend_cm_per_h, "minutes_to_next_level": status.minutes_to_next_level,
        "thresholds": list(status.thresholds_cm),
        "thresholds_from": flood.lines_from.isoformat() if flood.lines_from else None,
        "scale": flood.scale.value,
    }
    if flood.rain_mm_24h is not None:
        doc["rain_mm_1h"], doc["rain_mm_24h"] = flood.rain_mm_1h, flood.rain_mm_24h
    return doc


def sensor_extras(sensor_cfg: SensorConfig, hourly_pm: Mapping[str, Points], recent_levels: Points,
                  now: datetime, recent_rain: Points | None = None) -> Json:
    """The domain part of a /api/sensors row from plain series: `aqi` (vn, us) for air devices, `flood` for flood
    points. `hourly_pm` maps field (pm25, pm10, humidity …) to hourly means (hour start, value); `recent_levels`
    are the flood point's last readings (time, cm), `recent_rain` its rain amounts over the last 24 h."""
    if sensor_cfg.kind is DeviceKind.AIR:
        return {"aqi": aqi_json(aqi_now(sensor_cfg, hourly_pm, now))}
    return {"flood": flood_json(flood_now(sensor_cfg, recent_levels, recent_rain, now))}


def _aqi_sensor(ctx: AppContext, device_id: str) -> tuple[SensorConfig | None, ResponseReturnValue]:
    sensor = ctx.config.sensor(device_id)
    if sensor is None:
        return None, (jsonify(error="not_found", message=f"no device '{device_id}'"), 404)
    if sensor.kind is not DeviceKind.AIR:
        return None, (jsonify(error="bad_request", message=f"'{device_id}' is not an air device"), 400)
    if ctx.store is None:
        return None, (jsonify(error="unavailable", message="store is not running"), 503)
    return sensor, ""


def hourly_history(reads: SensorReads, sensor: SensorConfig, standard: Standard, start: datetime,
                   end: datetime) -> list[Json]:
    """The hourly index of every hour starting in [start, end) that has one."""
    return [{"ts": iso(h.hour), "hour_end": iso(hour_end(h.hour)), "provisional": h.provisional,
             **(aqi_document(h.result) or {})} for h in reads.aqi_hours(sensor, standard, start, end)]


def daily_history(reads: SensorReads, sensor: SensorConfig, standard: Standard, start: datetime,
                  end: datetime) -> list[Json]:
    """The daily index of every local day from start's day to end's day (commune time zone)."""
    return [{"date": d.day.isoformat(), **(aqi_document(d.result) or {})}
            for d in reads.aqi_days(sensor, standard, start, end)]


@blueprint.get("/sensors/<device_id>/aqi")
@require_roles()
def aqi_history(device_id: str) -> ResponseReturnValue:
    ctx: AppContext = current_context()
    sensor, error = _aqi_sensor(ctx, device_id)
    if sensor is None:
        return error
    try:
        standard = Standard(request.args.get("standard", "vn"))
    except ValueError:
        return jsonify(error="bad_request", message="standard must be vn or us"), 400
    period = request.args.get("period", "hour")
    if period not in ("hour", "day"):
        return jsonify(error="bad_request", message="period must be hour or day"), 400
    span = timedelta(hours=24) if period == "hour" else timedelta(days=7)
    history = hourly_history if period == "hour" else daily_history
    try:
        start, end = window(request.args.get("start"), request.args.get("end"), span)
        points = history(sensor_reads(ctx), sensor, standard, start, end)
    except (BadParameter, TooLong) as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    except StoreUnavailable as exc:
        return jsonify(error="unavailable", message=str(exc)), 503
    method = "VN_AQI (QĐ 1459/QĐ-TCMT)" if standard is Standard.VN else "US EPA AQI (2024)"
    return jsonify(device=sensor.id, standard=standard.value, method=method, period=period, start=iso(start),
                   end=iso(end), points=points)


def _refuse_pamair(ctx: AppContext, device_id: str, body: bytes, reasons: list[str], now: datetime) -> None:
    if ctx.state_db is not None:
        for reason in reasons:
            ctx.state_db.add_dead_letter(f"http-pamair:{device_id}", body, f"PAM Air: {reason}", now)


@blueprint.post("/ingest/<device_id>")
@require_roles(Role.ADMIN, Role.OPERATOR)
def ingest(device_id: str) -> ResponseReturnValue:
    """Readings pushed by a gateway: COC state JSON or PAM Air station JSON (object or array)."""
    ctx: AppContext = current_context()
    ingester = ctx.ingest
    if ingester is None:
        return jsonify(error="unavailable", message="ingest is not running"), 503
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return jsonify(error="too_large", message=f"body over {MAX_BODY_BYTES // 1024} KiB"), 413
    try:
        accepted, reasons = _submit(ctx, ingester, device_id, body)
    except TimeoutError as exc:  # the writer cannot make them durable now (store and spool failing): retry later
        return jsonify(error="not_durable", message=str(exc)), 503, {"Retry-After": "30"}
    status = 200 if accepted else (404 if ctx.config.sensor(device_id) is None else 422)
    return jsonify(device=device_id, accepted=accepted, rejected=len(reasons), reasons=reasons), status


def _submit(ctx: AppContext, ingester: IngestReads, device_id: str, body: bytes) -> tuple[int, list[str]]:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        doc = None
    sensor = ctx.config.sensor(device_id)
    if sensor is None or sensor.kind is not DeviceKind.AIR or not is_pamair(doc):
        return ingester.submit(device_id, body, "http")
    now = ctx.live.now() if ctx.live is not None else datetime.now(UTC)
    good, reasons = decode_pamair_items(doc, now)
    _refuse_pamair(ctx, device_id, body, reasons, now)
    accepted = 0
    if good:
        accepted, more = ingester.submit(device_id, orjson.dumps(to_coc_items(good)), "http-pamair")
        reasons = reasons + more
    return accepted, reasons


def risk_json(view: RiskView) -> Json:
    """The announced risk level as GET /api/flood/risk-level shows it, with every level's name and colour."""
    entry, row = view.announcement, view.row
    return {
        "level": row.level if row else None, "label_vi": row.label_vi if row else None,
        "label_en": row.label_en if row else None, "colour": row.colour if row else None,
        "colour_vi": row.colour_vi if row else None, "note": entry.note if entry else "",
        "hazard": entry.hazard if entry else None, "set_by": entry.set_by if entry else None,
        "set_at": iso(entry.set_at) if entry else None,
        "levels": [{"level": r.level, "label_vi": r.label_vi, "label_en": r.label_en, "colour": r.colour}
                   for r in RISK_LEVELS],
    }


@blueprint.get("/flood/risk-level")
@require_roles()
def get_risk_level() -> Response:
    return jsonify(risk_json(risk_board(current_context()).view()))


@blueprint.put("/flood/risk-level")
@require_roles(Role.ADMIN, Role.OPERATOR)
def put_risk_level() -> ResponseReturnValue:
    ctx: AppContext = current_context()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "level" not in body:
        message = 'body must be {"level": 1..5 or null, "note": "..."}'
        return jsonify(error="bad_request", message=message), 400
    principal = current_principal()
    try:
        announce_risk(ctx, body["level"], body.get("note") or "", principal.name if principal else "?",
                      body.get("hazard") or "lũ, ngập lụt")
    except ValueError as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    return jsonify(risk_json(risk_board(ctx).view()))
