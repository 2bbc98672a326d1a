"""GET /metrics: the Prometheus text exposition of ingest, store, spool, camera and alert counters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Response, current_app

from dashboard.api.health import losses_of
from dashboard.auth import require_roles
from dashboard.context import AppContext, seen_through_scope

blueprint = Blueprint("metrics", __name__)
Sample = tuple[str, str, str, Mapping[str, str], float]  # name, type, help, labels, value


def _label_text(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    body = ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                    for k, v in sorted(labels.items()))
    return "{" + body.replace("\n", "\\n") + "}"


def render(samples: Iterable[Sample]) -> str:
    """Samples as Prometheus text: one HELP and TYPE per metric name, then its samples."""
    lines: list[str] = []
    seen: set[str] = set()
    for name, kind, help_text, labels, value in samples:
        if name not in seen:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
            seen.add(name)
        lines.append(f"{name}{_label_text(labels)} {float(value):g}")
    return "\n".join(lines) + "\n"


def ingest_samples(ctx: AppContext) -> list[Sample]:
    out: list[Sample] = []
    if ctx.ingest is not None:
        s = ctx.ingest.stats()
        out += [
            ("coc_mqtt_connected", "gauge", "1 when the ingester is connected to the broker", {}, s.connected),
            ("coc_mqtt_messages_total", "counter", "MQTT messages received by the ingester", {}, s.messages),
            ("coc_readings_accepted_total", "counter", "Readings accepted after validation", {}, s.readings),
            ("coc_messages_rejected_total", "counter", "Messages or items refused (dead letters)", {}, s.rejected),
        ]
        out += [("coc_rejects_by_reason_total", "counter", "Refusals by reason", {"reason": r}, n)
                for r, n in sorted(s.reject_reasons.items())]
    writer = ctx.writer
    if writer is not None:
        w = writer.stats()
        backend = {"backend": ctx.config.storage.backend}
        out += [
            ("coc_store_writes_total", "counter", "Readings written to the store", backend, w.written),
            ("coc_store_batches_total", "counter", "Batches written to the store", backend, w.batches),
            ("coc_store_up", "gauge", "1 when the store takes writes", backend, w.store_ok),
            ("coc_spool_readings", "gauge", "Readings waiting in the disk spool", {}, w.pending_spool),
            ("coc_spooled_total", "counter", "Readings that went through the spool", {}, w.spooled),
            ("coc_writer_queue", "gauge", "Readings accepted and not yet in the store or the spool", {}, w.queued),
            ("coc_writer_fault", "gauge", "1 while readings cannot be made durable (e.g. disk full)", {},
             w.fault is not None),
        ]
    out += [("coc_lost_total", "counter", "Readings or messages known lost or set aside, by reason", {"reason": r}, n)
            for r, n in sorted(losses_of(ctx).items())]
    if ctx.supervisor is not None:
        for part in ctx.supervisor.report():
            out += [("coc_part_up", "gauge", "1 when the part is running normally", {"part": part.name}, part.ok),
                    ("coc_part_restarts_total", "counter", "Restarts of a part after it died", {"part": part.name},
                     part.restarts)]
    return out


def service_samples(ctx: AppContext) -> list[Sample]:
    """Samples the alerts and camera services report as {name: value} or {name: {label: value}}."""
    out: list[Sample] = []
    for part, label in ((ctx.alerts, "severity"), (ctx.cameras, "camera")):
        metrics: dict[str, Any] = part.metrics() if part is not None and hasattr(part, "metrics") else {}
        for name, value in metrics.items():
            kind = "counter" if name.endswith("_total") else "gauge"
            if isinstance(value, Mapping):
                out += [(name, kind, name.replace("_", " "), {label: k}, v) for k, v in value.items()]
            elif value is not None:
                out.append((name, kind, name.replace("_", " "), {}, value))
    return out


@blueprint.get("/metrics")
@require_roles()
def metrics() -> Response:
    ctx: AppContext = seen_through_scope(current_app.config["COC_CONTEXT"])  # a province's: the caller's communes
    body = render([*ingest_samples(ctx), *service_samples(ctx)])
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
