"""Camera evidence API for the police roles (leaders see no images): stored snapshots by path, event clips
(each view audited), the review timeline with filters, false-alarm marks and the evidence ZIP (audited)."""

from __future__ import annotations

import io

from flask import Blueprint, Response, jsonify, request, send_file

from config.ids import LONG_ID_MAX, is_id
from dashboard.api.params import EARLIEST, BadParameter, iso, parse_time
from dashboard.auth import current_principal, require_roles
from dashboard.camera_audit import AccessDetail
from dashboard.evidence import evidence_name, evidence_zip
from dashboard.read.camera_views import EpisodeView, ReviewFilter
from dashboard.read.cameras import CameraReads, camera_reads
from dashboard.scoped import current_context
from dashboard.settings import Role

blueprint = Blueprint("camera_media", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)
Answer = Response | tuple[Response, int]


def reads() -> CameraReads:
    return camera_reads(current_context())


def not_found(vi: str, en: str) -> tuple[Response, int]:
    return jsonify(error="not_found", message=f"Không tìm thấy {vi} / {en} not found"), 404


def audit(action: str, event_id: str, camera: str, **detail: AccessDetail) -> None:
    who = current_principal()
    reads().audit(action, who.name if who else "?", who.role.value if who else "?", event_id, camera,
                  ip=request.remote_addr, **detail)


def episode_document(ep: EpisodeView) -> dict[str, object]:
    """An event episode as GET /api/events/review shows it (and, without its addresses, the evidence ZIP)."""
    return {
        "event_id": ep.event_id, "camera": ep.camera, "type": ep.type.value, "zone": ep.zone,
        "start": iso(ep.start), "end": iso(ep.end), "score": ep.score, "snapshot": ep.snapshot, "clip": ep.clip,
        "status": ep.status.value, "camera_name": ep.camera_name, "area": ep.area, "duration_s": ep.duration_s,
        "local_time": ep.local_time, "snapshot_url": ep.snapshot_url, "clip_url": ep.clip_url,
    }


@blueprint.get("/snapshots/<path:relative>")
@require_roles(*CAMERA_ROLES)
def stored_snapshot(relative: str) -> Answer:
    """A snapshot by its path under the snapshot directory, as events carry it."""
    path = reads().snapshot_file(relative)
    if path is None:
        return not_found("ảnh", "snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)


@blueprint.get("/clips/<path:relative>")
@require_roles(*CAMERA_ROLES)
def clip(relative: str) -> Answer:
    """An event clip (MP4, byte ranges for the browser's player); the first request of a view is audited."""
    path = reads().clip_file(relative)
    if path is None:
        return not_found("đoạn phim", "clip")
    if request.range is None or request.range.ranges[0][0] == 0:  # a view starts at byte 0
        audit("clip_view", path.stem, relative.split("/", 1)[0], clip=relative)
    return send_file(path, mimetype="video/mp4", conditional=True, max_age=0)


def review_filter() -> ReviewFilter:
    args = request.args
    start, end = args.get("start"), args.get("end")
    return ReviewFilter(
        start=parse_time(start, "start", EARLIEST, naive_utc=True) if start else None,
        end=parse_time(end, "end", EARLIEST, naive_utc=True) if end else None,
        camera=args.get("camera") or None,
        area=args.get("area") or None,
        zone=args.get("zone") or None,
        type=args.get("type") or None,
        false_alarms=args.get("false_alarms", "1") not in ("0", "false", "no"),
    )


@blueprint.get("/events/review")
@require_roles(*CAMERA_ROLES)
def review() -> Answer:
    """Event episodes (start, end, duration, peak score, snapshot, clip, status) matching the filters."""
    try:
        flt = review_filter()
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    return jsonify(events=[episode_document(ep) for ep in reads().episodes(flt)])


@blueprint.post("/events/<event_id>/false-alarm")
@require_roles(*CAMERA_ROLES)
def false_alarm(event_id: str) -> Answer:
    """Body `{"false_alarm": true, "note": "..."}`: mark (or unmark) an event; the event is kept."""
    cams = reads()
    episode = cams.episode(event_id)
    if episode is None:
        return not_found("sự kiện", "event")
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    flag, note = bool(body.get("false_alarm", True)), str(body.get("note") or "")[:500]
    who = current_principal()
    cams.mark_false_alarm(event_id, episode.camera, flag, who.name if who else "?", note)
    audit("false_alarm" if flag else "false_alarm_undo", event_id, episode.camera, note=note)
    return jsonify(event_id=event_id, false_alarm=flag)


@blueprint.get("/events/<event_id>/evidence.zip")
@require_roles(*CAMERA_ROLES)
def evidence(event_id: str) -> Answer:
    """One ZIP: clip, snapshot, metadata JSON (who exported it, when) and a SHA-256 manifest; audited."""
    if not is_id(event_id, LONG_ID_MAX):  # also refused in front of every route (request_limits)
        return not_found("sự kiện", "event")
    cams = reads()
    episode = cams.episode(event_id)
    if episode is None:
        return not_found("sự kiện", "event")
    who = current_principal()
    files = cams.evidence_files(episode)
    exported_by = {"name": who.name if who else "?", "role": who.role.value if who else "?"}
    data, digest = evidence_zip(episode_document(episode), files, exported_by, cams.commune.id)
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=evidence_name(event_id), max_age=0)  # werkzeug quotes the name
    response.headers["Cache-Control"] = "no-store"
    audit("export", event_id, episode.camera, sha256=digest, files=sorted(files))  # once the answer is built
    return response


@blueprint.get("/audit/camera-access")
@require_roles(Role.ADMIN)
def access_log() -> Answer:
    """Who viewed which clip and exported which evidence, newest first (admins)."""
    return jsonify(accesses=reads().accesses(500))
