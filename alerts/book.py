"""The alert book: alarms not yet closed, keyed by (rule, subject), persisted and announced on every change."""

from __future__ import annotations

import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from alerts.lifecycle import (
    AlertClosedError,
    Change,
    acknowledge,
    apply_signal,
    escalate,
    escalation_due,
    is_chattering,
    is_raise,
    raises_within,
    resolve,
    shelve,
    unshelve,
    unshelve_due,
)
from alerts.models import Alert, AlertTransition, Severity, Signal
from alerts.settings import ChatteringConfig
from alerts.store import AlertStore

Announce = Callable[[Alert, AlertTransition], None]


class AlertNotFoundError(KeyError):
    """No alert has this id (HTTP 404)."""


def new_alert_id() -> str:
    return uuid.uuid4().hex[:12]


class AlertBook:
    """Thread-safe: rules' signals, people's acknowledgements and the periodic tick all go through here."""

    def __init__(self, store: AlertStore, clock: Callable[[], datetime], announce: Announce,
                 new_id: Callable[[], str] = new_alert_id, chattering: ChatteringConfig | None = None) -> None:
        self.store = store
        self._clock = clock
        self._announce = announce
        self._new_id = new_id
        self._chatter = chattering or ChatteringConfig()
        self._lock = threading.RLock()
        self._active: dict[tuple[str, str], Alert] = {a.key: a for a in store.unresolved()}
        self._raises: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        for rule, subject, at in store.raised_since(clock() - timedelta(minutes=self._chatter.window_min)):
            self._raises[(rule, subject)].append(at)

    def apply(self, signal: Signal) -> Alert | None:
        """Raise, repeat, re-grade, clear or bring back the alarm of the signal's (rule, subject)."""
        with self._lock:
            key = (signal.rule, signal.subject)
            current, now = self._active.get(key), self._clock()
            raises = 1
            if is_raise(current, signal):
                recent = raises_within([*self._raises[key], now], now, self._chatter.window_min)
                self._raises[key] = recent
                raises = len(recent)
            chattering = is_chattering(raises, self._chatter.max_raises)
            change = apply_signal(current, signal, now, self._new_id(), raises, chattering)
            return self._commit(change) if change else None

    def acknowledge(self, alert_id: str, who: str, role: str | None, note: str | None) -> Alert:
        with self._lock:
            return self._commit(acknowledge(self._find(alert_id), self._clock(), who, role, note))

    def resolve(self, alert_id: str, who: str, role: str | None, note: str | None) -> Alert:
        with self._lock:
            return self._commit(resolve(self._find(alert_id), self._clock(), who, role, note))

    def shelve(self, alert_id: str, who: str, role: str | None, minutes: float, reason: str) -> Alert:
        with self._lock:
            return self._commit(shelve(self._find(alert_id), self._clock(), who, role, minutes, reason))

    def unshelve_due(self) -> list[Alert]:
        """End the shelving of every alarm whose time is up (audited)."""
        with self._lock:
            now = self._clock()
            due = [a for a in self._active.values() if unshelve_due(a, now)]
            return [self._commit(unshelve(a, now)) for a in due]

    def escalate_due(self, after_min: Mapping[str, float], repeat_min: float) -> list[Alert]:
        with self._lock:
            now = self._clock()
            due = [a for a in self._active.values() if escalation_due(a, now, after_min, repeat_min)]
            return [self._commit(escalate(a, now)) for a in due]

    def active(self) -> list[Alert]:
        """Every alarm not closed (active or cleared, acknowledged or not), newest first."""
        with self._lock:
            return sorted(self._active.values(), key=lambda a: a.opened_at, reverse=True)

    def find(self, alert_id: str) -> Alert | None:
        with self._lock:
            found = next((a for a in self._active.values() if a.id == alert_id), None)
        return found or self.store.get(alert_id)

    def counts_by_severity(self) -> dict[str, int]:
        with self._lock:
            counted = Counter(a.severity.value for a in self._active.values())
        return {s.value: counted.get(s.value, 0) for s in Severity}

    def _find(self, alert_id: str) -> Alert:
        found = next((a for a in self._active.values() if a.id == alert_id), None)
        if found is not None:
            return found
        stored = self.store.get(alert_id)
        if stored is None:
            raise AlertNotFoundError(alert_id)
        raise AlertClosedError(f"alert {alert_id} is already closed")

    def _commit(self, change: Change) -> Alert:
        alert, transitions = change
        if not transitions and self._active.get(alert.key) == alert:
            return alert
        self.store.save(alert, transitions)
        if alert.active:
            self._active[alert.key] = alert
        else:
            self._active.pop(alert.key, None)
        if transitions:
            self._announce(alert, transitions[-1])  # every step is audited; channels hear the outcome once
        return alert
