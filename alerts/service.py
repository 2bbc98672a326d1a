"""The alert service: feeds readings, events, status and health through the rules into the alert book."""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.book import AlertBook, AlertNotFoundError
from alerts.deliveries import Driver
from alerts.duty_desk import DutyDesk
from alerts.lifecycle import AlertClosedError
from alerts.messages import log_transition
from alerts.models import (
    Action,
    Alert,
    AlertDetail,
    AlertTransition,
    PersonAction,
    Severity,
    Signal,
    Source,
    Status,
    statuses_for,
)
from alerts.notify import Channel, Fanout, MqttChannel, WebhookChannel
from alerts.read_side import MetricValue
from alerts.rules.air import AirIndex, AirRule
from alerts.rules.camera import CameraRule
from alerts.rules.device import BatteryRule, OfflineRule, StuckRule, is_offline
from alerts.rules.flood import FloodLevel, FloodRule, level_from_thresholds
from alerts.rules.system import Health, SystemRule
from alerts.sections import AlertSections, Announcer, AnnouncerHooks
from alerts.settings import AlertsConfig
from alerts.store import AlertQuery, AlertStore
from camera.models import CameraEvent, EventPhase, EventType
from ingest.live_state import LiveState
from ingest.settings import MqttConfig
from sensors.models import DeviceKind, Reading
from supervision.part import LoopThread, PartHealth, PartState

log = logging.getLogger(__name__)

__all__ = ["AlertClosedError", "AlertNotFoundError", "AlertService", "AlertDetail"]


class AlertService:
    """Rules → lifecycle → store and channels. `on_*` are the ingester's listeners; they never block on I/O
    beyond one SQLite write per changed alert."""

    name = "alerts"

    def __init__(self, config: AlertSections, topic_prefix: str, mqtt: MqttConfig | None, db_path: str | Path,
                 live_state: LiveState | None = None, *, air_index: AirIndex | None = None,
                 flood_level: FloodLevel = level_from_thresholds, health: Health | None = None,
                 clock: Callable[[], datetime] | None = None, channels: list[Channel] | None = None,
                 duty_drivers: list[Driver] | None = None, announcer: Announcer | None = None) -> None:
        """`announcer` (made by the wiring: the hamlets' loudspeakers) becomes one more channel, given this
        service's clock, duty audit and signal input."""
        self.config = config
        self.cfg: AlertsConfig = config.alerts
        self.live = live_state
        self._clock = clock or (lambda: datetime.now(UTC))
        self.air_index, self._health = air_index, health  # air_index: replaceable (tests read the store uncached)
        self._sensors = {s.id: s for s in config.sensors}
        self._cameras = {c.id: c.name for c in config.cameras}
        self._units = {Source.CAMERA: config.camera_units(), Source.SYSTEM: {}}
        self._sensor_units = config.sensor_units()
        rules = self.cfg.rules
        self.air, self.flood = AirRule(rules.air), FloodRule(rules.flood, flood_level)
        self.offline, self.stuck = OfflineRule(rules.offline), StuckRule(rules.stuck)
        self.battery = BatteryRule(rules.battery)
        self.camera, self.system = CameraRule(rules.camera), SystemRule(rules.system)
        if channels is None:
            channels = default_channels(self.cfg, topic_prefix, mqtt, config.commune.timezone)
        # alarms spoken on the hamlets' loudspeakers (issue 21): the channel made, for the wiring to hand on
        self.announced = (announcer(AnnouncerHooks(self._clock, self._audit, self.on_signal))
                          if announcer is not None else None)
        if self.announced is not None:
            channels = [*channels, self.announced]
        self.fanout = Fanout(channels)
        self._db_path = db_path
        self.store = AlertStore(db_path)
        self.book = AlertBook(self.store, self._clock, self._announce, chattering=self.cfg.chattering)
        self.duty = DutyDesk(config, db_path, self._clock, duty_drivers)  # roster, chains, phone links
        self._last_ts: dict[str, datetime] = {}
        self._started_at = self._clock()
        self._ticker: _Tick | None = None
        self._lock = threading.Lock()
        self._stopping = False  # COC is stopping: what the stop causes (devices, broker going away) raises nothing

    # --- service -------------------------------------------------------------------------------------
    def start(self, tick: bool = True) -> None:
        """Start the channels, re-announce open alerts (retained on MQTT), and the periodic tick thread. Starting
        again after stop() (the supervisor restarting a dead tick) reopens the alert store."""
        self._started_at = self._clock()
        self._stopping = False
        if self.store.closed:
            self.store = self.book.store = AlertStore(self._db_path)
        self.fanout.start()
        self.duty.start()
        for channel in self.fanout.channels:
            if isinstance(channel, MqttChannel):
                for alert in self.book.active():
                    channel.send(alert, _restated(alert, self._clock()))
        if tick:
            self._ticker = _Tick(self)
            self._ticker.start()

    def begin_stop(self) -> None:
        """COC is stopping: from now on no rule raises or changes an alarm (devices and the broker going away
        because of our own stop are not faults); acknowledgements still work until `stop()`."""
        self._stopping = True

    def stop(self) -> None:
        self._stopping = True
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.fanout.stop()
        self.duty.stop()
        self.store.close()

    def health(self) -> PartHealth:
        """The tick's health (dead, stalled, failing) under this part's name; a notification channel whose
        thread ended makes it degraded."""
        if self._ticker is None:
            return PartHealth(self.name, PartState.RUNNING)
        tick = self._ticker.health()
        if tick.ok:
            dead = [c.name for c in self.fanout.channels if getattr(c, "alive", lambda: True)() is False]
            dead += self.duty.dead_senders()
            if dead:
                return PartHealth(self.name, PartState.DEGRADED, f"notification channel stopped: {', '.join(dead)}")
        return PartHealth(self.name, tick.state, tick.detail)

    def _audit(self, at: datetime, actor: str, action: str, alert_id: str | None, detail: str) -> None:
        self.duty.store.record(at, actor, action, alert_id, detail)

    def _announce(self, alert: Alert, transition: AlertTransition) -> None:
        log_transition(log, alert, transition)
        self.fanout.send(alert, transition)
        try:
            self.duty.on_transition(alert, transition)  # an acknowledgement stops the chain: tell those called
        except Exception:  # noqa: BLE001 - the duty desk must not break an acknowledgement
            log.exception("alerts: the duty desk failed on %s", transition.action)

    def _apply(self, signal: Signal) -> None:
        """Into the book, with the former unit of the sensor or camera the signal is about (nothing while stopping)."""
        if self._stopping:
            return
        units = self._units.get(signal.source, self._sensor_units)
        unit = units.get(signal.subject)
        self.book.apply(replace(signal, former_unit=unit) if unit else signal)

    # --- inputs --------------------------------------------------------------------------------------
    def on_readings(self, readings: Iterable[Reading]) -> None:
        """Listener for accepted readings (a batch); oldest first per device, stale ones ignored."""
        now = self._clock()
        oldest = now - timedelta(seconds=self.cfg.rules.max_reading_age_s)
        with self._lock:
            for reading in sorted(readings, key=lambda r: r.ts):
                last = self._last_ts.get(reading.device_id)
                if reading.ts < oldest or (last is not None and reading.ts < last):
                    continue
                self._last_ts[reading.device_id] = reading.ts
                for signal in self._reading_signals(reading, now):
                    self._apply(signal)

    def _reading_signals(self, reading: Reading, now: datetime) -> list[Signal]:
        sensor = self._sensors.get(reading.device_id)
        if sensor is None:
            return []
        rules, fields = self.cfg.rules, reading.fields
        out: list[Signal | None] = []
        if rules.air.enabled and sensor.kind is DeviceKind.AIR and self.air_index is not None:
            out.append(self.air.observe(sensor.id, sensor.name, self.air_index(sensor.id, now), now))
        if rules.flood.enabled and sensor.kind is DeviceKind.FLOOD and "water_level_cm" in fields:
            out.append(self.flood.observe(sensor, fields["water_level_cm"], now))
        if rules.stuck.enabled:
            out.append(self.stuck.observe(sensor, fields))
        if rules.battery.enabled and "battery_v" in fields:
            out.append(self.battery.observe(sensor, fields["battery_v"]))
        return [s for s in out if s is not None]

    def on_camera_event(self, event: CameraEvent) -> None:
        """Listener for camera events (`<prefix>/camera/<id>/event`)."""
        if not self.cfg.rules.camera.enabled:
            return
        signal = self.camera.observe(event, self._cameras.get(event.camera_id, event.camera_id))
        if signal is not None:
            with self._lock:
                self._apply(signal)

    def on_status(self, kind: str, device_id: str, status: str | None) -> None:
        """Listener for retained `<prefix>/<kind>/<id>/status` (`online` / `offline`; None: cleared)."""
        if status is None:
            return
        if kind == "camera":
            event_type = EventType.OFFLINE if status == "offline" else EventType.ONLINE
            self.on_camera_event(CameraEvent(device_id, self._clock(), event_type, phase=EventPhase.START))
            return
        sensor = self._sensors.get(device_id)
        if sensor is None or not self.cfg.rules.offline.enabled:
            return
        if status == "offline":
            with self._lock:
                signal = self.offline.check(device_id, sensor.name, True)
                if signal is not None:
                    self._apply(signal)
        # "online" clears at the next tick, once a reading has come in as well

    def tick(self) -> None:
        """Time-based rules: device offline, system health, escalation."""
        now = self._clock()
        signals: list[Signal] = []
        if self.cfg.rules.offline.enabled and self.live is not None:
            signals += self._offline_signals(self.live, now)
        if self.cfg.rules.system.enabled and self._health is not None:
            signals += self.system.check(self._health(), now)
        with self._lock:
            for signal in signals:
                self._apply(signal)
        esc = self.cfg.escalation
        self.book.unshelve_due()
        self.book.escalate_due({str(k): v for k, v in esc.after_min.items()}, esc.repeat_min)
        self.duty.tick(self.book.active())  # escalation chains: the next person after each step's timeout

    def _offline_signals(self, live: LiveState, now: datetime) -> list[Signal]:
        out = []
        missed = self.cfg.rules.offline.missed_intervals
        for device_id, state in live.snapshot().items():
            sensor = self._sensors.get(device_id)
            if sensor is None:
                continue
            offline = is_offline(state.status, state.last_seen, self._started_at, sensor.interval_s, missed,
                                 now)
            with self._lock:
                signal = self.offline.check(device_id, sensor.name, offline)
            if signal is not None:
                out.append(signal)
        return out

    def on_signal(self, signal: Signal) -> None:
        """A verdict from a part outside the rules (a loudspeaker cluster offline or back)."""
        with self._lock:
            self._apply(signal)

    # --- people --------------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        """Raise AlertNotFoundError (404) or AlertClosedError (409, already resolved)."""
        return self.book.acknowledge(alert_id, who, role, note)

    def resolve(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        """Close the alarm ("Hoàn thành xử lý"); AlertClosedError (409) when it is closed already."""
        return self.book.resolve(alert_id, who, role, note)

    def shelve(self, alert_id: str, who: str, role: str | None, minutes: float, reason: str) -> Alert:
        """Take an alarm off the wall's takeover for `minutes` (at most shelving.max_min), with a reason."""
        if not 0 < minutes <= self.cfg.shelving.max_min:
            raise ValueError(f"minutes must be 1..{self.cfg.shelving.max_min:g}")
        return self.book.shelve(alert_id, who, role, minutes, reason)

    # --- reads ---------------------------------------------------------------------------------------
    def list(self, status: str | None = None, source: str | None = None, severity: str | None = None,
             since: datetime | None = None, limit: int = 500,
             former_unit: str | None = None) -> builtins.list[Alert]:
        """Alerts newest first; status is a status, a group (active, unacknowledged; resolved = closed) or
        None / "all" for every status; `former_unit` keeps the alerts about that former commune's devices."""
        query = AlertQuery(
            statuses=statuses_for(status),
            source=Source(source) if source else None,
            severity=Severity(severity) if severity else None,
            since=since, limit=limit, former_unit=former_unit,
        )
        return self.store.query(query)

    def get(self, alert_id: str) -> AlertDetail | None:
        alert = self.book.find(alert_id)
        return None if alert is None else AlertDetail(alert, self.store.history(alert_id))

    def active(self) -> builtins.list[Alert]:
        """Every alarm not closed (open, acknowledged, cleared), newest first (from memory: cheap for walls)."""
        return self.book.active()

    def person_actions(self, since: datetime | None = None, until: datetime | None = None,
                       limit: int = 500) -> builtins.list[PersonAction]:
        """What people did to alarms in [since, until), newest first (the alarms' part of the audit log)."""
        return [PersonAction(t, vi, en) for t, vi, en in self.store.person_actions(since, until, limit)]

    def metrics(self) -> dict[str, MetricValue]:
        """Samples for /metrics; see alerts.metrics.METRICS for names, types and help."""
        channels = self.fanout.stats()
        return {
            "coc_alerts_open": self.book.counts_by_severity(),
            "coc_alert_ack_median_seconds": self.store.ack_median_s(),
            "coc_alert_escalations_total": self.store.escalations_total(),
            "coc_alert_notifications_sent_total": sum(c["sent"] for c in channels.values()),
            "coc_alert_notifications_failed_total": sum(c["failed"] for c in channels.values()),
            "coc_alert_notifications_dropped_total": sum(c["dropped"] for c in channels.values()),
        }

    def median_ack_minutes(self, start: datetime, end: datetime) -> float | None:
        """Median minutes to acknowledge the alerts opened in [start, end) (a KPI input); None without any."""
        seconds = self.store.ack_median_s(start=start, end=end)
        return None if seconds is None else seconds / 60

    def channel_stats(self) -> dict[str, dict[str, int]]:
        """Per channel (`mqtt`, `webhook:<name>`): sent, failed, dropped."""
        return self.fanout.stats()


def default_channels(cfg: AlertsConfig, topic_prefix: str, mqtt: MqttConfig | None,
                     timezone: str = "Asia/Ho_Chi_Minh") -> list[Channel]:
    notes = cfg.notifications
    channels: list[Channel] = []
    if notes.mqtt and mqtt is not None:
        channels.append(MqttChannel(mqtt, topic_prefix, notes.mqtt_client_id, timezone))
    channels += [WebhookChannel(w, notes.queue_size, notes.language, timezone) for w in notes.webhooks]
    return channels


def _restated(alert: Alert, now: datetime) -> AlertTransition:
    """The pseudo-transition sent when COC restarts and re-publishes an open alert (not audited)."""
    action = {Status.ACKNOWLEDGED: Action.ACKNOWLEDGED, Status.CLEARED: Action.CLEARED}.get(alert.status,
                                                                                             Action.OPENED)
    return AlertTransition(alert.id, action, now, alert.status, alert.severity, note="restart", value=alert.value)


class _Tick(LoopThread):
    """Every `alerts.tick_s`: offline devices, escalations, shelving that expired."""

    name = "alerts-tick"
    stall_after_s = 120.0

    def __init__(self, service: AlertService) -> None:
        super().__init__()
        self.service = service
        self.interval_s = self.first_delay_s = service.cfg.tick_s

    def turn(self) -> None:
        self.service.tick()
