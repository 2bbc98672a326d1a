"""Camera media API: stored snapshots by path (ours and an NVR's) for the police roles; leaders see no images."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, send_file

from dashboard.auth import require_roles
from dashboard.camera_events import safe_file
from dashboard.settings import Role

blueprint = Blueprint("camera_media", __name__, url_prefix="/api")
CAMERA_ROLES = (Role.POLICE, Role.OPERATOR, Role.ADMIN)


def not_found(what: str):  # noqa: ANN201
    return jsonify(error="not_found", message=f"Không tìm thấy {what} / {what} not found"), 404


def snapshot_root():  # noqa: ANN201 - Path
    """The running camera hub's snapshot directory, else the configured one."""
    ctx = current_app.config["COC_CONTEXT"]
    return ctx.cameras.system.snapshot_dir if ctx.cameras is not None else ctx.config.camera.snapshot_dir


@blueprint.get("/snapshots/<path:relative>")
@require_roles(*CAMERA_ROLES)
def stored_snapshot(relative: str):  # noqa: ANN201
    """A snapshot by its path under the snapshot directory, as events carry it."""
    path = safe_file(snapshot_root(), relative)
    if path is None or path.suffix.lower() not in (".jpg", ".jpeg"):
        return not_found("ảnh / snapshot")
    return send_file(path, mimetype="image/jpeg", max_age=3600)
