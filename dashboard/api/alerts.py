"""GET /api/alerts, GET /api/alerts/<id>, POST /api/alerts/<id>/ack, /resolve and /shelve, with roles enforced
here; the alarms are read and acted on through dashboard.read.alerts."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from alerts.models import STATUS_FILTERS, Severity, Source
from dashboard.api.params import BadParameter, parse_time, parse_unit
from dashboard.auth import current_principal, require_roles
from dashboard.read.alerts import ACT_SOURCES, ActResult, AlertReads, Refusal, current_alert_reads

blueprint = Blueprint("api_alerts", __name__, url_prefix="/api")
MAX_NOTE = 2000
MAX_LIMIT = 5000
Answer = Response | tuple[Response, int]
REFUSED = {  # the API's status and message for each refusal (the read side's own message where None)
    Refusal.UNAVAILABLE: (503, "alerts are not running"),
    Refusal.NOT_FOUND: (404, None),
    Refusal.FORBIDDEN: (403, "Vai trò này chỉ xử lý cảnh báo camera / this role acts on camera alerts only"),
    Refusal.CLOSED: (409, "Cảnh báo đã đóng / alert already closed"),
    Refusal.BAD: (400, None),
}


def _reads() -> AlertReads:
    return current_alert_reads()


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify(error=error, message=message), status


def _choice(name: str, allowed: list[str]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise BadParameter(f"{name} must be one of: {', '.join(allowed)}")
    return value


@blueprint.get("/alerts")
@require_roles()
def list_alerts() -> Answer:
    reads = _reads()
    if not reads.running:
        return _error(503, "unavailable", "alerts are not running")
    try:
        status = _choice("status", list(STATUS_FILTERS)) or "all"
        source = _choice("source", list(Source))
        severity = _choice("severity", list(Severity))
        raw_since = request.args.get("since")
        since = parse_time(raw_since, "since", datetime.now(UTC)) if raw_since else None  # no default used
        text = request.args.get("limit", "500").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 6 and 1 <= int(text) <= MAX_LIMIT):
            raise BadParameter(f"limit must be a whole number 1..{MAX_LIMIT}")
        unit = parse_unit(request.args.get("unit"), [u.id for u in reads.commune.former_units])
    except (BadParameter, ValueError) as exc:
        return _error(400, "bad_request", str(exc))
    found = reads.listed(status, source, severity, since, int(text), unit)
    return jsonify(alerts=[a.to_json() for a in found], count=len(found))


@blueprint.get("/alerts/<alert_id>")
@require_roles()
def get_alert(alert_id: str) -> Answer:
    reads = _reads()
    if not reads.running:
        return _error(503, "unavailable", "alerts are not running")
    alarm = reads.alarm(alert_id)
    if alarm is None:
        return _error(404, "not_found", f"no alert '{alert_id}'")
    return jsonify(alarm.to_json())


@blueprint.post("/alerts/<alert_id>/ack")
@require_roles(*ACT_SOURCES)
def ack_alert(alert_id: str) -> Answer:
    return _act(alert_id, "acknowledge")


@blueprint.post("/alerts/<alert_id>/resolve")
@require_roles(*ACT_SOURCES)
def resolve_alert(alert_id: str) -> Answer:
    return _act(alert_id, "resolve")


@blueprint.post("/alerts/<alert_id>/shelve")
@require_roles(*ACT_SOURCES)
def shelve_alert(alert_id: str) -> Answer:
    """Body {"minutes": 30, "reason": "..."}: off the wall's takeover for that long (audited)."""
    body = request.get_json(silent=True)
    minutes, reason = (body.get("minutes"), body.get("reason")) if isinstance(body, dict) else (None, None)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not isinstance(reason, str) \
            or not reason.strip():
        return _error(400, "bad_request", "minutes (a number) and reason (text) are required")
    minutes = minutes if isinstance(minutes, float) or abs(minutes) < 10**9 else math.inf  # the service refuses inf
    return _act(alert_id, "shelve", float(minutes), reason[:MAX_NOTE])


def _act(alert_id: str, verb: str, minutes: float = 0.0, reason: str = "") -> Answer:
    reads = _reads()
    if not reads.running:
        return _error(503, "unavailable", "alerts are not running")
    body = request.get_json(silent=True) or {}
    note = body.get("note") if isinstance(body, dict) else None
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        return _error(400, "bad_request", f"note must be text of at most {MAX_NOTE} characters")
    principal = current_principal()
    if principal is None:  # require_roles let nobody anonymous through
        return _error(401, "unauthorized", "login required")
    who, role = principal.name, principal.role
    result: ActResult
    if verb == "shelve":
        result = reads.shelve(alert_id, who, role, minutes, reason)
    elif verb == "resolve":
        result = reads.resolve(alert_id, who, role, note)
    else:
        result = reads.acknowledge(alert_id, who, role, note)
    if result.refusal is not None or result.alert is None:
        refusal = result.refusal or Refusal.NOT_FOUND
        status, message = REFUSED[refusal]
        return _error(status, refusal.value, message or result.message)
    return jsonify(alert=result.alert.to_json())
