"""Camera API: list with status, latest frame, live MJPEG, camera events and their snapshots (police,
operators and admins; leaders do not see camera images)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify, request, send_file, stream_with_context

from camera.mjpeg import BOUNDARY
from camera.models import CameraEvent
from camera.runtime import event_payload
from dashboard.api.params import EARLIEST, BadParameter, iso, parse_time, parse_unit
from dashboard.auth import require_roles
from dashboard.read.camera_views import CameraStatusView
from dashboard.read.cameras import CameraReads, camera_reads
from dashboard.scoped import current_context
from dashboard.settings import Role

blueprint = Blueprint("cameras", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)
NO_STORE = {"Cache-Control": "no-store"}
Answer = Response | tuple[Response, int]


def reads() -> CameraReads:
    return camera_reads(current_context())


def status_document(view: CameraStatusView) -> dict[str, object]:
    """A camera as GET /api/cameras shows it."""
    return {
        "id": view.id, "name": view.name, "url": view.url, "enabled": view.enabled, "online": view.online,
        "last_frame": iso(view.last_frame), "fps": view.fps, "analysis_fps": view.analysis_fps, "lag_s": view.lag_s,
        "reconnects": view.reconnects, "dropped": view.dropped, "width": view.width, "height": view.height,
        "flood_point": view.flood_point, "former_unit": view.former_unit, "zones": list(view.zones),
        "age_s": view.age_s, "events_today": view.events_today,
    }


def event_document(event: CameraEvent) -> dict[str, object]:
    """A camera event as GET /api/events shows it: the JSON object of its MQTT topic."""
    document: dict[str, object] = event_payload(event)
    return document


def unit_cameras(cams: CameraReads) -> set[str] | None:
    """The ids of the cameras of `?unit=` (None: no unit asked); BadParameter for an unknown unit."""
    unit = parse_unit(request.args.get("unit"), [u.id for u in cams.commune.former_units])
    return None if unit is None else cams.unit_cameras(unit)


def bad_unit(exc: BadParameter) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=f"unit không phải xã cũ của xã này / {exc}"), 400


def unavailable() -> tuple[Response, int]:
    return jsonify(error="unavailable", message="Hệ thống camera chưa chạy / camera system not running"), 503


def not_found(what: str) -> tuple[Response, int]:
    return jsonify(error="not_found", message=f"Không tìm thấy {what} / {what} not found"), 404


@blueprint.get("/cameras")
@require_roles(*CAMERA_ROLES)
def list_cameras() -> Answer:
    cams = reads()
    if not cams.running:
        return unavailable()
    try:
        chosen = unit_cameras(cams)
    except BadParameter as exc:
        return bad_unit(exc)
    return jsonify(cameras=[status_document(c) for c in cams.statuses() if chosen is None or c.id in chosen])


@blueprint.get("/cameras/<camera_id>/snapshot.jpg")
@require_roles(*CAMERA_ROLES)
def snapshot(camera_id: str) -> Answer:
    cams = reads()
    if not cams.running:
        return unavailable()
    if not cams.knows(camera_id):
        return not_found("camera")
    jpeg = cams.latest_jpeg(camera_id)
    if jpeg is None:
        return jsonify(error="no_frame", message="Chưa có hình / no frame yet"), 503
    return Response(jpeg, mimetype="image/jpeg", headers=NO_STORE)


@blueprint.get("/cameras/<camera_id>/stream.mjpg")
@require_roles(*CAMERA_ROLES)
def stream(camera_id: str) -> Answer:
    cams = reads()
    if not cams.running:
        return unavailable()
    if not cams.knows(camera_id):
        return not_found("camera")
    return Response(
        stream_with_context(cams.stream(camera_id)),
        mimetype=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
        headers=NO_STORE,
    )


def parse_since(text: str | None) -> datetime | None:
    """`since` as aware UTC (a time without offset is UTC); BadParameter when it is not a usable time."""
    return parse_time(text, "since", EARLIEST, naive_utc=True) if text else None


def parse_limit(text: str | None) -> int:
    """`limit`: 1 to 1000 (200 when absent); ValueError otherwise."""
    limit = min(int(text if text is not None else 200), 1000)
    if limit < 1:
        raise ValueError(limit)
    return limit


@blueprint.get("/events")
@require_roles(*CAMERA_ROLES)
def events() -> Answer:
    cams = reads()
    if not cams.running:
        return unavailable()
    try:
        since = parse_since(request.args.get("since"))
    except BadParameter as exc:
        return jsonify(error="bad_request", message=f"since phải là ISO 8601 / {exc}"), 400
    try:
        limit = parse_limit(request.args.get("limit"))
    except ValueError:
        return jsonify(error="bad_request", message="limit phải là số từ 1 / limit must be a number from 1"), 400
    try:
        chosen = unit_cameras(cams)
    except BadParameter as exc:
        return bad_unit(exc)
    camera, type_ = request.args.get("camera") or None, request.args.get("type") or None
    found = cams.events(camera, type_, since, limit, within=chosen)  # a former unit's: only its cameras
    return jsonify(events=[event_document(e) for e in found])


@blueprint.get("/events/<event_id>/snapshot.jpg")
@require_roles(*CAMERA_ROLES)
def event_snapshot(event_id: str) -> Answer:
    cams = reads()
    if not cams.running:
        return unavailable()
    path = cams.event_snapshot(event_id)
    if path is None:
        return not_found("ảnh sự kiện / event snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)
