"""Camera API: list with status, latest frame, live MJPEG, camera events and their snapshots (police,
operators and admins; leaders do not see camera images)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, jsonify, request, send_file, stream_with_context

from camera.hub import merge_events
from camera.mjpeg import BOUNDARY
from camera.runtime import event_payload
from dashboard.api.params import BadParameter, parse_time
from dashboard.auth import require_roles
from dashboard.settings import Role

blueprint = Blueprint("cameras", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)
NO_STORE = {"Cache-Control": "no-store"}


def hub():  # noqa: ANN201 - camera.hub.CameraHub
    return current_app.config["COC_CONTEXT"].cameras


def unavailable() -> tuple[Response, int]:
    return jsonify(error="unavailable", message="Hệ thống camera chưa chạy / camera system not running"), 503


def not_found(what: str) -> tuple[Response, int]:
    return jsonify(error="not_found", message=f"Không tìm thấy {what} / {what} not found"), 404


@blueprint.get("/cameras")
@require_roles(*CAMERA_ROLES)
def list_cameras():  # noqa: ANN201
    if hub() is None:
        return unavailable()
    return jsonify(cameras=hub().list())


@blueprint.get("/cameras/<camera_id>/snapshot.jpg")
@require_roles(*CAMERA_ROLES)
def snapshot(camera_id: str):  # noqa: ANN201
    if hub() is None:
        return unavailable()
    if camera_id not in hub().cameras:
        return not_found("camera")
    jpeg = hub().latest_jpeg(camera_id)
    if jpeg is None:
        return jsonify(error="no_frame", message="Chưa có hình / no frame yet"), 503
    return Response(jpeg, mimetype="image/jpeg", headers=NO_STORE)


@blueprint.get("/cameras/<camera_id>/stream.mjpg")
@require_roles(*CAMERA_ROLES)
def stream(camera_id: str):  # noqa: ANN201
    if hub() is None:
        return unavailable()
    if camera_id not in hub().cameras:
        return not_found("camera")
    return Response(
        stream_with_context(hub().stream(camera_id)),
        mimetype=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
        headers=NO_STORE,
    )


def parse_since(text: str | None) -> datetime | None:
    """`since` as aware UTC (a time without offset is UTC); BadParameter when it is not a usable time."""
    return parse_time(text, "since", None, naive_utc=True) if text else None  # type: ignore[arg-type]


@blueprint.get("/events")
@require_roles(*CAMERA_ROLES)
def events():  # noqa: ANN201
    if hub() is None:
        return unavailable()
    try:
        since = parse_since(request.args.get("since"))
    except BadParameter as exc:
        return jsonify(error="bad_request", message=f"since phải là ISO 8601 / {exc}"), 400
    try:
        limit = min(int(request.args.get("limit", 200)), 1000)
        if limit < 1:
            raise ValueError
    except ValueError:
        return jsonify(error="bad_request", message="limit phải là số từ 1 / limit must be a number from 1"), 400
    camera, type_ = request.args.get("camera") or None, request.args.get("type") or None
    found = hub().events(camera, type_, since, limit)
    state_db = current_app.config["COC_CONTEXT"].state_db
    if state_db is not None:  # events other publishers sent over MQTT, recorded by ingest
        found = merge_events(found, state_db.camera_events(camera, type_, since, limit), limit)
    return jsonify(events=[event_payload(e) for e in found])


@blueprint.get("/events/<event_id>/snapshot.jpg")
@require_roles(*CAMERA_ROLES)
def event_snapshot(event_id: str):  # noqa: ANN201
    if hub() is None:
        return unavailable()
    path = hub().event_snapshot(event_id)
    if path is None:
        return not_found("ảnh sự kiện / event snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)
