"""The alert lifecycle as pure functions: open, repeat, change severity, acknowledge, escalate, resolve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from alerts.models import Action, Alert, AlertTransition, Severity, Signal, Status

Change = tuple[Alert, AlertTransition | None]


class AlertClosedError(Exception):
    """The alert is already resolved; it cannot be acknowledged or resolved again (HTTP 409)."""


def open_alert(alert_id: str, signal: Signal, now: datetime) -> Change:
    alert = Alert(
        id=alert_id, rule=signal.rule, source=signal.source, subject=signal.subject, severity=signal.severity,
        status=Status.OPEN, title_vi=signal.title_vi, title_en=signal.title_en, detail=signal.detail,
        opened_at=now, last_seen_at=now, value=signal.value,
    )
    return alert, _transition(alert, Action.OPENED, now)


def repeat(alert: Alert, signal: Signal, now: datetime) -> Change:
    """The condition still holds: bump count and last-seen; a new severity is a transition."""
    bumped = replace(
        alert, last_seen_at=now, count=alert.count + 1, value=signal.value,
        title_vi=signal.title_vi or alert.title_vi, title_en=signal.title_en or alert.title_en,
        detail=signal.detail or alert.detail, severity=signal.severity,
    )
    if signal.severity is alert.severity:
        return bumped, None
    note = f"{alert.severity.value} → {signal.severity.value}"
    return bumped, _transition(bumped, Action.SEVERITY_CHANGED, now, note=note)


def apply_signal(current: Alert | None, signal: Signal, now: datetime, new_id: str) -> Change | None:
    """What a rule's signal does to the unresolved alert of its (rule, subject), if any."""
    if signal.active:
        return open_alert(new_id, signal, now) if current is None else repeat(current, signal, now)
    if current is None:
        return None
    return resolve(current, now, "system", None, "Điều kiện đã hết / condition cleared")


def acknowledge(alert: Alert, now: datetime, who: str, role: str | None, note: str | None) -> Change:
    if alert.status is Status.RESOLVED:
        raise AlertClosedError(f"alert {alert.id} is already resolved")
    if alert.status is Status.ACKNOWLEDGED:
        return alert, None
    acked = replace(
        alert, status=Status.ACKNOWLEDGED, acknowledged_by=who, acknowledged_at=now, acknowledged_note=note
    )
    return acked, _transition(acked, Action.ACKNOWLEDGED, now, who, role, note)


def resolve(alert: Alert, now: datetime, who: str, role: str | None, note: str | None) -> Change:
    if alert.status is Status.RESOLVED:
        raise AlertClosedError(f"alert {alert.id} is already resolved")
    done = replace(alert, status=Status.RESOLVED, resolved_by=who, resolved_at=now, resolved_note=note)
    return done, _transition(done, Action.RESOLVED, now, who, role, note)


def escalation_due(alert: Alert, now: datetime, after_min: Mapping[str, float], repeat_min: float) -> bool:
    """An unacknowledged alert past its severity's deadline, and past the repeat interval since the last."""
    if alert.status is not Status.OPEN or alert.severity.value not in after_min:
        return False
    if alert.escalated_at is None:
        return now - alert.opened_at >= timedelta(minutes=after_min[alert.severity.value])
    return now - alert.escalated_at >= timedelta(minutes=repeat_min)


def escalate(alert: Alert, now: datetime) -> Change:
    raised = replace(alert, escalations=alert.escalations + 1, escalated_at=now)
    return raised, _transition(raised, Action.ESCALATED, now, note=f"#{raised.escalations}")


def at_least(severity: Severity, floor: str) -> bool:
    return severity.rank >= Severity(floor).rank


def _transition(alert: Alert, action: Action, now: datetime, who: str = "system", role: str | None = None,
                note: str | None = None) -> AlertTransition:
    return AlertTransition(alert.id, action, now, alert.status, alert.severity, who, role, note)
