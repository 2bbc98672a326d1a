"""What the dashboard reads and asks of an alert service: `AlertsReadSide`, implemented by the commune's
`alerts.service.AlertService` and by the province's mirrors (`province.alerts.MirroredAlerts`, `ProvinceAlerts`)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from alerts.models import Alert, AlertDetail, PersonAction

if TYPE_CHECKING:
    from alerts.duty_desk import DutyDesk

# One sample of GET /metrics: a number, a number per label value (e.g. open alarms per severity), or none yet.
MetricValue = int | float | Mapping[str, int] | None
ChannelStats = Mapping[str, Mapping[str, int]]  # per channel (`mqtt`, `webhook:<name>`): sent, failed, dropped


class AlertsReadSide(Protocol):
    """The alarms as the screens and the API see them, and what a person may do to one.

    Acting raises `alerts.book.AlertNotFoundError` (unknown alarm, 404), `alerts.lifecycle.AlertClosedError`
    (closed already, or not this side's to change: 409) or ValueError (a shelving outside the allowed minutes)."""

    # -- reads ---------------------------------------------------------------------------------------------------
    def list(self, status: str | None = None, source: str | None = None, severity: str | None = None,
             since: datetime | None = None, limit: int = 500,
             former_unit: str | None = None) -> builtins.list[Alert]:
        """Alarms newest first; `status` is a status, a group (active, unacknowledged, resolved) or None / "all";
        `former_unit` keeps those about that former commune's devices."""
        ...

    def get(self, alert_id: str) -> AlertDetail | None:
        """One alarm with its audit trail (oldest step first); None when unknown."""
        ...

    def active(self) -> builtins.list[Alert]:
        """Every alarm not closed (open, acknowledged, cleared), newest first; cheap (from memory)."""
        ...

    def person_actions(self, since: datetime | None = None, until: datetime | None = None,
                       limit: int = 500) -> builtins.list[PersonAction]:
        """What people did to alarms in [since, until), newest first (the alarms' part of the audit log)."""
        ...

    def metrics(self) -> Mapping[str, MetricValue]:
        """Samples for GET /metrics by name (see alerts.service.AlertService.metrics)."""
        ...

    def channel_stats(self) -> ChannelStats:
        """Notification channels' counters; empty where this side notifies nobody (the province)."""
        ...

    @property
    def duty(self) -> DutyDesk | None:
        """The duty desk (roster, escalation chains, phone links); None where there is none (the province)."""
        ...

    # -- what a person does --------------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        """Acknowledge an alarm (at the province: sent to the commune, which owns it); the alarm as it is now."""
        ...

    def resolve(self, alert_id: str, who: str, role: str | None = None, note: str | None = None) -> Alert:
        """Close an alarm ("Hoàn thành xử lý")."""
        ...

    def shelve(self, alert_id: str, who: str, role: str | None, minutes: float, reason: str) -> Alert:
        """Take an alarm off the wall's takeover for `minutes`, with a reason."""
        ...
