"""The alert book: unresolved alerts keyed by (rule, subject), persisted and announced on every change."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime

from alerts.lifecycle import (
    AlertClosedError,
    Change,
    acknowledge,
    apply_signal,
    escalate,
    escalation_due,
    resolve,
)
from alerts.models import Alert, AlertTransition, Severity, Signal
from alerts.store import AlertStore

Announce = Callable[[Alert, AlertTransition], None]


class AlertNotFoundError(KeyError):
    """No alert has this id (HTTP 404)."""


def new_alert_id() -> str:
    return uuid.uuid4().hex[:12]


class AlertBook:
    """Thread-safe: rules' signals, people's acknowledgements and the escalation tick all go through here."""

    def __init__(self, store: AlertStore, clock: Callable[[], datetime], announce: Announce,
                 new_id: Callable[[], str] = new_alert_id) -> None:
        self.store = store
        self._clock = clock
        self._announce = announce
        self._new_id = new_id
        self._lock = threading.RLock()
        self._active: dict[tuple[str, str], Alert] = {a.key: a for a in store.unresolved()}

    def apply(self, signal: Signal) -> Alert | None:
        """Open, repeat, re-grade or auto-resolve the alert of the signal's (rule, subject)."""
        with self._lock:
            current = self._active.get((signal.rule, signal.subject))
            change = apply_signal(current, signal, self._clock(), self._new_id())
            return self._commit(change) if change else None

    def acknowledge(self, alert_id: str, who: str, role: str | None, note: str | None) -> Alert:
        with self._lock:
            return self._commit(acknowledge(self._find(alert_id), self._clock(), who, role, note))

    def resolve(self, alert_id: str, who: str, role: str | None, note: str | None) -> Alert:
        with self._lock:
            return self._commit(resolve(self._find(alert_id), self._clock(), who, role, note))

    def escalate_due(self, after_min: Mapping[str, float], repeat_min: float) -> list[Alert]:
        with self._lock:
            now = self._clock()
            due = [a for a in self._active.values() if escalation_due(a, now, after_min, repeat_min)]
            return [self._commit(escalate(a, now)) for a in due]

    def active(self) -> list[Alert]:
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
        raise AlertClosedError(f"alert {alert_id} is already resolved")

    def _commit(self, change: Change) -> Alert:
        alert, transition = change
        self.store.save(alert, transition)
        if alert.active:
            self._active[alert.key] = alert
        else:
            self._active.pop(alert.key, None)
        if transition is not None:
            self._announce(alert, transition)
        return alert
