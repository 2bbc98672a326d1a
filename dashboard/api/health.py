"""GET /api/health: whether ingest, store and web work (200) or not (503), with the figures behind the verdict
(dashboard.read.system's views, serialised)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from dashboard.read.system import system_reads
from dashboard.scoped import seen_through_scope

blueprint = Blueprint("api_health", __name__, url_prefix="/api")


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    """At a province center: its parts, and the communes of the caller's scope (none for an anonymous probe)."""
    view = system_reads(seen_through_scope(current_app.config["COC_CONTEXT"])).health()
    return jsonify(view.to_json()), 200 if view.ok else 503
