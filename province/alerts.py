"""A commune's alerts as the province sees them: the alert service's MQTT messages (`<prefix>/alerts/<id>`, bridged
to the cluster) kept in an alert store of their own, and acknowledgements sent back to the commune until the
commune's own alert shows them.

The commune stays the owner of its alarms: the province never changes an alarm's state itself. An acknowledgement
made at the province becomes a command (alerts.commands.AckCommand) on `coc/<commune>/acks/<alert id>` that the
commune's bridge brings home; the commune's alert service applies it and publishes the acknowledged alarm, which
arrives back here. Until it does, the province shows the alarm "acknowledgement sent" and sends the command again
every `command_retry_s` (the commune may be cut off for hours; a command repeated after it was applied is
harmless)."""

from __future__ import annotations

import builtins
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts.book import AlertNotFoundError
from alerts.commands import AckCommand
from alerts.lifecycle import AlertClosedError
from alerts.models import (
    Action,
    Alert,
    AlertDetail,
    AlertTransition,
    PersonAction,
    Severity,
    Source,
    Status,
    statuses_for,
)
from alerts.read_side import ChannelStats, MetricValue
from alerts.store import ENUM_FIELDS, TIME_FIELDS, AlertQuery, AlertStore
from supervision.part import LoopThread

log = logging.getLogger(__name__)

Send = Callable[[str, bytes], None]  # (MQTT topic, payload): publish towards the commune


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def alert_from_message(doc: dict[str, Any]) -> tuple[Alert, AlertTransition | None]:
    """The alert and its transition from an alert message's JSON (alerts.messages.notice). Fields the sender's
    version does not have keep their defaults; fields this version does not know are ignored."""
    values: dict[str, Any] = {}
    for f in fields(Alert):
        if f.name not in doc:
            continue
        raw = doc[f.name]
        if f.name == "status":
            raw = Status.parse(raw)
        elif f.name in ENUM_FIELDS:
            raw = None if raw is None else ENUM_FIELDS[f.name](raw)
        elif f.name in TIME_FIELDS:
            raw = _time(raw)
        values[f.name] = raw
    alert = Alert(**values)
    t = doc.get("transition")
    transition = None
    restated = isinstance(t, dict) and t.get("actor") == "system" and t.get("note") == "restart"
    if isinstance(t, dict) and not restated:  # a commune's restart re-announces its alarms: not a change
        transition = AlertTransition(
            alert_id=alert.id, action=Action(t.get("action", "opened")),
            at=_time(t.get("at")) or alert.last_seen_at, status=Status.parse(t.get("status", alert.status.value)),
            severity=Severity(t.get("severity", alert.severity)), actor=str(t.get("actor") or "system"),
            role=t.get("role"), note=t.get("note"), value=t.get("value"))
    return alert, transition


@dataclass(frozen=True, slots=True)
class PendingAck:
    """An acknowledgement made at the province that the commune has not confirmed yet, and how often it was sent."""

    command: AckCommand
    sent: int = 0


class MirroredAlerts:
    """The alert service's read side for one commune at the province, fed by the feed's alert messages.

    It is an `alerts.read_side.AlertsReadSide` like the commune's AlertService, so the commune's wall and alert
    list work at the province unchanged."""

    name = "alerts"
    duty = None  # the duty desk stays at the commune

    def __init__(self, commune: str, province_name: str, db_path: Path, send: Send,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.commune = commune
        self.province_name = province_name
        self.store = AlertStore(db_path)
        self._send = send
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._pending: dict[str, PendingAck] = {}
        self._active: dict[str, Alert] = {a.id: a for a in self.store.unresolved()}
        self.messages = 0

    # -- from the commune ------------------------------------------------------------------------------------

    def on_message(self, alert_id: str, payload: bytes) -> None:
        """One `<prefix>/alerts/<id>` message: the alert after a transition, or empty (the retained copy cleared:
        the alarm is closed at the commune)."""
        self.messages += 1
        if not payload:
            with self._lock:
                closed = self._active.pop(alert_id, None)
                self._pending.pop(alert_id, None)
            if closed is not None and closed.active:
                self.store.save(_closed(closed, self._clock()))
            return
        try:
            alert, transition = alert_from_message(json.loads(payload))
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("province: alert message %s/%s not understood: %s", self.commune, alert_id, exc)
            return
        known = self.store.get(alert.id)
        if known is not None and alert.last_seen_at < known.last_seen_at and alert.status is known.status:
            return  # an older copy delivered again
        self.store.save(alert, (transition,) if transition is not None else ())
        with self._lock:
            if alert.active:
                self._active[alert.id] = alert
            else:
                self._active.pop(alert.id, None)
            if not alert.unacknowledged:
                self._pending.pop(alert.id, None)  # the commune applied it (or someone there did)

    # -- to the commune --------------------------------------------------------------------------------------

    def acknowledge(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        """Send the acknowledgement to the commune; the alarm shows it once the commune has applied it."""
        alert = self.store.get(alert_id)
        if alert is None:
            raise AlertNotFoundError(alert_id)
        if not alert.active:
            raise AlertClosedError(f"alert {alert_id} is already closed")
        if not alert.unacknowledged:
            return alert
        with self._lock:
            pending = self._pending.get(alert_id) or PendingAck(
                AckCommand(alert_id, who, self._clock(), self.province_name, role, note))
            self._pending[alert_id] = pending
        self._command(pending)
        return alert

    def resolve(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        raise AlertClosedError("chỉ xã đóng được cảnh báo của mình / "
                               "only the commune can close its alarms")

    def shelve(self, alert_id: str, who: str, role: str | None, minutes: float, reason: str) -> Alert:
        raise ValueError("chỉ xã tạm ẩn được cảnh báo của mình / only the commune can shelve its alarms")

    def resend_pending(self) -> int:
        """Send every unconfirmed acknowledgement again; how many were sent."""
        with self._lock:
            pending = list(self._pending.values())
        for item in pending:
            self._command(item)
        return len(pending)

    def pending(self, alert_id: str) -> PendingAck | None:
        with self._lock:
            return self._pending.get(alert_id)

    def _command(self, pending: PendingAck) -> None:
        command = pending.command
        try:
            self._send(command.topic(f"coc/{self.commune}"), command.encode())
        except Exception as exc:  # noqa: BLE001 - the cluster is away: sent again on the next round
            log.warning("province: acknowledgement of %s/%s not sent yet: %s", self.commune, command.alert_id, exc)
            return
        with self._lock:
            current = self._pending.get(command.alert_id)
            if current is not None:
                self._pending[command.alert_id] = replace(current, sent=current.sent + 1)

    # -- reads (AlertService's) ------------------------------------------------------------------------------

    def list(self, status: str | None = None, source: str | None = None, severity: str | None = None,
             since: datetime | None = None, limit: int = 500,
             former_unit: str | None = None) -> builtins.list[Alert]:
        query = AlertQuery(statuses=statuses_for(status), source=Source(source) if source else None,
                           severity=Severity(severity) if severity else None, since=since, limit=limit,
                           former_unit=former_unit)
        return self.store.query(query)

    def get(self, alert_id: str) -> AlertDetail | None:
        alert = self.store.get(alert_id)
        return None if alert is None else AlertDetail(alert, self.store.history(alert_id))

    def active(self) -> builtins.list[Alert]:
        with self._lock:
            found = builtins.list(self._active.values())
        return sorted(found, key=lambda a: a.opened_at, reverse=True)

    def person_actions(self, since: datetime | None = None, until: datetime | None = None,
                       limit: int = 500) -> builtins.list[PersonAction]:
        """What people did to this commune's alarms, as the commune's alert messages told it, newest first."""
        return [PersonAction(t, vi, en) for t, vi, en in self.store.person_actions(since, until, limit)]

    def metrics(self) -> dict[str, MetricValue]:
        return {"coc_alerts_open": _open_by_severity(self.active())}

    def channel_stats(self) -> ChannelStats:
        """No notification channels at the province: the commune notifies from its own COC."""
        return {}

    def median_ack_minutes(self, start: datetime, end: datetime) -> float | None:
        seconds = self.store.ack_median_s(start=start, end=end)
        return None if seconds is None else seconds / 60

    def close(self) -> None:
        self.store.close()


def _closed(alert: Alert, now: datetime) -> Alert:
    return replace(alert, status=Status.CLOSED, resolved_at=alert.resolved_at or now)


class AckResender(LoopThread):
    """Sends the unconfirmed acknowledgements of every commune again every `retry_s`."""

    def __init__(self, mirrors: list[MirroredAlerts], retry_s: float) -> None:
        super().__init__()
        self.name = "province-acks"
        self.mirrors = mirrors
        self.interval_s = retry_s
        self.first_delay_s = retry_s

    def turn(self) -> None:
        for mirror in self.mirrors:
            mirror.resend_pending()


class ProvinceAlerts:
    """The alarms of several communes at a province (their mirrored alert services) as one alert service: the
    province-wide alert list, the acknowledgement of an alarm of one of them. Reads and acts only on these."""

    name = "alerts"
    duty = None  # the duty desks stay at the communes

    def __init__(self, mirrors: dict[str, MirroredAlerts]) -> None:
        self._mirrors = mirrors

    def list(self, status: str | None = None, source: str | None = None, severity: str | None = None,
             since: datetime | None = None, limit: int = 500,
             former_unit: str | None = None) -> builtins.list[Alert]:
        found = [a for m in self._mirrors.values()
                 for a in m.list(status, source, severity, since, limit, former_unit)]
        return sorted(found, key=lambda a: a.opened_at, reverse=True)[:limit]

    def active(self) -> builtins.list[Alert]:
        found = [a for m in self._mirrors.values() for a in m.active()]
        return sorted(found, key=lambda a: a.opened_at, reverse=True)

    def _owner(self, alert_id: str) -> MirroredAlerts:
        for mirror in self._mirrors.values():
            if mirror.get(alert_id) is not None:
                return mirror
        raise AlertNotFoundError(alert_id)

    def get(self, alert_id: str) -> AlertDetail | None:
        return next((d for m in self._mirrors.values() if (d := m.get(alert_id)) is not None), None)

    def acknowledge(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        return self._owner(alert_id).acknowledge(alert_id, who, role, note)

    def resolve(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        return self._owner(alert_id).resolve(alert_id, who, role, note)

    def shelve(self, alert_id: str, who: str, role: str | None, minutes: float, reason: str) -> Alert:
        return self._owner(alert_id).shelve(alert_id, who, role, minutes, reason)

    def person_actions(self, since: datetime | None = None, until: datetime | None = None,
                       limit: int = 500) -> builtins.list[PersonAction]:
        found = [p for m in self._mirrors.values() for p in m.person_actions(since, until, limit)]
        return sorted(found, key=lambda p: p.transition.at, reverse=True)[:limit]

    def metrics(self) -> dict[str, MetricValue]:
        return {"coc_alerts_open": _open_by_severity(self.active())}

    def channel_stats(self) -> ChannelStats:
        """No notification channels at the province: each commune notifies from its own COC."""
        return {}


def _open_by_severity(active: list[Alert]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for alert in active:
        counts[alert.severity.value] = counts.get(alert.severity.value, 0) + 1
    return counts
