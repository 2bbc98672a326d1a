"""GET /api/loudspeakers: the hamlets' loudspeaker clusters, what each is playing and what they played;
POST /api/loudspeakers/announce: an operator's typed message spoken on chosen clusters (audited)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from dashboard.auth import current_principal, require_roles
from dashboard.scoped import current_context
from dashboard.settings import Role

blueprint = Blueprint("api_loudspeakers", __name__, url_prefix="/api")


def _service() -> Any:
    from loudspeakers.service import LoudspeakerService

    alerts = current_context().alerts
    channels = getattr(getattr(alerts, "fanout", None), "channels", [])
    return next((c for c in channels if isinstance(c, LoudspeakerService)), None)


@blueprint.get("/loudspeakers")
@require_roles()
def clusters() -> Any:
    service = _service()
    if service is None:
        return jsonify(error="unavailable", message="Không có hệ thống loa / no loudspeakers"), 404
    out = []
    for cluster in service.cfg.clusters:
        playing = service.players[cluster.id].playing
        device = service.link.states[cluster.id] if service.link is not None else None
        out.append({"id": cluster.id, "name": cluster.name, "hamlet": cluster.hamlet, "mount": cluster.mount_path,
                    "playing": None if playing is None else {"label": playing.label, "kind": playing.kind.value},
                    "online": device.online if device else None, "volume": device.volume if device else None,
                    "device_playing": device.playing if device else None,
                    "last_seen": device.last_seen.isoformat() if device and device.last_seen else None})
    reports = [{"cluster": r.cluster, "label": r.label, "started_at": r.started_at, "ended_at": r.ended_at,
                "completed": r.completed} for r in (service.link.reports[-50:] if service.link else [])]
    played = [{"cluster": r.cluster, "label": r.label, "kind": r.kind.value, "completed": r.completed,
               "error": r.error, "started_at": r.started_at.isoformat(), "ended_at": r.ended_at.isoformat()}
              for r in service.records[-50:]]
    return jsonify(clusters=out, played=played, reported=reports)


@blueprint.post("/loudspeakers/announce")
@require_roles(Role.ADMIN, Role.OPERATOR)
def announce() -> Any:
    service = _service()
    if service is None:
        return jsonify(error="unavailable", message="Không có hệ thống loa / no loudspeakers"), 404
    body = request.get_json(silent=True) or {}
    text, chosen = str(body.get("text") or "").strip(), body.get("clusters") or []
    known = set(service.players)
    valid = isinstance(chosen, list) and all(isinstance(c, str) for c in chosen) and chosen and set(chosen) <= known
    if not text or len(text) > 1000 or not valid:
        return jsonify(error="bad_request", message=f"text (1–1000 ký tự) và clusters trong {sorted(known)}"), 400
    item = service.announce(text, chosen)
    principal = current_principal()
    duty = getattr(current_context().alerts, "duty", None)
    if duty is not None:
        duty.store.record(duty.now(), principal.name, "broadcast_message", None, f"{', '.join(chosen)}: {text}")
    return jsonify(id=item, clusters=chosen), 202
