"""The loudspeaker service: alarms of the broadcast rules spoken on the clusters of the hamlets they concern
(a notification channel of the alert service), operators' typed messages, and the scheduled bulletins."""

from __future__ import annotations

import logging
import queue
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.lifecycle import at_least
from alerts.models import Action, Alert, AlertTransition, Severity, Signal, Source
from alerts.sections import Announcer, AnnouncerHooks, Audit
from alerts.settings import RulesConfig, action_text
from config.commune import CommuneConfig
from ingest.settings import MqttConfig
from loudspeakers.devices import ClusterLink
from loudspeakers.player import Item, Kind, MountPlayer, PlayRecord
from loudspeakers.settings import BroadcastRuleConfig, LoudspeakersConfig
from loudspeakers.speech import Clip, alarm_speech, ogg_seconds, speak
from supervision.part import LoopThread

log = logging.getLogger(__name__)
LOUD_ACTIONS = frozenset({Action.OPENED, Action.ROSE, Action.RETURNED})


class LoudspeakerService(LoopThread):
    """Channel `loudspeakers`: `send` never blocks (speech is made on this part's own thread)."""

    name = "loudspeakers"
    interval_s = 0.0

    def __init__(self, cfg: LoudspeakersConfig, commune: CommuneConfig, rules: RulesConfig,
                 clock: Callable[[], datetime] | None = None, audit: Audit | None = None,
                 mqtt: MqttConfig | None = None, prefix: str = "",
                 on_signal: Callable[[Signal], None] | None = None) -> None:
        """`rules`: the alert rules (the spoken action of an alarm); `audit`: the duty audit."""
        super().__init__()
        self._audit = audit
        self.cfg, self.commune, self.rules = cfg, commune, rules
        self._clock = clock or (lambda: datetime.now(UTC))
        self.work_dir = Path(self.cfg.work_dir)
        self.records: list[PlayRecord] = []
        self.counts: Counter[str] = Counter()
        self.players = {c.id: MountPlayer(c, self.cfg, self._played) for c in self.cfg.clusters}
        self._alarms: queue.Queue[tuple[Alert, BroadcastRuleConfig]] = queue.Queue(maxsize=100)
        self._bulletins_done: set[str] = set()
        self._on_signal = on_signal
        clusters = [c.id for c in self.cfg.clusters]
        self.link = ClusterLink(mqtt, prefix, clusters, self._online) if mqtt is not None and clusters else None

    def start(self) -> None:
        for player in self.players.values():
            player.start()
        if self.link is not None:
            self.link.start()
        super().start()

    def stop(self, timeout_s: float = 5.0) -> None:
        super().stop(timeout_s)
        if self.link is not None:
            self.link.stop()
        for player in self.players.values():
            player.stop(timeout_s)

    def alive(self) -> bool:
        return self.thread_alive()

    def _played(self, record: PlayRecord) -> None:
        self.records.append(record)
        del self.records[:-500]
        if self._audit is not None:
            outcome = "trọn vẹn" if record.completed else (record.error or "bị ngắt")
            self._audit(record.ended_at, "system", "broadcast_played", None,
                        f"{record.cluster}: {record.label} ({record.kind.value}, {outcome})")
        self.counts["sent" if record.completed else ("failed" if record.error else "interrupted")] += 1
        log.info("loudspeakers: %s played %s (%s)%s", record.cluster, record.label, record.kind.value,
                 "" if record.completed else f" – {'cut short' if not record.error else record.error}")

    def _online(self, cluster_id: str, online: bool) -> None:
        """A cluster that says it is offline (or whose last will says so) is an alarm until it is back."""
        cluster = next(c for c in self.cfg.clusters if c.id == cluster_id)
        if self._on_signal is not None:
            self._on_signal(Signal(
                "speaker_offline", Source.DEVICE, cluster_id, not online, Severity.MAJOR,
                f"{cluster.name} mất kết nối", f"Loudspeaker cluster {cluster.name} offline",
                place=cluster.hamlet))

    # --- channel ------------------------------------------------------------------------------------
    def send(self, alert: Alert, transition: AlertTransition) -> None:
        if transition.action not in LOUD_ACTIONS:
            return
        for rule in self.cfg.alarms:
            if (not rule.rules or alert.rule in rule.rules) and at_least(alert.severity, rule.min_severity):
                try:
                    self._alarms.put_nowait((alert, rule))
                except queue.Full:
                    self.counts["dropped"] += 1
                return

    def stats(self) -> dict[str, int]:
        return {key: self.counts[key] for key in ("sent", "failed", "dropped")}

    # --- what plays ---------------------------------------------------------------------------------
    def clusters_for(self, subject: str) -> list[str]:
        return [c.id for c in self.cfg.clusters if subject in c.subjects]

    def announce(self, text: str, clusters: list[str], kind: Kind = Kind.MESSAGE, label: str = "") -> str:
        """Speak a text on these clusters; the item's id."""
        clip = speak(text, self.work_dir, self.cfg.voice, self.cfg.words_per_minute)
        return self._enqueue(clip, clusters, kind, label or text[:60])

    def announce_clip(self, clip: Clip, clusters: list[str], label: str) -> str:
        """Play a recorded message on these clusters; the item's id."""
        return self._enqueue(clip, clusters, Kind.MESSAGE, label)

    def play_bulletin(self, bulletin_id: str) -> str:
        bulletin = next(b for b in self.cfg.bulletins if b.id == bulletin_id)
        path = Path(bulletin.file)
        clip = Clip(path.read_bytes(), ogg_seconds(path), bulletin.name_vi)
        return self._enqueue(clip, bulletin.clusters or list(self.players), Kind.SCHEDULED, bulletin.name_vi)

    def _enqueue(self, clip: Clip, clusters: list[str], kind: Kind, label: str) -> str:
        item = Item(uuid.uuid4().hex[:12], kind, label, clip)
        for cluster in clusters:
            if cluster in self.players:
                self.players[cluster].enqueue(item)
        return item.id

    def turn(self) -> None:
        try:
            alert, rule = self._alarms.get(timeout=0.5)
        except queue.Empty:
            self._bulletins_due()
            return
        clusters = self.clusters_for(alert.subject)
        if clusters:
            action_vi, _ = action_text(self.rules, alert.rule)
            text = alarm_speech(alert, self.commune.name, action_vi, rule.repeat)
            self.announce(text, clusters, Kind.EMERGENCY, alert.title_vi)

    def _bulletins_due(self) -> None:
        now = self._clock().astimezone(ZoneInfo(self.commune.timezone))
        for bulletin in self.cfg.bulletins:
            key = f"{now.date()}/{bulletin.id}"
            if now.strftime("%H:%M") == bulletin.at and key not in self._bulletins_done:
                self._bulletins_done.add(key)
                self.play_bulletin(bulletin.id)


def announcer(cfg: LoudspeakersConfig, commune: CommuneConfig, rules: RulesConfig, mqtt: MqttConfig | None,
              prefix: str) -> Announcer | None:
    """The loudspeakers as the alert service's announcer (None when they are off): the wiring hands it to
    alerts.service.AlertService, which makes the channel with its clock, duty audit and signal input."""
    if not cfg.enabled:
        return None

    def make(hooks: AnnouncerHooks) -> LoudspeakerService:
        return LoudspeakerService(cfg, commune, rules, hooks.clock, hooks.audit, mqtt, prefix, hooks.on_signal)

    return make
