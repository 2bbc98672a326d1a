"""GET /api/loudspeakers: the hamlets' loudspeaker clusters, what each is playing and what they played;
POST /api/loudspeakers/announce: an operator's typed message spoken on chosen clusters (audited, through
dashboard.broadcast as the pages' messages are)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from dashboard.auth import current_principal, require_roles
from dashboard.broadcast import broadcast, loud_service
from dashboard.read.alerts import current_alert_reads
from dashboard.scoped import current_context
from dashboard.settings import Role
from loudspeakers.devices import ClusterState
from loudspeakers.player import PlayRecord
from loudspeakers.service import LoudspeakerService
from loudspeakers.settings import ClusterConfig

blueprint = Blueprint("api_loudspeakers", __name__, url_prefix="/api")
Answer = Response | tuple[Response, int]
Json = dict[str, object]


def _unavailable() -> tuple[Response, int]:
    return jsonify(error="unavailable", message="Không có hệ thống loa / no loudspeakers"), 404


def _cluster(service: LoudspeakerService, cluster: ClusterConfig, device: ClusterState | None) -> Json:
    playing = service.players[cluster.id].playing
    return {"id": cluster.id, "name": cluster.name, "hamlet": cluster.hamlet, "mount": cluster.mount_path,
            "playing": None if playing is None else {"label": playing.label, "kind": playing.kind.value},
            "online": device.online if device else None, "volume": device.volume if device else None,
            "device_playing": device.playing if device else None,
            "last_seen": device.last_seen.isoformat() if device and device.last_seen else None}


def _played(record: PlayRecord) -> Json:
    return {"cluster": record.cluster, "label": record.label, "kind": record.kind.value,
            "completed": record.completed, "error": record.error, "started_at": record.started_at.isoformat(),
            "ended_at": record.ended_at.isoformat()}


@blueprint.get("/loudspeakers")
@require_roles()
def clusters() -> Answer:
    service = loud_service(current_context())
    if service is None:
        return _unavailable()
    link = service.link
    out = [_cluster(service, c, link.states[c.id] if link is not None else None) for c in service.cfg.clusters]
    reports = [{"cluster": r.cluster, "label": r.label, "started_at": r.started_at, "ended_at": r.ended_at,
                "completed": r.completed} for r in (link.reports[-50:] if link else [])]
    return jsonify(clusters=out, played=[_played(r) for r in service.records[-50:]], reported=reports)


@blueprint.post("/loudspeakers/announce")
@require_roles(Role.ADMIN, Role.OPERATOR)
def announce() -> Answer:
    reads = current_alert_reads()
    service = loud_service(current_context())
    principal = current_principal()
    if service is None or principal is None:
        return _unavailable()
    body = request.get_json(silent=True) or {}
    text, chosen = str(body.get("text") or "").strip(), body.get("clusters") or []
    known = set(service.players)
    valid = isinstance(chosen, list) and all(isinstance(c, str) for c in chosen) and chosen and set(chosen) <= known
    if not text or len(text) > 1000 or not valid:
        return jsonify(error="bad_request", message=f"text (1–1000 ký tự) và clusters trong {sorted(known)}"), 400
    item = broadcast(reads, service, principal.name, text, chosen)
    return jsonify(id=item, clusters=chosen), 202
