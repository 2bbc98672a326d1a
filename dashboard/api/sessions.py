"""Login sessions for admins: list who is logged in, end one session or every session of a user."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from dashboard import sessions
from dashboard.auth import current_principal, require_roles
from dashboard.settings import Role

blueprint = Blueprint("sessions", __name__, url_prefix="/api")
Answer = Response | tuple[Response, int]


def _by() -> str:
    principal = current_principal()
    return f"{principal.name} ({principal.via})" if principal else "?"


@blueprint.get("/sessions")
@require_roles(Role.ADMIN)
def list_sessions() -> Answer:
    live = request.args.get("all") not in ("1", "true")
    return jsonify(sessions=[s.to_json() for s in sessions.store(current_app).sessions(live_only=live)])


@blueprint.delete("/sessions/<session_id>")
@require_roles(Role.ADMIN)
def revoke_session(session_id: str) -> Answer:
    if not sessions.store(current_app).revoke(session_id, _by()):
        return jsonify(error="not_found", message="Không có phiên này / no such live session"), 404
    return jsonify(revoked=1)


@blueprint.delete("/sessions")
@require_roles(Role.ADMIN)
def revoke_user_sessions() -> Answer:
    username = request.args.get("user", "").strip()
    if not username:
        return jsonify(error="bad_request", message="?user=<tên đăng nhập> / ?user=<user name> is required"), 400
    return jsonify(revoked=sessions.store(current_app).revoke_user(username, _by()))
