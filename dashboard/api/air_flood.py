"""Air and flood API: AQI history, HTTP ingest (COC or PAM Air JSON), the announced disaster risk level,
and the AQI / flood extras of /api/sensors."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from flask import Blueprint, jsonify, request

from dashboard.api.params import BadParameter, iso, window
from dashboard.auth import current_principal, require_roles
from dashboard.context import AppContext
from dashboard.scoped import current_context
from dashboard.settings import Role
from ingest.store import StoreUnavailable
from sensors.aqi import DailyInputs, daily_aqi, daily_inputs, hour_end, hourly_aqi, last_hours, provisional
from sensors.aqi_tables import CATEGORIES, Standard
from sensors.flood import RISK_LEVELS, announce, flood_status, rain_totals, risk_level
from sensors.models import AqiResult, DeviceKind, RiskAnnouncement
from sensors.pamair import decode_pamair_items, is_pamair, to_coc_items
from sensors.settings import SensorConfig

blueprint = Blueprint("api_air_flood", __name__, url_prefix="/api")
Points = Sequence[tuple[datetime, float]]
AQI_FIELDS = ("pm25", "pm10", "o3", "co", "so2", "no2")
MAX_HOURS = 24 * 92
MAX_DAYS = 731
MAX_BODY_BYTES = 64 * 1024
ADVICE = {c.key: c.advice_public_vi for c in CATEGORIES}


def aqi_document(result: AqiResult | None) -> dict[str, Any] | None:
    """An index as the API and screens show it (None when there is no index)."""
    if result is None:
        return None
    return {
        "value": result.value, "category": result.category, "label_vi": result.label_vi,
        "label_en": result.label_en, "colour": result.colour, "dominant": result.dominant,
        "nowcast": result.nowcast, "indicative": result.indicative, "advice_vi": ADVICE[result.category],
        "sub_indices": dict(result.sub_indices),
    }


def humid_hour(hourly: Mapping[str, Points], at: datetime, limit_pct: float) -> bool:
    """True when the newest hourly humidity of the last 3 hours is over the limit (wet air: PM over-reads)."""
    recent = [v for v in last_hours(hourly.get("humidity", ()), at, 3) if v is not None]
    return bool(recent) and recent[0] > limit_pct


def air_index(standard: Standard, sensor: SensorConfig, hourly: Mapping[str, Points],
              at: datetime) -> AqiResult | None:
    """The hourly index of an air device at `at` from hourly means per field."""
    hours = {f: last_hours(hourly[f], at) for f in AQI_FIELDS if hourly.get(f)}
    return hourly_aqi(standard, hours, humid_hour(hourly, at, sensor.humidity_indicative_pct))


def flood_document(sensor: SensorConfig, recent_levels: Points,
                   recent_rain: Points | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The `flood` extras of a flood point from its last readings (time, level in cm)."""
    lines = sensor.alarm_levels_cm or (0.0, 0.0, 0.0)
    status = flood_status(lines, recent_levels, sensor.flood_scale)
    doc: dict[str, Any] = {
        "water_level_cm": status.water_level_cm, "alarm_level": status.alarm_level,
        "label_vi": status.label_vi, "label_en": status.label_en, "colour": status.colour,
        "trend_cm_per_h": status.trend_cm_per_h, "minutes_to_next_level": status.minutes_to_next_level,
        "thresholds": list(status.thresholds_cm),
        "thresholds_from": sensor.alarm_levels_from.isoformat() if sensor.alarm_levels_from else None,
        "scale": sensor.flood_scale.value,
    }
    if recent_rain and now is not None:
        doc["rain_mm_1h"], doc["rain_mm_24h"] = rain_totals(recent_rain, now)
    return doc


def sensor_extras(sensor_cfg: SensorConfig, hourly_pm: Mapping[str, Points], recent_levels: Points,
                  now: datetime, recent_rain: Points | None = None) -> dict[str, Any]:
    """The domain part of a /api/sensors row: `aqi` (vn, us) for air devices, `flood` for flood points.

    `hourly_pm` maps field (pm25, pm10, humidity …) to hourly means (hour start, value); `recent_levels`
    are the flood point's last readings (time, cm), `recent_rain` its rain amounts over the last 24 h.
    """
    if sensor_cfg.kind is DeviceKind.AIR:
        docs = {s.value: aqi_document(air_index(s, sensor_cfg, hourly_pm, now)) for s in Standard}
        for doc in docs.values():  # the live index's newest NowCast hour is the one being measured
            if doc is not None:
                doc.update(hour_end=iso(hour_end(now)), provisional=provisional(now, now))
        return {"aqi": docs}
    return {"flood": flood_document(sensor_cfg, recent_levels, recent_rain, now)}


def _series(ctx: AppContext, sensor: SensorConfig, field: str, start: datetime, end: datetime,
            every_s: int) -> list[tuple[datetime, float]]:
    points = ctx.store.series(sensor.kind.value, sensor.id, field, start, end, every_s, "mean")
    return [(p.ts, p.value) for p in points]


def hourly_from_store(ctx: AppContext, sensor: SensorConfig, start: datetime,
                      end: datetime) -> dict[str, Points]:
    """Hourly means of the AQI fields and humidity between start and end."""
    return {f: _series(ctx, sensor, f, start, end, 3600) for f in (*AQI_FIELDS[:2], "humidity")}


def context_extras(ctx: AppContext, sensor: SensorConfig, _state: Any = None) -> dict[str, Any]:
    """`sensor_extras` fed from the store: install as ``ctx.extras["sensor_extras"]`` for /api/sensors."""
    if ctx.store is None:
        return {}
    now = ctx.live.now() if ctx.live is not None else datetime.now(UTC)
    end = now + timedelta(seconds=1)
    try:
        if sensor.kind is DeviceKind.AIR:
            hourly = hourly_from_store(ctx, sensor, now - timedelta(hours=13), end)
            return sensor_extras(sensor, hourly, [], now)
        levels = _series(ctx, sensor, "water_level_cm", now - timedelta(hours=1), end, 1)
        rain = _series(ctx, sensor, "rain_mm", now - timedelta(hours=24), end, 1)
        return sensor_extras(sensor, {}, levels, now, rain)
    except StoreUnavailable:
        return {}


def _aqi_sensor(ctx: AppContext, device_id: str) -> tuple[SensorConfig | None, Any]:
    sensor = ctx.config.sensor(device_id)
    if sensor is None:
        return None, (jsonify(error="not_found", message=f"no device '{device_id}'"), 404)
    if sensor.kind is not DeviceKind.AIR:
        return None, (jsonify(error="bad_request", message=f"'{device_id}' is not an air device"), 400)
    if ctx.store is None:
        return None, (jsonify(error="unavailable", message="store is not running"), 503)
    return sensor, None


def hourly_history(ctx: AppContext, sensor: SensorConfig, standard: Standard, start: datetime,
                   end: datetime) -> list[dict[str, Any]]:
    """The hourly index of every hour starting in [start, end) that has one."""
    first = start.replace(minute=0, second=0, microsecond=0)
    if (end - first) > timedelta(hours=MAX_HOURS):
        raise BadParameter(f"at most {MAX_HOURS} hours at a time; use period=day for longer spans")
    hourly = hourly_from_store(ctx, sensor, first - timedelta(hours=12), end)
    rows, hour = [], first
    while hour < end:
        doc = aqi_document(air_index(standard, sensor, hourly, hour))
        if doc is not None:
            rows.append({"ts": iso(hour), "hour_end": iso(hour_end(hour)),
                         "provisional": provisional(hour, datetime.now(UTC)), **doc})
        hour += timedelta(hours=1)
    return rows


def daily_history(ctx: AppContext, sensor: SensorConfig, standard: Standard, start: datetime,
                  end: datetime) -> list[dict[str, Any]]:
    """The daily index of every local day from start's day to end's day (commune time zone)."""
    tz = ZoneInfo(ctx.config.commune.timezone)
    first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    if (last - first).days >= MAX_DAYS:
        raise BadParameter(f"at most {MAX_DAYS} days at a time")
    hourly = hourly_from_store(ctx, sensor, start - timedelta(days=1), end + timedelta(days=1))
    rows, day = [], first
    while day <= last:
        inputs: DailyInputs = daily_inputs(hourly, day, tz)
        humid = [v for ts, v in hourly.get("humidity", ()) if ts.astimezone(tz).date() == day]
        indicative = bool(humid) and sum(humid) / len(humid) > sensor.humidity_indicative_pct
        doc = aqi_document(daily_aqi(standard, inputs, indicative))
        if doc is not None:
            rows.append({"date": day.isoformat(), **doc})
        day += timedelta(days=1)
    return rows


@blueprint.get("/sensors/<device_id>/aqi")
@require_roles()
def aqi_history(device_id: str) -> Any:
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
        points = history(ctx, sensor, standard, start, end)
    except BadParameter as exc:
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
def ingest(device_id: str) -> Any:
    """Readings pushed by a gateway: COC state JSON or PAM Air station JSON (object or array)."""
    ctx: AppContext = current_context()
    if ctx.ingest is None:
        return jsonify(error="unavailable", message="ingest is not running"), 503
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return jsonify(error="too_large", message=f"body over {MAX_BODY_BYTES // 1024} KiB"), 413
    try:
        accepted, reasons = _submit(ctx, device_id, body)
    except TimeoutError as exc:  # the writer cannot make them durable now (store and spool failing): retry later
        return jsonify(error="not_durable", message=str(exc)), 503, {"Retry-After": "30"}
    status = 200 if accepted else (404 if ctx.config.sensor(device_id) is None else 422)
    return jsonify(device=device_id, accepted=accepted, rejected=len(reasons), reasons=reasons), status


def _submit(ctx: AppContext, device_id: str, body: bytes) -> tuple[int, list[str]]:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        doc = None
    sensor = ctx.config.sensor(device_id)
    if sensor is None or sensor.kind is not DeviceKind.AIR or not is_pamair(doc):
        return ctx.ingest.submit(device_id, body, "http")
    now = ctx.live.now() if ctx.live is not None else datetime.now(UTC)
    good, reasons = decode_pamair_items(doc, now)
    _refuse_pamair(ctx, device_id, body, reasons, now)
    accepted = 0
    if good:
        accepted, more = ctx.ingest.submit(device_id, orjson.dumps(to_coc_items(good)), "http-pamair")
        reasons = reasons + more
    return accepted, reasons


RISK_SCHEMA = """CREATE TABLE IF NOT EXISTS flood_risk_levels (
    id INTEGER PRIMARY KEY AUTOINCREMENT, set_at TEXT NOT NULL, level INTEGER, note TEXT NOT NULL,
    hazard TEXT NOT NULL, set_by TEXT NOT NULL)"""


class RiskBoard:
    """The announced disaster risk level: in memory, and every change appended to the app-state SQLite file
    (table flood_risk_levels) when there is one, so it survives a restart."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.current: RiskAnnouncement | None = None
        if path is not None:
            with self._connect() as conn:
                conn.execute(RISK_SCHEMA)
                row = conn.execute("SELECT level, note, hazard, set_by, set_at FROM flood_risk_levels "
                                   "ORDER BY id DESC LIMIT 1").fetchone()
            if row:
                level, note, hazard, set_by, set_at = row
                self.current = RiskAnnouncement(level, note, hazard, set_by, datetime.fromisoformat(set_at))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)  # type: ignore[arg-type]

    def announce(self, level: object, note: str, set_by: str, hazard: str) -> RiskAnnouncement:
        entry = announce(level, note, hazard, set_by, datetime.now(UTC))
        with self._lock:
            if self.path is not None:
                with self._connect() as conn:
                    values = (entry.set_at.isoformat(), entry.level, entry.note, entry.hazard, entry.set_by)
                    conn.execute("INSERT INTO flood_risk_levels (set_at, level, note, hazard, set_by) "
                                 "VALUES (?, ?, ?, ?, ?)", values)
            self.current = entry
        return entry

    def document(self) -> dict[str, Any]:
        entry = self.current
        row = risk_level(entry.level) if entry and entry.level else None
        return {
            "level": row.level if row else None, "label_vi": row.label_vi if row else None,
            "label_en": row.label_en if row else None, "colour": row.colour if row else None,
            "colour_vi": row.colour_vi if row else None, "note": entry.note if entry else "",
            "hazard": entry.hazard if entry else None, "set_by": entry.set_by if entry else None,
            "set_at": iso(entry.set_at) if entry else None,
            "levels": [{"level": r.level, "label_vi": r.label_vi, "label_en": r.label_en, "colour": r.colour}
                       for r in RISK_LEVELS],
        }


def risk_board(ctx: AppContext) -> RiskBoard:
    """The one risk board of this app (in ctx.extras; persisted in the app-state file if any)."""
    board = ctx.extras.get("flood_risk")
    if board is None:
        board = RiskBoard(getattr(ctx.state_db, "path", None))
        ctx.extras["flood_risk"] = board
    return board


def announce_risk(ctx: AppContext, level: object, note: str, set_by: str, hazard: str) -> RiskAnnouncement:
    """Announce a risk level on this context's board: a commune's (named by the request), or at a province center
    the province's own, which only a province-wide caller may set (OutOfScope otherwise)."""
    if ctx.province is not None:
        ctx.scope.require_whole("cấp độ rủi ro thiên tai của tỉnh / the province's risk level")
    return risk_board(ctx).announce(level, note, set_by, hazard)


@blueprint.get("/flood/risk-level")
@require_roles()
def get_risk_level() -> Any:
    return jsonify(risk_board(current_context()).document())


@blueprint.put("/flood/risk-level")
@require_roles(Role.ADMIN, Role.OPERATOR)
def put_risk_level() -> Any:
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
    return jsonify(risk_board(ctx).document())
