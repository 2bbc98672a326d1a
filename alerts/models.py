"""The types the alerts folder hands to others: alerts, their transitions, and the signals rules emit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad an alert is, in increasing order."""

    INFO = "info"
    WARNING = "warning"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return SEVERITY_ORDER.index(self)


SEVERITY_ORDER = (Severity.INFO, Severity.WARNING, Severity.MAJOR, Severity.CRITICAL)


class Status(StrEnum):
    """Where an alert is in its lifecycle: open → acknowledged → resolved."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Source(StrEnum):
    """What raised an alert."""

    AIR = "air"
    FLOOD = "flood"
    DEVICE = "device"
    CAMERA = "camera"
    SYSTEM = "system"


class Action(StrEnum):
    """What a transition did to an alert (the audit log's vocabulary)."""

    OPENED = "opened"
    SEVERITY_CHANGED = "severity_changed"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Signal:
    """A rule's verdict about one subject: the condition holds (with a severity) or it has cleared."""

    rule: str
    source: Source
    subject: str
    active: bool
    severity: Severity = Severity.WARNING
    title_vi: str = ""
    title_en: str = ""
    detail: str = ""
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert about one subject raised by one rule; at most one is unresolved per (rule, subject)."""

    id: str
    rule: str
    source: Source
    subject: str
    severity: Severity
    status: Status
    title_vi: str
    title_en: str
    detail: str
    opened_at: datetime
    last_seen_at: datetime
    count: int = 1
    value: float | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_note: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolved_note: str | None = None
    escalations: int = 0
    escalated_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)

    @property
    def active(self) -> bool:
        return self.status is not Status.RESOLVED

    def to_json(self) -> dict[str, Any]:
        """The alert as a JSON object: times in ISO 8601 UTC, enums as their values."""
        return {k: _plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class AlertTransition:
    """One change of an alert, as appended to the audit log and sent to every channel."""

    alert_id: str
    action: Action
    at: datetime
    status: Status
    severity: Severity
    actor: str = "system"
    role: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, StrEnum):
        return value.value
    return value
