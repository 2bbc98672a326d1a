"""Camera API: list with status, latest frame, live MJPEG, camera events and their snapshots (police,
operators and admins; leaders do not see camera images)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify, request, send_file, stream_with_context

from camera.hub import merge_events
from camera.mjpeg import BOUNDARY
from camera.runtime import event_payload
from dashboard.api.params import BadParameter, parse_time, parse_unit
from dashboard.auth import require_roles
from dashboard.scoped import current_context
from dashboard.settings import Role

blueprint = Blueprint("cameras", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)
NO_STORE = {"Cache-Control": "no-store"}


def hub():  # noqa: ANN201 - camera.hub.CameraHub
    return current_context().cameras


def unit_cameras() -> set[str] | None:
    """The ids of the cameras of `?unit=` (None: no unit asked); BadParameter for an unknown unit."""
    config = current_context().config
    unit = parse_unit(request.args.get("unit"), [u.id for u in config.commune.former_units])
    return None if unit is None else {c.id for c in config.cameras if c.former_unit == unit}


def bad_unit(exc: BadParameter) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=f"unit không phải xã cũ của xã này / {exc}"), 400


def unavailable() -> tuple[Response, int]:
    return jsonify(error="unavailable", message="Hệ thống camera chưa chạy / camera system not running"), 503


def not_found(what: str) -> tuple[Response, int]:
    return jsonify(error="not_found", message=f"Không tìm thấy {what} / {what} not found"), 404


@blueprint.get("/cameras")
@require_roles(*CAMERA_ROLES)
def list_cameras():  # noqa: ANN201
    if hub() is None:
        return unavailable()
    try:
        chosen = unit_cameras()
    except BadParameter as exc:
        return bad_unit(exc)
    return jsonify(cameras=[c for c in hub().list() if chosen is None or c["id"] in chosen])


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
    try:
        chosen = unit_cameras()
    except BadParameter as exc:
        return bad_unit(exc)
    camera, type_ = request.args.get("camera") or None, request.args.get("type") or None
    if chosen is None:
        found = camera_events(camera, type_, since, limit)
    else:  # a former unit's cameras (and the asked camera only if it is one of them)
        found = []
        for cam in sorted(chosen if camera is None else chosen & {camera}):
            found = merge_events(found, camera_events(cam, type_, since, limit), limit)
    return jsonify(events=[event_payload(e) for e in found])


def camera_events(camera: str | None, type_: str | None, since: datetime | None, limit: int) -> list:
    """One camera's events (or every camera's): the workers' own and, merged, those other publishers sent."""
    found = hub().events(camera, type_, since, limit)
    state_db = current_context().state_db
    if state_db is not None:  # events other publishers sent over MQTT, recorded by ingest
        found = merge_events(found, state_db.camera_events(camera, type_, since, limit), limit)
    return found


@blueprint.get("/events/<event_id>/snapshot.jpg")
@require_roles(*CAMERA_ROLES)
def event_snapshot(event_id: str):  # noqa: ANN201
    if hub() is None:
        return unavailable()
    path = hub().event_snapshot(event_id)
    if path is None:
        return not_found("ảnh sự kiện / event snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)
