"""GET /api/health: whether ingest, store and web work (200) or not (503), with the figures behind the verdict."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from dashboard.api.params import iso
from dashboard.context import AppContext

blueprint = Blueprint("api_health", __name__, url_prefix="/api")


def health_report(ctx: AppContext) -> dict[str, Any]:
    """The health document; `status` is ok only when MQTT is connected and the store takes writes."""
    mqtt: dict[str, Any] = {"connected": False, "messages": 0, "rejected": 0, "last_message_time": None}
    if ctx.ingest is not None:
        stats = ctx.ingest.stats()
        mqtt = {"connected": stats.connected, "messages": stats.messages, "readings": stats.readings,
                "rejected": stats.rejected, "last_message_time": iso(stats.last_message_at)}
    pool = ctx.extras.get("ingest_workers")
    if pool is not None:  # mqtt.workers > 1: the subscriber processes beside the main ingester
        mqtt["workers"] = {"configured": ctx.config.mqtt.workers - 1, "alive": pool.alive(),
                           "subscribed": pool.subscribed()}
    store: dict[str, Any] = {"backend": ctx.config.storage.backend, "ok": False, "spooled": 0}
    writer = ctx.extras.get("writer")
    if writer is not None:
        w = writer.stats()
        store = {"backend": ctx.config.storage.backend, "ok": w.store_ok, "spooled": w.pending_spool,
                 "written": w.written, "queued": w.queued, "last_error": w.last_error if not w.store_ok else None}
    cameras = {"configured": len(ctx.config.cameras), "online": 0}
    if ctx.cameras is not None and hasattr(ctx.cameras, "online_count"):
        cameras["online"] = ctx.cameras.online_count()
    ok = bool(mqtt["connected"]) and bool(store["ok"])
    return {"status": "ok" if ok else "degraded", "commune": ctx.config.commune.id,
            "mqtt": mqtt, "store": store, "cameras": cameras, "web": {"ok": True}}


@blueprint.get("/health")
def health() -> Any:
    report = health_report(current_app.config["COC_CONTEXT"])
    return jsonify(report), 200 if report["status"] == "ok" else 503
