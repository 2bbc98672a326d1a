"""The alarm lifecycle (ISA-18.2 / IEC 62682) as pure functions: raise, rise, keep the peak, clear, return,
acknowledge, close, shelve, escalate, and the chattering count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from alerts.models import Action, Alert, AlertTransition, Severity, Signal, Status

Change = tuple[Alert, tuple[AlertTransition, ...]]
"""An alert after a step, with the transitions the step made (oldest first; none when nothing to audit)."""


class AlertClosedError(Exception):
    """The alert is already closed; it cannot be acknowledged, resolved or shelved again (HTTP 409)."""


def open_alert(alert_id: str, signal: Signal, now: datetime, raises: int = 1, chattering: bool = False) -> Change:
    """Raise a new alarm: active, unacknowledged; its peak is this signal."""
    alert = Alert(
        id=alert_id, rule=signal.rule, source=signal.source, subject=signal.subject, severity=signal.severity,
        status=Status.OPEN, title_vi=signal.title_vi, title_en=signal.title_en, detail=signal.detail,
        opened_at=now, last_seen_at=now, value=signal.value, detail_en=signal.detail_en, unit=signal.unit,
        place=signal.place, current_severity=signal.severity, peak_severity=signal.severity,
        peak_value=signal.value, peak_at=now, raises=raises, chattering=chattering,
        former_unit=signal.former_unit,
    )
    return alert, (_transition(alert, Action.OPENED, now, note=_chatter_note(alert)),)


def apply_signal(current: Alert | None, signal: Signal, now: datetime, new_id: str, raises: int = 1,
                 chattering: bool = False) -> Change | None:
    """What a rule's signal does to the alarm of its (rule, subject) that is not closed, if any.

    `raises` counts the raises of this (rule, subject) in the chattering window including this one (used only
    when the signal raises: a new alarm, or a cleared one returning)."""
    if signal.active:
        if current is None:
            return open_alert(new_id, signal, now, raises, chattering)
        return on_active(current, signal, now, raises, chattering)
    if current is None:
        return None
    return on_cleared(current, signal, now)


def is_raise(current: Alert | None, signal: Signal) -> bool:
    """Does this signal raise the condition (again)? A new alarm, or a cleared one becoming active."""
    return signal.active and (current is None or current.status is Status.CLEARED)


def on_active(alert: Alert, signal: Signal, now: datetime, raises: int = 1, chattering: bool = False) -> Change:
    """The condition holds: severity may rise (re-alarming an acknowledged alarm), never falls unacknowledged;
    the peak and its titles are kept; a cleared alarm returns to active."""
    steps: list[AlertTransition] = []
    bumped = replace(alert, last_seen_at=now, count=alert.count + 1, value=signal.value,
                     current_severity=signal.severity, former_unit=signal.former_unit or alert.former_unit)
    if alert.status is Status.CLEARED:
        bumped = replace(bumped, status=Status.OPEN, cleared_at=None, raises=raises, chattering=chattering)
        steps.append(_transition(bumped, Action.RETURNED, now, note=_chatter_note(bumped)))
    if _new_peak(bumped, signal):
        bumped = replace(
            bumped, peak_severity=signal.severity, peak_value=signal.value, peak_at=now,
            title_vi=signal.title_vi or bumped.title_vi, title_en=signal.title_en or bumped.title_en,
            detail=signal.detail or bumped.detail, detail_en=signal.detail_en or bumped.detail_en,
        )
    rank, was = signal.severity.rank, alert.severity
    if rank > was.rank:
        bumped = replace(bumped, severity=signal.severity, shelved_until=None, shelved_by=None,
                         shelved_reason=None)
        if bumped.status is Status.ACKNOWLEDGED:  # a rise needs a person again
            bumped = replace(bumped, status=Status.OPEN)
        steps.append(_transition(bumped, Action.ROSE, now, note=f"{was.value} → {signal.severity.value}"))
    elif rank < was.rank and bumped.status is Status.ACKNOWLEDGED:
        bumped = replace(bumped, severity=signal.severity)
        steps.append(_transition(bumped, Action.LOWERED, now, note=f"{was.value} → {signal.severity.value}"))
    return bumped, tuple(steps)


def on_cleared(alert: Alert, signal: Signal | None, now: datetime) -> Change:
    """The condition returned to normal: unacknowledged → cleared (stays until a person acknowledges);
    acknowledged → closed."""
    if alert.status in (Status.CLEARED, Status.CLOSED):
        return alert, ()
    value = signal.value if signal is not None and signal.value is not None else alert.value
    cleared = replace(alert, cleared_at=now, current_severity=None, value=value, last_seen_at=now)
    if alert.status is Status.OPEN:
        cleared = replace(cleared, status=Status.CLEARED)
        return cleared, (_peak(cleared, now), _transition(cleared, Action.CLEARED, now))
    closed = replace(cleared, status=Status.CLOSED)
    return closed, (_peak(closed, now), _transition(closed, Action.CLEARED, now),
                    _transition(closed, Action.CLOSED, now))


def acknowledge(alert: Alert, now: datetime, who: str, role: str | None, note: str | None) -> Change:
    """A person has seen the alarm: active → acknowledged; cleared → closed; already acknowledged: nothing."""
    if alert.status is Status.CLOSED:
        raise AlertClosedError(f"alert {alert.id} is already closed")
    if alert.status is Status.ACKNOWLEDGED:
        return alert, ()
    acked = replace(alert, acknowledged_by=who, acknowledged_at=now, acknowledged_note=note)
    if alert.status is Status.OPEN:
        acked = replace(acked, status=Status.ACKNOWLEDGED)
        return acked, (_transition(acked, Action.ACKNOWLEDGED, now, who, role, note),)
    closed = replace(acked, status=Status.CLOSED)
    return closed, (_transition(closed, Action.ACKNOWLEDGED, now, who, role, note),
                    _transition(closed, Action.CLOSED, now, who, role))


def resolve(alert: Alert, now: datetime, who: str, role: str | None, note: str | None) -> Change:
    """A person closes the alarm ("Hoàn thành xử lý"), whatever its condition."""
    if alert.status is Status.CLOSED:
        raise AlertClosedError(f"alert {alert.id} is already closed")
    done = replace(alert, status=Status.CLOSED, resolved_by=who, resolved_at=now, resolved_note=note)
    steps = () if alert.status is Status.CLEARED else (_peak(done, now),)  # a cleared one has its peak already
    return done, (*steps, _transition(done, Action.RESOLVED, now, who, role, note))


def shelve(alert: Alert, now: datetime, who: str, role: str | None, minutes: float, reason: str) -> Change:
    """Take the alarm off the wall's takeover for `minutes`, with the reason (audited); a rise ends it."""
    if alert.status is Status.CLOSED:
        raise AlertClosedError(f"alert {alert.id} is already closed")
    if not reason.strip() or minutes <= 0:
        raise ValueError("shelving needs a reason and a positive duration")
    shelved = replace(alert, shelved_until=now + timedelta(minutes=minutes), shelved_by=who,
                      shelved_reason=reason.strip())
    note = f"{reason.strip()} ({minutes:g} phút)"
    return shelved, (_transition(shelved, Action.SHELVED, now, who, role, note),)


def unshelve_due(alert: Alert, now: datetime) -> bool:
    return alert.active and alert.shelved_until is not None and now >= alert.shelved_until


def unshelve(alert: Alert, now: datetime) -> Change:
    back = replace(alert, shelved_until=None, shelved_by=None, shelved_reason=None)
    return back, (_transition(back, Action.UNSHELVED, now, note="hết thời gian tạm ẩn"),)


def escalation_due(alert: Alert, now: datetime, after_min: Mapping[str, float], repeat_min: float) -> bool:
    """An active unacknowledged, unshelved alarm past its severity's deadline, and past the repeat interval."""
    if alert.status is not Status.OPEN or alert.severity.value not in after_min or alert.shelved(now):
        return False
    if alert.escalated_at is None:
        return now - alert.opened_at >= timedelta(minutes=after_min[alert.severity.value])
    return now - alert.escalated_at >= timedelta(minutes=repeat_min)


def escalate(alert: Alert, now: datetime) -> Change:
    raised = replace(alert, escalations=alert.escalations + 1, escalated_at=now)
    return raised, (_transition(raised, Action.ESCALATED, now, note=f"#{raised.escalations}"),)


def raises_within(times: Iterable[datetime], now: datetime, window_min: float) -> list[datetime]:
    """The raise times inside the window ending now (the rest are forgotten)."""
    start = now - timedelta(minutes=window_min)
    return [t for t in times if start < t <= now]


def is_chattering(raises: int, limit: int) -> bool:
    """More than `limit` raises in the window (limit 0: never)."""
    return limit > 0 and raises > limit


def at_least(severity: Severity, floor: str) -> bool:
    return severity.rank >= Severity(floor).rank


def _new_peak(alert: Alert, signal: Signal) -> bool:
    peak = alert.peak_severity or alert.severity
    if signal.severity.rank != peak.rank:
        return signal.severity.rank > peak.rank
    if signal.value is None or alert.peak_value is None:
        return alert.peak_value is None and signal.value is not None
    return signal.value > alert.peak_value if signal.higher_is_worse else signal.value < alert.peak_value


def _peak(alert: Alert, now: datetime) -> AlertTransition:
    """The peak as an audit step, at the time it was reached, with its severity and value."""
    return AlertTransition(alert.id, Action.PEAK, alert.peak_at or now, alert.status,
                           alert.peak_severity or alert.severity, value=alert.peak_value)


def _chatter_note(alert: Alert) -> str | None:
    return f"báo động dao động: nâng lại {alert.raises} lần" if alert.chattering else None


def _transition(alert: Alert, action: Action, now: datetime, who: str = "system", role: str | None = None,
                note: str | None = None) -> AlertTransition:
    return AlertTransition(alert.id, action, now, alert.status, alert.severity, who, role, note, alert.value)
