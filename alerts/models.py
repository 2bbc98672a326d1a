"""The types the alerts folder hands to others: alerts (alarms), their transitions, and the signals rules emit."""

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
    """The alarm states of ISA-18.2 / IEC 62682: the condition (active or cleared) × acknowledged or not.

    open          active, unacknowledged
    acknowledged  active, acknowledged
    cleared       returned to normal, unacknowledged ("đã trở lại bình thường"): stays until a person acknowledges
    closed        cleared and acknowledged, or closed by a person ("Hoàn thành xử lý")
    """

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    CLOSED = "closed"

    @classmethod
    def parse(cls, name: str) -> Status:
        """A status by its name, accepting the names of earlier versions (stored rows, old clients)."""
        return cls(LEGACY_STATUS.get(name, name))

    @property
    def state(self) -> str:
        """The ISA-18.2 name of the state."""
        return ISA_STATE[self]


LEGACY_STATUS = {"resolved": "closed"}
ISA_STATE = {
    Status.OPEN: "active_unacknowledged",
    Status.ACKNOWLEDGED: "active_acknowledged",
    Status.CLEARED: "cleared_unacknowledged",
    Status.CLOSED: "closed",
}
# Status filters of GET /api/alerts besides the statuses themselves (and "all").
STATUS_GROUPS: dict[str, frozenset[Status]] = {
    "active": frozenset({Status.OPEN, Status.ACKNOWLEDGED, Status.CLEARED}),  # not closed
    "unacknowledged": frozenset({Status.OPEN, Status.CLEARED}),
    "resolved": frozenset({Status.CLOSED}),
}


def statuses_for(name: str | None) -> frozenset[Status] | None:
    """The statuses a filter name stands for; None for every status ("all" or no filter)."""
    if not name or name == "all":
        return None
    if name in STATUS_GROUPS:
        return STATUS_GROUPS[name]
    return frozenset({Status.parse(name)})


STATUS_FILTERS = (*(s.value for s in Status), *STATUS_GROUPS, "all")


class Source(StrEnum):
    """What raised an alert."""

    AIR = "air"
    FLOOD = "flood"
    DEVICE = "device"
    CAMERA = "camera"
    SYSTEM = "system"


class Action(StrEnum):
    """What a transition did to an alert (the audit log's vocabulary)."""

    OPENED = "opened"  # raised
    ROSE = "rose"  # severity went up
    PEAK = "peak"  # the worst it reached (written when the condition clears or a person closes it)
    LOWERED = "lowered"  # severity went down (only once acknowledged)
    CLEARED = "cleared"  # the condition returned to normal
    RETURNED = "returned"  # a cleared, unacknowledged alarm became active again
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"
    ESCALATED = "escalated"
    CLOSED = "closed"  # cleared and acknowledged
    RESOLVED = "resolved"  # closed by a person ("Hoàn thành xử lý")
    SEVERITY_CHANGED = "severity_changed"  # written by earlier versions; read back only


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
    detail_en: str = ""
    unit: str = ""
    place: str = ""
    higher_is_worse: bool = True
    former_unit: str | None = None  # the former commune the subject belongs to (commune.former_units)


@dataclass(frozen=True, slots=True)
class Alert:
    """One alarm about one subject raised by one rule; at most one is not closed per (rule, subject).

    `severity` never falls while the alarm is unacknowledged; `peak_*` keep the worst it reached (the titles and
    detail are the peak's); `value` and `current_severity` are the condition now (None once cleared)."""

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
    detail_en: str = ""
    unit: str = ""
    place: str = ""
    current_severity: Severity | None = None
    peak_severity: Severity | None = None
    peak_value: float | None = None
    peak_at: datetime | None = None
    cleared_at: datetime | None = None
    raises: int = 1
    chattering: bool = False
    shelved_until: datetime | None = None
    shelved_by: str | None = None
    shelved_reason: str | None = None
    former_unit: str | None = None  # the former commune of the sensor or camera the alarm is about

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)

    @property
    def active(self) -> bool:
        """Not closed: the alarm still needs a person (kept in memory, retained on MQTT, shown on screens)."""
        return self.status is not Status.CLOSED

    @property
    def unacknowledged(self) -> bool:
        return self.status in (Status.OPEN, Status.CLEARED)

    def shelved(self, now: datetime) -> bool:
        return self.shelved_until is not None and now < self.shelved_until

    def to_json(self) -> dict[str, Any]:
        """The alert as a JSON object: times in ISO 8601 UTC, enums as their values, plus its ISA-18.2 state."""
        return {**{k: _plain(v) for k, v in asdict(self).items()}, "state": self.status.state}


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
    value: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class AlertDetail:
    """One alert with its audit history, oldest transition first."""

    alert: Alert
    history: list[AlertTransition]


@dataclass(frozen=True, slots=True)
class PersonAction:
    """Something a person did to an alarm (acknowledged, shelved, resolved, ...), with the alarm's title: a row of
    the operations room's audit log."""

    transition: AlertTransition
    title_vi: str
    title_en: str


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, StrEnum):
        return value.value
    return value
