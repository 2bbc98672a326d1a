"""GET /metrics: the Prometheus text exposition of ingest, store, spool, camera and alert counters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Blueprint, Response, current_app

from dashboard.auth import require_roles
from dashboard.read.system import SystemReads, system_reads
from dashboard.scoped import seen_through_scope

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


def ingest_samples(reads: SystemReads) -> list[Sample]:
    out: list[Sample] = []
    s = reads.ingest_stats()
    if s is not None:
        out += [
            ("coc_mqtt_connected", "gauge", "1 when the ingester is connected to the broker", {}, s.connected),
            ("coc_mqtt_messages_total", "counter", "MQTT messages received by the ingester", {}, s.messages),
            ("coc_readings_accepted_total", "counter", "Readings accepted after validation", {}, s.readings),
            ("coc_messages_rejected_total", "counter", "Messages or items refused (dead letters)", {}, s.rejected),
        ]
        out += [("coc_rejects_by_reason_total", "counter", "Refusals by reason", {"reason": r}, n)
                for r, n in sorted(s.reject_reasons.items())]
    w = reads.writer_stats()
    if w is not None:
        backend = {"backend": reads.backend}
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
            for r, n in sorted(reads.losses().items())]
    for part in reads.parts():
        out += [("coc_part_up", "gauge", "1 when the part is running normally", {"part": part.name}, part.ok),
                ("coc_part_restarts_total", "counter", "Restarts of a part after it died", {"part": part.name},
                 part.restarts)]
    return out


def service_samples(reads: SystemReads) -> list[Sample]:
    """Samples the alerts and camera services report as {name: value} or {name: {label: value}}."""
    out: list[Sample] = []
    for label, metrics in reads.service_metrics():
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
    reads = system_reads(seen_through_scope(current_app.config["COC_CONTEXT"]))  # a province's: the caller's communes
    body = render([*ingest_samples(reads), *service_samples(reads)])
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
