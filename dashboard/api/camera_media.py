"""Camera evidence API for the police roles (leaders see no images): stored snapshots by path, event clips
(each view audited), the review timeline with filters, false-alarm marks and the evidence ZIP (audited)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, request, send_file

from camera.review import ReviewLog, ReviewMark
from config.ids import LONG_ID_MAX, is_id, is_relative_path
from dashboard.api.params import BadParameter, parse_time
from dashboard.auth import current_principal, require_roles
from dashboard.camera_audit import read_access, record_access
from dashboard.camera_events import ReviewFilter, review_rows, safe_file
from dashboard.evidence import evidence_name, evidence_zip
from dashboard.scoped import current_context
from dashboard.settings import Role

blueprint = Blueprint("camera_media", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)


def ctx() -> Any:
    return current_context()


def system() -> Any:
    """The camera options of the running hub (tests give it their own folders), else of the configuration."""
    return ctx().cameras.system if ctx().cameras is not None else ctx().config.camera


def not_found(vi: str, en: str):  # noqa: ANN201
    return jsonify(error="not_found", message=f"Không tìm thấy {vi} / {en} not found"), 404


def audit(action: str, event_id: str, camera: str, **detail: Any) -> None:
    who = current_principal()
    record_access(
        system().access_log,
        action,
        who.name if who else "?",
        who.role.value if who else "?",
        event_id,
        camera,
        ip=request.remote_addr,
        **detail,
    )


@blueprint.get("/snapshots/<path:relative>")
@require_roles(*CAMERA_ROLES)
def stored_snapshot(relative: str):  # noqa: ANN201
    """A snapshot by its path under the snapshot directory, as events carry it."""
    path = safe_file(system().snapshot_dir, relative) if is_relative_path(relative) else None
    if path is None or path.suffix.lower() not in (".jpg", ".jpeg"):
        return not_found("ảnh", "snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)


@blueprint.get("/clips/<path:relative>")
@require_roles(*CAMERA_ROLES)
def clip(relative: str):  # noqa: ANN201
    """An event clip (MP4, byte ranges for the browser's player); the first request of a view is audited."""
    path = safe_file(system().clip_dir, relative) if is_relative_path(relative) else None
    if path is None or path.suffix.lower() != ".mp4":
        return not_found("đoạn phim", "clip")
    if request.range is None or request.range.ranges[0][0] == 0:  # a view starts at byte 0
        audit("clip_view", path.stem, relative.split("/", 1)[0], clip=relative)
    return send_file(path, mimetype="video/mp4", conditional=True, max_age=0)


def review_filter() -> ReviewFilter:
    args = request.args
    return ReviewFilter(
        start=parse_time(args["start"], "start", None, naive_utc=True) if args.get("start") else None,
        end=parse_time(args["end"], "end", None, naive_utc=True) if args.get("end") else None,
        camera=args.get("camera") or None,
        area=args.get("area") or None,
        zone=args.get("zone") or None,
        type=args.get("type") or None,
        false_alarms=args.get("false_alarms", "1") not in ("0", "false", "no"),
    )


@blueprint.get("/events/review")
@require_roles(*CAMERA_ROLES)
def review():  # noqa: ANN201
    """Event episodes (start, end, duration, peak score, snapshot, clip, status) matching the filters."""
    try:
        flt = review_filter()
    except BadParameter as exc:
        return jsonify(error="bad_request", message=str(exc)), 400
    tz = ZoneInfo(ctx().config.commune.timezone)
    false_ids = ReviewLog(system().review_log).false_alarms()
    return jsonify(events=review_rows(ctx(), flt, false_ids, system().clip_dir, tz))


def find_episode(event_id: str) -> dict | None:
    tz = ZoneInfo(ctx().config.commune.timezone)
    camera = next((c.id for c in ctx().config.cameras if event_id.startswith(f"{c.id}-")), None)
    if camera is None:
        return None
    rows = review_rows(
        ctx(),
        ReviewFilter(camera=camera),
        ReviewLog(system().review_log).false_alarms(),
        system().clip_dir,
        tz,
        limit=5000,
    )
    return next((r for r in rows if r["event_id"] == event_id), None)


@blueprint.post("/events/<event_id>/false-alarm")
@require_roles(*CAMERA_ROLES)
def false_alarm(event_id: str):  # noqa: ANN201
    """Body `{"false_alarm": true, "note": "..."}`: mark (or unmark) an event; the event is kept."""
    row = find_episode(event_id)
    if row is None:
        return not_found("sự kiện", "event")
    body = request.get_json(silent=True) or {}
    flag, note = bool(body.get("false_alarm", True)), str(body.get("note") or "")[:500]
    who = current_principal()
    mark_false_alarm(event_id, row["camera"], flag, who.name if who else "?", note)
    audit("false_alarm" if flag else "false_alarm_undo", event_id, row["camera"], note=note)
    return jsonify(event_id=event_id, false_alarm=flag)


def mark_false_alarm(event_id: str, camera: str, flag: bool, who: str, note: str) -> None:
    ReviewLog(system().review_log).append(ReviewMark(event_id, camera, flag, who, datetime.now(UTC), note))


@blueprint.get("/events/<event_id>/evidence.zip")
@require_roles(*CAMERA_ROLES)
def evidence(event_id: str):  # noqa: ANN201
    """One ZIP: clip, snapshot, metadata JSON (who exported it, when) and a SHA-256 manifest; audited."""
    if not is_id(event_id, LONG_ID_MAX):  # also refused in front of every route (request_limits)
        return not_found("sự kiện", "event")
    row = find_episode(event_id)
    if row is None:
        return not_found("sự kiện", "event")
    who = current_principal()
    files: dict[str, Path] = {}
    for key, root in (("snapshot", system().snapshot_dir), ("clip", system().clip_dir)):
        path = safe_file(root, row[key]) if is_relative_path(row.get(key)) else None
        if path is not None:
            files[f"{key}{path.suffix}"] = path
    exported_by = {"name": who.name if who else "?", "role": who.role.value if who else "?"}
    data, digest = evidence_zip(row, files, exported_by, ctx().config.commune.id)
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=evidence_name(event_id), max_age=0)  # werkzeug quotes the name
    response.headers["Cache-Control"] = "no-store"
    audit("export", event_id, row["camera"], sha256=digest, files=sorted(files))  # once the answer is built
    return response


@blueprint.get("/audit/camera-access")
@require_roles(Role.ADMIN)
def access_log():  # noqa: ANN201
    """Who viewed which clip and exported which evidence, newest first (admins)."""
    return jsonify(accesses=read_access(system().access_log, 500))
