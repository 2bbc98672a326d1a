"""The alarms as the screens and the API read them: frozen views of an alarm (with its timeline) and of the active
list, the critical takeover of a wall (dashboard.read.takeover's views), and the results of acknowledging, closing
and shelving; `alert_reads(ctx)` gives the reader of a context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from alerts.book import AlertNotFoundError
from alerts.lifecycle import AlertClosedError
from alerts.models import Alert, AlertTransition, Source
from alerts.read_side import AlertsReadSide
from alerts.settings import AlertsConfig, action_text
from camera.settings import CameraConfig
from dashboard.read.takeover import WAITING, FloodStandIn, TakeoverView, stand_in, takeover_of, title_in
from dashboard.settings import Role

if TYPE_CHECKING:
    from alerts.duty_desk import DutyDesk
    from config.commune import CommuneConfig
    from dashboard.context import AppContext

Json = dict[str, object]
# Who may acknowledge, close or shelve which alarms: None means every source.
ACT_SOURCES: dict[Role, frozenset[Source] | None] = {
    Role.ADMIN: None,
    Role.OPERATOR: None,
    Role.POLICE: frozenset({Source.CAMERA}),
}
GROUPED_FIRST = ("open", "acknowledged", "cleared", "active", "unacknowledged")  # lists sorted waiting-first
_KEY = "alert_reads"


class Refusal(StrEnum):
    """Why an action on an alarm was not done (the API's error names)."""

    UNAVAILABLE = "unavailable"  # the alerts service is not running
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"  # this role may not act on this alarm
    CLOSED = "conflict"  # already closed
    BAD = "bad_request"  # e.g. shelving minutes out of range


@dataclass(frozen=True, slots=True)
class ActResult:
    """What acknowledging, closing or shelving an alarm did: the alarm after it, or why not."""

    alert: Alert | None = None
    refusal: Refusal | None = None
    message: str = ""

    @property
    def error(self) -> str | None:
        """The text a page shows when it was refused (None when done)."""
        return None if self.refusal is None else self.message or self.refusal.value


@dataclass(frozen=True, slots=True)
class StepView:
    """One step of an alarm's timeline (an audited transition) with its local time ('HH:MM dd/mm')."""

    step: AlertTransition
    local: str

    def to_json(self) -> Json:
        return {**self.step.to_json(), "local": self.local}


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alarm as a list shows it, with its local opening time ('dd/mm HH:MM')."""

    alert: Alert
    opened_local: str

    def title(self, lang: str) -> str:
        return alert_title(self.alert, lang)

    def age_s(self, now: datetime) -> float:
        return (now - self.alert.opened_at).total_seconds()

    def to_json(self) -> Json:
        return {**self.alert.to_json(), "opened_local": self.opened_local}


@dataclass(frozen=True, slots=True)
class AlarmView:
    """An alarm with its timeline, oldest step first (GET /api/alerts/<id>)."""

    alert: Alert
    history: tuple[StepView, ...]

    def to_json(self) -> Json:
        return {"alert": self.alert.to_json(), "history": [s.step.to_json() for s in self.history]}


def alert_title(alert: Alert, lang: str) -> str:
    """An alarm's title in the language (Vietnamese when English is missing), else its detail or rule."""
    return title_in(lang, alert.title_vi, alert.title_en, alert.detail, alert.rule, alert.id)


def waiting_first(alerts: list[Alert], status: str) -> list[Alert]:
    """Newest first; for the lists of alarms not closed, those waiting for a person (open, returned to normal)
    first, most severe first."""
    alerts = sorted(alerts, key=lambda a: a.opened_at, reverse=True)
    if status in GROUPED_FIRST:
        alerts.sort(key=lambda a: (a.status not in WAITING, -a.severity.rank))
    return alerts


class AlertReads:
    """The alarms of one context (a commune's alert service, or the province's mirror of its communes')."""

    def __init__(self, service: AlertsReadSide | None, settings: AlertsConfig, commune: CommuneConfig,
                 cameras: Sequence[CameraConfig] = (), clock: Callable[[], datetime] | None = None) -> None:
        self.service = service
        self._cameras = tuple(cameras)
        self.settings = settings  # shelving choices, chattering window, the rules' action texts
        self.commune = commune  # its name, time zone and former communes
        self._tz = ZoneInfo(commune.timezone)
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def running(self) -> bool:
        return self.service is not None

    def now(self) -> datetime:
        return self._clock()

    def local(self, ts: datetime) -> datetime:
        return ts.astimezone(self._tz)

    # -- reads ---------------------------------------------------------------------------------------------
    def alerts(self, status: str = "open", limit: int = 500, unit: str | None = None) -> list[AlertView]:
        """"active" (not closed, from memory), a status, a group or "all"; those waiting for a person first
        (dashboard lists). `unit`: one former commune's alarms."""
        if self.service is None:
            return []
        found = self.service.active() if status == "active" else self.service.list(status, limit=limit)
        chosen = [a for a in found if unit is None or a.former_unit == unit]
        return [self.view(a) for a in waiting_first(chosen, status)[:limit]]

    def listed(self, status: str, source: str | None, severity: str | None, since: datetime | None, limit: int,
               unit: str | None = None) -> list[Alert]:
        """GET /api/alerts: newest first, filtered by the service's query."""
        if self.service is None:
            return []
        if unit:
            return self.service.list(status, source, severity, since, limit, former_unit=unit)
        return self.service.list(status, source, severity, since, limit)

    def active(self) -> list[Alert]:
        """Every alarm not closed, newest first."""
        return [] if self.service is None else self.service.active()

    def view(self, alert: Alert) -> AlertView:
        return AlertView(alert, self.local(alert.opened_at).strftime("%d/%m %H:%M"))

    def find(self, alert_id: str) -> Alert | None:
        detail = self.service.get(alert_id) if self.service is not None else None
        return None if detail is None else detail.alert

    def alarm(self, alert_id: str) -> AlarmView | None:
        """An alarm with its timeline, each step with its local time."""
        detail = self.service.get(alert_id) if self.service is not None else None
        if detail is None:
            return None
        steps = tuple(StepView(s, self.local(s.at).strftime("%H:%M %d/%m")) for s in detail.history)
        return AlarmView(detail.alert, steps)

    def history(self, alert_id: str) -> tuple[StepView, ...]:
        alarm = self.alarm(alert_id)
        return () if alarm is None else alarm.history

    def action_text(self, rule: str) -> tuple[str, str]:
        """The configured action text (vi, en) of a rule."""
        return action_text(self.settings.rules, rule)

    def cameras_at(self, subjects: Sequence[str]) -> list[CameraConfig]:
        """The cameras showing these alarms' subjects: a camera the alarm is about (first), or one linked to the
        flood point (flood_point)."""
        found = [c for c in self._cameras if c.id in subjects or c.flood_point in subjects]
        return sorted(found, key=lambda c: c.id not in subjects)  # stable: the alarm's own camera first

    def duty_desk(self) -> DutyDesk | None:
        """The commune's duty desk (roster, chains, phone links); None at a province or without alerts."""
        return None if self.service is None else self.service.duty

    def takeover(self, alerts: Sequence[AlertView], flooded: Sequence[FloodStandIn] = ()) -> TakeoverView | None:
        """The critical alarms taking over a wall; without the alerts service a flood point at báo động III still
        takes over (`flooded`, not ackable)."""
        now = self.now()
        if self.service is None:
            return takeover_of([stand_in(p, now) for p in flooded], now, self.local, ackable=False)
        return takeover_of([v.alert for v in alerts], now, self.local)

    # -- actions -------------------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, who: str, role: Role, note: str | None) -> ActResult:
        return self._act(alert_id, role, lambda s: s.acknowledge(alert_id, who, role.value, note or None))

    def resolve(self, alert_id: str, who: str, role: Role, note: str | None) -> ActResult:
        """Close the alarm ("Hoàn thành xử lý")."""
        return self._act(alert_id, role, lambda s: s.resolve(alert_id, who, role.value, note or None))

    def shelve(self, alert_id: str, who: str, role: Role, minutes: float, reason: str) -> ActResult:
        """Off the wall's takeover for `minutes`, with a reason (audited)."""
        return self._act(alert_id, role, lambda s: s.shelve(alert_id, who, role.value, minutes, reason))

    def acknowledge_by_link(self, alert_id: str, who: str, role: str | None, note: str) -> ActResult:
        """Acknowledge through a person's signed phone link (the link, not the role, is the permission)."""
        return self._act(alert_id, None, lambda s: s.acknowledge(alert_id, who, role, note))

    def _act(self, alert_id: str, role: Role | None, verb: Callable[[AlertsReadSide], Alert]) -> ActResult:
        if self.service is None:
            return ActResult(refusal=Refusal.UNAVAILABLE, message="alerts service not running")
        alert = self.find(alert_id)
        if alert is None:
            return ActResult(refusal=Refusal.NOT_FOUND, message=f"no alert '{alert_id}'")
        sources = None if role is None else ACT_SOURCES.get(role, frozenset())
        if sources is not None and alert.source not in sources:  # police act on camera alarms only
            return ActResult(refusal=Refusal.FORBIDDEN, message="not allowed for this role")
        try:
            return ActResult(alert=verb(self.service))
        except AlertNotFoundError:
            return ActResult(refusal=Refusal.NOT_FOUND, message=f"no alert '{alert_id}'")
        except AlertClosedError as exc:
            return ActResult(refusal=Refusal.CLOSED, message=str(exc) or "alert already closed")
        except ValueError as exc:  # e.g. shelving minutes out of range
            return ActResult(refusal=Refusal.BAD, message=str(exc) or type(exc).__name__)

    def serves(self, service: object) -> bool:
        return self.service is service


def alert_reads(ctx: AppContext) -> AlertReads:
    """The reader of this context's alarms, made once per context (a context seen through a narrower scope has
    its own alert service: its reader is made for it)."""
    cached = ctx.extras.get(_KEY)
    if isinstance(cached, AlertReads) and cached.serves(ctx.alerts):
        return cached
    reads = AlertReads(ctx.alerts, ctx.config.alerts, ctx.config.commune, ctx.config.cameras)
    if ctx.scope.whole:  # a narrower view shares the extras of the context it narrows
        ctx.extras[_KEY] = reads
    return reads


def current_alert_reads() -> AlertReads:
    """The alarms this request reads (dashboard.context.current_context: its scope, its commune at a province)."""
    from dashboard.scoped import current_context

    return alert_reads(current_context())


def screen_alert_reads(ctx: AppContext, screen_id: str | None) -> AlertReads | None:
    """The alarms a wall screen shows: `<commune>/<screen>` at a province is that commune's (None when the
    province has no such commune or the request's scope does not hold it), a plain screen id this context's."""
    if not screen_id or "/" not in screen_id:
        return alert_reads(ctx)
    commune = screen_id.split("/", 1)[0]
    if not ctx.scope.sees(commune):  # a commune the caller may not see (the id comes back from the browser)
        return None
    chosen = ctx.province.contexts.get(commune) if ctx.province is not None else None
    return alert_reads(chosen) if chosen is not None else None
