"""The COC's own health as the API (/api/health, /metrics) and /admin read it: frozen views of the parts, the
MQTT ingester, the store behind its writer, the cameras' count, what was lost, and at a province center each
commune's store and feed; the refused messages (dead letters) and the devices that publish without being configured.
`system_reads(ctx)` gives the reader of a context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from alerts.read_side import ChannelStats, MetricValue
from config.problems import ConfigCheck
from ingest.service import IngestStats
from ingest.state_db import UnknownDevice
from ingest.store_repair import StoreDiagnosis
from ingest.writer import WriterStats
from supervision.part import PartHealth, PartState

if TYPE_CHECKING:
    from dashboard.context import AppContext

QUARANTINED = "spool lines unreadable (quarantined; never acknowledged)"
_KEY = "system_reads"
Json = dict[str, object]


def iso_z(ts: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 UTC ending in Z (None stays None)."""
    return None if ts is None else ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class PartView:
    """One running part (writer, ingest, alerts, cameras ...): its state, why, and how often it was restarted."""

    name: str
    state: PartState
    detail: str | None
    restarts: int

    @property
    def ok(self) -> bool:
        return PartHealth(self.name, self.state).ok

    def problem(self) -> str:
        return f"{self.name} {self.state}" + (f": {self.detail}" if self.detail else "")

    def to_json(self) -> Json:
        return {"name": self.name, "state": self.state.value, "detail": self.detail, "restarts": self.restarts}


@dataclass(frozen=True, slots=True)
class StoreView:
    """The store as its writer sees it; `writer` None: no writer runs (nothing known but the backend)."""

    backend: str
    writer: WriterStats | None = None
    diagnosis: StoreDiagnosis | None = None  # why the store does not come back (only looked for while it is down)

    @property
    def ok(self) -> bool:
        return self.writer is not None and self.writer.store_ok and not self.writer.fault

    def problems(self) -> list[str]:
        w = self.writer
        if w is None:
            return []
        return ([f"store down, readings spooled: {w.last_error}"] if not w.store_ok else []) + (
            [w.fault] if w.fault else [])

    def to_json(self) -> Json:
        w = self.writer
        if w is None:
            return {"backend": self.backend, "ok": False, "spooled": 0}
        return {"backend": self.backend, "ok": self.ok, "spooled": w.pending_spool, "written": w.written,
                "queued": w.queued, "last_error": w.last_error if not w.store_ok else None, "fault": w.fault,
                "refused": w.refused, "diagnosis": self.diagnosis.as_dict() if self.diagnosis is not None else None}


@dataclass(frozen=True, slots=True)
class WorkersView:
    """The subscriber processes beside the main ingester (mqtt.workers > 1)."""

    configured: int
    alive: int
    subscribed: int


@dataclass(frozen=True, slots=True)
class MqttView:
    """The device ingester's link to the broker; `stats` None: no ingester runs."""

    stats: IngestStats | None
    workers: WorkersView | None = None

    @property
    def connected(self) -> bool:
        return self.stats is not None and self.stats.connected

    def to_json(self) -> Json:
        s = self.stats
        doc: Json = (
            {"connected": False, "messages": 0, "rejected": 0, "last_message_time": None} if s is None
            else {"connected": s.connected, "messages": s.messages, "readings": s.readings, "rejected": s.rejected,
                  "last_message_time": iso_z(s.last_message_at), "paused": s.paused})
        if self.workers is not None:
            doc["workers"] = {"configured": self.workers.configured, "alive": self.workers.alive,
                              "subscribed": self.workers.subscribed}
        return doc


@dataclass(frozen=True, slots=True)
class HealthView:
    """A commune's COC: ok only when MQTT is connected, the store takes writes, nothing stops readings from being
    made durable, and every part is running; `problems` says what is wrong in plain words."""

    commune: str
    mqtt: MqttView
    store: StoreView
    cameras_configured: int
    cameras_online: int
    parts: tuple[PartView, ...]
    losses: Mapping[str, int]

    @property
    def problems(self) -> list[str]:
        return ([] if self.mqtt.connected else ["MQTT broker not connected"]) + self.store.problems() + [
            p.problem() for p in self.parts if not p.ok]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> Json:
        return {"status": "ok" if self.ok else "degraded", "commune": self.commune, "problems": self.problems,
                "mqtt": self.mqtt.to_json(), "store": self.store.to_json(),
                "cameras": {"configured": self.cameras_configured, "online": self.cameras_online},
                "web": {"ok": True}, "parts": [p.to_json() for p in self.parts], "losses": dict(self.losses)}


@dataclass(frozen=True, slots=True)
class CommuneFeedView:
    """A commune at a province center: its store and what its feed brought and lost."""

    commune: str
    name: str
    store: StoreView
    stats: IngestStats | None
    losses: Mapping[str, int]

    def to_json(self) -> Json:
        s = self.stats
        return {"name": self.name, "store": self.store.to_json(), "messages": s.messages if s else 0,
                "readings": s.readings if s else 0, "rejected": s.rejected if s else 0,
                "last_message_time": iso_z(s.last_message_at) if s else None, "losses": dict(self.losses)}


@dataclass(frozen=True, slots=True)
class ProvinceHealthView:
    """A province center: its parts (the feed is degraded while the cluster is out of reach), and per commune of
    the caller's scope its store, what arrived and what was lost. No MQTT broker of its own."""

    province: str
    parts: tuple[PartView, ...]
    communes: tuple[CommuneFeedView, ...]

    @property
    def problems(self) -> list[str]:
        return [p.problem() for p in self.parts if not p.ok] + [
            f"{c.commune}: {problem}" for c in self.communes for problem in c.store.problems()]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> Json:
        return {"status": "ok" if self.ok else "degraded", "province": self.province, "problems": self.problems,
                "parts": [p.to_json() for p in self.parts],
                "communes": {c.commune: c.to_json() for c in self.communes}, "web": {"ok": True}}


@dataclass(frozen=True, slots=True)
class DeadLetterView:
    """A refused message: when, on which topic, the start of its payload (as text), and why."""

    id: int
    received_at: datetime
    topic: str
    payload: str
    reason: str

    def to_json(self) -> Json:
        return {"id": self.id, "received_at": self.received_at.isoformat(), "topic": self.topic,
                "payload": self.payload, "reason": self.reason}


def unknown_device_json(device: UnknownDevice) -> Json:
    """A device that publishes but is not configured, as /admin's table and the API give it."""
    return {"kind": device.kind, "device_id": device.device_id, "first_seen": device.first_seen.isoformat(),
            "last_seen": device.last_seen.isoformat(), "messages": device.messages, "last_topic": device.last_topic}


class SystemReads:
    """Reads the health figures of one context's parts; a part that is not running reads as absent."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    @property
    def ctx(self) -> AppContext:
        return self._ctx

    def parts(self) -> tuple[PartView, ...]:
        supervisor = self._ctx.supervisor
        report = supervisor.report() if supervisor is not None else []
        return tuple(PartView(p.name, p.state, p.detail, p.restarts) for p in report)

    def ingest_stats(self) -> IngestStats | None:
        return self._ctx.ingest.stats() if self._ctx.ingest is not None else None

    def writer_stats(self) -> WriterStats | None:
        return self._ctx.writer.stats() if self._ctx.writer is not None else None

    def losses(self) -> dict[str, int]:
        """Readings or messages known to be lost or set aside, per reason (ingest, workers, writer and spool)."""
        ctx, out = self._ctx, dict[str, int]()
        if ctx.ingest is not None:
            out.update(ctx.ingest.stats().losses)
        if ctx.ingest_workers is not None:
            for reason, count in ctx.ingest_workers.lost().items():
                out[reason] = out.get(reason, 0) + count
        writer = self.writer_stats()
        if writer is not None:
            for reason, count in writer.losses.items():
                out[reason] = out.get(reason, 0) + count
            if writer.quarantined_spool_lines:
                out[QUARANTINED] = writer.quarantined_spool_lines
        return out

    @property
    def backend(self) -> str:
        """The store's kind (sqlite, influxdb)."""
        return self._ctx.config.storage.backend

    def store(self) -> StoreView:
        backend = self.backend
        writer = self.writer_stats()
        if writer is None:
            return StoreView(backend)
        store = self._ctx.store
        diagnosis = store.diagnose() if store is not None and not writer.store_ok else None
        return StoreView(backend, writer, diagnosis)

    def mqtt(self) -> MqttView:
        pool = self._ctx.ingest_workers
        workers = (WorkersView(self._ctx.config.mqtt.workers - 1, pool.alive(), pool.subscribed())
                   if pool is not None else None)
        return MqttView(self.ingest_stats(), workers)

    def health(self) -> HealthView | ProvinceHealthView:
        """The health of this COC: a province center's or a commune's."""
        ctx = self._ctx
        if ctx.province is not None:
            communes = tuple(system_reads(cctx).feed(commune) for commune, cctx in ctx.province.contexts.items())
            return ProvinceHealthView(str(ctx.config.province.id), self.parts(), communes)  # type: ignore[attr-defined]
        online = ctx.cameras.online_count() if ctx.cameras is not None else 0
        return HealthView(ctx.config.commune.id, self.mqtt(), self.store(), len(ctx.config.cameras), online,
                          self.parts(), self.losses())

    def feed(self, commune: str) -> CommuneFeedView:
        """This context as one commune of a province center."""
        return CommuneFeedView(commune, self._ctx.config.commune.name, self.store(), self.ingest_stats(),
                               self.losses())

    def service_metrics(self) -> list[tuple[str, Mapping[str, MetricValue] | Mapping[str, Mapping[str, float]]]]:
        """(label, samples by name) of the alerts (per severity) and the cameras (per camera) for /metrics."""
        ctx = self._ctx
        out: list[tuple[str, Mapping[str, MetricValue] | Mapping[str, Mapping[str, float]]]] = []
        if ctx.alerts is not None:
            out.append(("severity", ctx.alerts.metrics()))
        if ctx.cameras is not None:
            out.append(("camera", ctx.cameras.metrics()))
        return out

    @property
    def tz(self) -> ZoneInfo:
        """The commune's time zone: what the admin page shows times in."""
        return ZoneInfo(self._ctx.config.commune.timezone)

    def folders(self) -> list[tuple[str, Path]]:
        """(what, where) of the folders COC fills: data, spool, and while the camera hub runs, snapshots and clips."""
        storage = self._ctx.config.storage
        places = [("data", storage.sqlite.path.parent), ("spool", storage.spool_dir)]
        if self._ctx.cameras is not None:
            system = self._ctx.cameras.system
            places += [("snapshots", system.snapshot_dir), ("clips", system.clip_dir)]
        return places

    def channel_stats(self) -> ChannelStats:
        """The notification channels' counters (sent, failed, dropped); none while the alerts service is absent."""
        return self._ctx.alerts.channel_stats() if self._ctx.alerts is not None else {}

    def check_config(self) -> ConfigCheck | None:
        """`check-config` of the running file as it is on disk now (None: COC was not started from a file)."""
        check = self._ctx.check_config
        return check() if check is not None else None

    def dead_letters(self, limit: int = 50) -> list[DeadLetterView]:
        """The newest refused messages (the ingester's, else the app-state file's)."""
        source = self._ctx.ingest or self._ctx.state_db
        found = source.dead_letters(limit) if source is not None else []
        return [DeadLetterView(d.id, d.received_at, d.topic, d.payload.decode("utf-8", errors="replace"), d.reason)
                for d in found]

    def unknown_devices(self) -> list[UnknownDevice]:
        """Devices that publish but are not configured (ingest's own record: its frozen UnknownDevice)."""
        source = self._ctx.ingest or self._ctx.state_db
        return list(source.unknown_devices()) if source is not None else []


def system_reads(ctx: AppContext) -> SystemReads:
    """The health reader of a context (kept in ctx.extras for a context seen whole; a context narrowed to some
    communes shares its extras with the whole one, so it gets its own)."""
    cached = ctx.extras.get(_KEY)
    if isinstance(cached, SystemReads) and cached.ctx is ctx:
        return cached
    reads = SystemReads(ctx)
    if ctx.scope.whole:
        ctx.extras[_KEY] = reads
    return reads
