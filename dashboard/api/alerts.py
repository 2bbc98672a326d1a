"""GET /api/alerts, GET /api/alerts/<id>, POST /api/alerts/<id>/ack, /resolve and /shelve, with roles enforced
here."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, jsonify, request

from alerts.book import AlertNotFoundError
from alerts.lifecycle import AlertClosedError
from alerts.models import STATUS_FILTERS, Severity, Source
from dashboard.api.params import BadParameter, parse_time, parse_unit
from dashboard.auth import current_principal, require_roles
from dashboard.context import current_context
from dashboard.settings import Role

blueprint = Blueprint("api_alerts", __name__, url_prefix="/api")
MAX_NOTE = 2000
MAX_LIMIT = 5000
# Who may acknowledge or resolve which alerts: None means every source.
ACT_SOURCES: dict[Role, frozenset[Source] | None] = {
    Role.ADMIN: None,
    Role.OPERATOR: None,
    Role.POLICE: frozenset({Source.CAMERA}),
}


def _service() -> Any:
    return current_context().alerts


def _error(status: int, error: str, message: str) -> Any:
    return jsonify(error=error, message=message), status


def _choice(name: str, allowed: list[str]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise BadParameter(f"{name} must be one of: {', '.join(allowed)}")
    return value


@blueprint.get("/alerts")
@require_roles()
def list_alerts() -> Any:
    service = _service()
    if service is None:
        return _error(503, "unavailable", "alerts are not running")
    try:
        status = _choice("status", list(STATUS_FILTERS)) or "all"
        source = _choice("source", list(Source))
        severity = _choice("severity", list(Severity))
        since = parse_time(request.args.get("since"), "since", None) if request.args.get("since") else None
        text = request.args.get("limit", "500").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 6 and 1 <= int(text) <= MAX_LIMIT):
            raise BadParameter(f"limit must be a whole number 1..{MAX_LIMIT}")
        limit = int(text)
        commune = current_context().config.commune
        unit = parse_unit(request.args.get("unit"), [u.id for u in commune.former_units])
    except (BadParameter, ValueError) as exc:
        return _error(400, "bad_request", str(exc))
    by_unit = {"former_unit": unit} if unit else {}
    found = service.list(status, source, severity, since, limit, **by_unit)
    return jsonify(alerts=[a.to_json() for a in found], count=len(found))


@blueprint.get("/alerts/<alert_id>")
@require_roles()
def get_alert(alert_id: str) -> Any:
    service = _service()
    if service is None:
        return _error(503, "unavailable", "alerts are not running")
    detail = service.get(alert_id)
    if detail is None:
        return _error(404, "not_found", f"no alert '{alert_id}'")
    return jsonify(alert=detail.alert.to_json(), history=[t.to_json() for t in detail.history])


@blueprint.post("/alerts/<alert_id>/ack")
@require_roles(*ACT_SOURCES)
def ack_alert(alert_id: str) -> Any:
    return _act(alert_id, "acknowledge")


@blueprint.post("/alerts/<alert_id>/resolve")
@require_roles(*ACT_SOURCES)
def resolve_alert(alert_id: str) -> Any:
    return _act(alert_id, "resolve")


@blueprint.post("/alerts/<alert_id>/shelve")
@require_roles(*ACT_SOURCES)
def shelve_alert(alert_id: str) -> Any:
    """Body {"minutes": 30, "reason": "..."}: off the wall's takeover for that long (audited)."""
    body = request.get_json(silent=True)
    minutes, reason = (body.get("minutes"), body.get("reason")) if isinstance(body, dict) else (None, None)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not isinstance(reason, str) \
            or not reason.strip():
        return _error(400, "bad_request", "minutes (a number) and reason (text) are required")
    minutes = minutes if isinstance(minutes, float) or abs(minutes) < 10**9 else math.inf  # the service refuses inf
    return _act(alert_id, "shelve", minutes=float(minutes), reason=reason[:MAX_NOTE])


def _act(alert_id: str, verb: str, **shelving: Any) -> Any:
    service = _service()
    if service is None:
        return _error(503, "unavailable", "alerts are not running")
    body = request.get_json(silent=True) or {}
    note = body.get("note") if isinstance(body, dict) else None
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        return _error(400, "bad_request", f"note must be text of at most {MAX_NOTE} characters")
    detail = service.get(alert_id)
    if detail is None:
        return _error(404, "not_found", f"no alert '{alert_id}'")
    principal = current_principal()
    sources = ACT_SOURCES[principal.role]
    if sources is not None and detail.alert.source not in sources:
        return _error(403, "forbidden", "Vai trò này chỉ xử lý cảnh báo camera / this role acts on camera "
                                        "alerts only")
    try:
        if verb == "shelve":
            alert = service.shelve(alert_id, principal.name, principal.role.value, **shelving)
        else:
            alert = getattr(service, verb)(alert_id, principal.name, principal.role.value, note or None)
    except AlertNotFoundError:
        return _error(404, "not_found", f"no alert '{alert_id}'")
    except AlertClosedError:
        return _error(409, "conflict", "Cảnh báo đã đóng / alert already closed")
    except ValueError as exc:
        return _error(400, "bad_request", str(exc))
    return jsonify(alert=alert.to_json())
