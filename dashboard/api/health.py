"""GET /api/health: whether ingest, store and web work (200) or not (503), with the figures behind the verdict."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from dashboard.api.params import iso
from dashboard.context import AppContext, seen_through_scope

blueprint = Blueprint("api_health", __name__, url_prefix="/api")


def losses_of(ctx: AppContext) -> dict[str, int]:
    """Readings or messages known to be lost or set aside, per reason (ingest, writer and spool together)."""
    out: dict[str, int] = {}
    if ctx.ingest is not None:
        out.update(ctx.ingest.stats().losses)
    if ctx.ingest_workers is not None:
        for reason, count in ctx.ingest_workers.lost().items():
            out[reason] = out.get(reason, 0) + count
    if ctx.writer is not None:
        w = ctx.writer.stats()
        for reason, count in w.losses.items():
            out[reason] = out.get(reason, 0) + count
        if w.quarantined_spool_lines:
            out["spool lines unreadable (quarantined; never acknowledged)"] = w.quarantined_spool_lines
    return out


def store_state(ctx: AppContext) -> tuple[dict[str, Any], list[str]]:
    """The store section of the health document (from the writer's figures) and what is wrong with it."""
    problems: list[str] = []
    store: dict[str, Any] = {"backend": ctx.config.storage.backend, "ok": False, "spooled": 0}
    writer = ctx.writer
    if writer is not None:
        w = writer.stats()
        store = {"backend": ctx.config.storage.backend, "ok": w.store_ok and not w.fault, "spooled": w.pending_spool,
                 "written": w.written, "queued": w.queued, "last_error": w.last_error if not w.store_ok else None,
                 "fault": w.fault, "refused": w.refused}
        diagnose = getattr(ctx.store, "diagnose", None)  # why a store does not come back (e.g. after a power cut)
        diagnosis = diagnose() if diagnose is not None and not w.store_ok else None
        store["diagnosis"] = diagnosis.as_dict() if diagnosis is not None else None
        if not w.store_ok:
            problems.append(f"store down, readings spooled: {w.last_error}")
        if w.fault:
            problems.append(w.fault)
    return store, problems


def province_health_report(ctx: AppContext) -> dict[str, Any]:
    """A province center's health: its parts (the feed is degraded while the cluster is out of reach), and per
    commune its store, what arrived and what was lost. No MQTT broker of its own: the cluster is the feed's."""
    parts = ctx.supervisor.report() if ctx.supervisor is not None else []
    problems = [f"{p.name} {p.state}" + (f": {p.detail}" if p.detail else "") for p in parts if not p.ok]
    communes: dict[str, Any] = {}
    for commune, cctx in ctx.province.contexts.items():
        store, store_problems = store_state(cctx)
        problems += [f"{commune}: {problem}" for problem in store_problems]
        stats = cctx.ingest.stats()  # every commune at a province has its ingester (fed by the cluster)
        communes[commune] = {"name": cctx.config.commune.name, "store": store, "messages": stats.messages,
                             "readings": stats.readings, "rejected": stats.rejected,
                             "last_message_time": iso(stats.last_message_at), "losses": losses_of(cctx)}
    return {"status": "degraded" if problems else "ok", "province": ctx.config.province.id, "problems": problems,
            "parts": [{"name": p.name, "state": p.state.value, "detail": p.detail, "restarts": p.restarts}
                      for p in parts],
            "communes": communes, "web": {"ok": True}}


def health_report(ctx: AppContext) -> dict[str, Any]:
    """The health document; `status` is ok only when MQTT is connected, the store takes writes, nothing stops
    readings from being made durable, and every part is running. `problems` says what is wrong in plain words."""
    problems: list[str] = []
    mqtt: dict[str, Any] = {"connected": False, "messages": 0, "rejected": 0, "last_message_time": None}
    if ctx.ingest is not None:
        stats = ctx.ingest.stats()
        mqtt = {"connected": stats.connected, "messages": stats.messages, "readings": stats.readings,
                "rejected": stats.rejected, "last_message_time": iso(stats.last_message_at),
                "paused": stats.paused}
    if not mqtt["connected"]:
        problems.append("MQTT broker not connected")
    pool = ctx.ingest_workers
    if pool is not None:  # mqtt.workers > 1: the subscriber processes beside the main ingester
        mqtt["workers"] = {"configured": ctx.config.mqtt.workers - 1, "alive": pool.alive(),
                           "subscribed": pool.subscribed()}
    store, store_problems = store_state(ctx)
    problems += store_problems
    cameras = {"configured": len(ctx.config.cameras), "online": 0}
    if ctx.cameras is not None and hasattr(ctx.cameras, "online_count"):
        cameras["online"] = ctx.cameras.online_count()
    parts = ctx.supervisor.report() if ctx.supervisor is not None else []
    problems += [f"{p.name} {p.state}" + (f": {p.detail}" if p.detail else "") for p in parts if not p.ok]
    return {"status": "degraded" if problems else "ok", "commune": ctx.config.commune.id, "problems": problems,
            "mqtt": mqtt, "store": store, "cameras": cameras, "web": {"ok": True},
            "parts": [{"name": p.name, "state": p.state.value, "detail": p.detail, "restarts": p.restarts}
                      for p in parts],
            "losses": losses_of(ctx)}


def health_of(ctx: AppContext) -> dict[str, Any]:
    """The health document of this COC: a province center's or a commune's."""
    return province_health_report(ctx) if ctx.province is not None else health_report(ctx)


@blueprint.get("/health")
def health() -> Any:
    """At a province center: its parts, and the communes of the caller's scope (none for an anonymous probe)."""
    report = health_of(seen_through_scope(current_app.config["COC_CONTEXT"]))
    return jsonify(report), 200 if report["status"] == "ok" else 503
