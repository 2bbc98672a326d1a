"""The critical takeover of a wall as a view: every critical alarm nobody has acknowledged or shelved, newest first
(one of each source first on the cards), to JSON for the wall snapshot and back from the browser; the stand-in
alarm of a flood point at báo động III when the alerts service is not running."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from alerts.models import Alert, Severity, Source, Status

Json = dict[str, object]
WAITING = (Status.OPEN, Status.CLEARED)  # unacknowledged: active, or returned to normal
SHOWN = 3  # cards on the takeover; the rest are counted as "+N"


def title_in(lang: str, title_vi: str, title_en: str, *fallbacks: str) -> str:
    """An alarm's title in the language (Vietnamese when English is missing), else the first of `fallbacks` given
    (its detail, rule, id)."""
    title = (title_en or title_vi) if lang == "en" else title_vi
    return title or next((f for f in fallbacks if f), "")


@dataclass(frozen=True, slots=True)
class FloodStandIn:
    """A flood point at báo động III, taking over a wall when the alerts service is not running."""

    sensor_id: str
    name: str
    water_level_cm: float


@dataclass(frozen=True, slots=True)
class TakeoverCard:
    """One alarm on the takeover: its title (the peak's), peak and current value, whether it returned to normal;
    `ackable` is False for a stand-in made without the alerts service."""

    id: str
    rule: str
    source: str
    subject: str
    severity: str
    status: str
    title_vi: str
    title_en: str
    detail: str
    unit: str = ""
    value: float | None = None
    peak_value: float | None = None
    peak_local: str | None = None
    returned: bool = False
    ackable: bool = True

    def title(self, lang: str) -> str:
        return title_in(lang, self.title_vi, self.title_en, self.detail, self.rule, self.id)

    def to_json(self) -> Json:
        return {"id": self.id, "rule": self.rule, "source": self.source, "subject": self.subject,
                "severity": self.severity, "status": self.status, "title_vi": self.title_vi,
                "title_en": self.title_en, "detail": self.detail, "unit": self.unit, "value": self.value,
                "peak_value": self.peak_value, "peak_local": self.peak_local, "returned": self.returned,
                "ackable": self.ackable}

    @classmethod
    def from_json(cls, doc: Json) -> TakeoverCard:
        """A card back from the browser's store (the wall snapshot)."""
        return cls(_text(doc, "id"), _text(doc, "rule"), _text(doc, "source"), _text(doc, "subject"),
                   _text(doc, "severity"), _text(doc, "status"), _text(doc, "title_vi"), _text(doc, "title_en"),
                   _text(doc, "detail"), _text(doc, "unit"), _number(doc, "value"), _number(doc, "peak_value"),
                   _text(doc, "peak_local") or None, doc.get("returned") is True, doc.get("ackable") is not False)


@dataclass(frozen=True, slots=True)
class TakeoverView:
    """The critical alarms taking over a wall: the cards shown, how many more, every id (newest first)."""

    cards: tuple[TakeoverCard, ...]
    more: int
    ids: tuple[str, ...]

    def ackable(self) -> list[str]:
        """The ids a person may act on (not the stand-ins)."""
        stand_ins = {c.id for c in self.cards if not c.ackable}
        return [i for i in self.ids if i not in stand_ins]

    def without(self, gone: set[str]) -> TakeoverView | None:
        """The takeover less these alarms (None when none is left)."""
        left = tuple(i for i in self.ids if i not in gone)
        if not left:
            return None
        cards = tuple(c for c in self.cards if c.id not in gone)
        return TakeoverView(cards, len(left) - len(cards), left)

    def to_json(self) -> Json:
        return {"alerts": [c.to_json() for c in self.cards], "more": self.more, "ids": list(self.ids)}

    @classmethod
    def from_json(cls, doc: object) -> TakeoverView | None:
        """The takeover of a wall snapshot as the browser sends it back (None when there is none)."""
        if not isinstance(doc, dict) or not isinstance(doc.get("alerts"), list):
            return None
        cards = tuple(TakeoverCard.from_json(c) for c in doc["alerts"] if isinstance(c, dict))
        ids = doc.get("ids")
        more = doc.get("more")
        return cls(cards, more if isinstance(more, int) else 0,
                   tuple(str(i) for i in ids) if isinstance(ids, list) else tuple(c.id for c in cards))


def needs_takeover(alert: Alert, now: datetime) -> bool:
    """A critical alarm waiting for a person (active or returned to normal) and not shelved at `now`."""
    return alert.severity is Severity.CRITICAL and alert.status in WAITING and not alert.shelved(now)


def one_of_each_source_first(newest_first: Sequence[Alert], shown: int) -> list[Alert]:
    """The cards to show: the newest alarm of each source (flood, air, camera …) before any second one of a source,
    so a level-III flood alarm is never hidden behind a night of camera intrusions; newest first on screen."""
    leaders: dict[str, Alert] = {}
    for alert in newest_first:
        leaders.setdefault(alert.source.value, alert)
    first = {a.id for a in leaders.values()}
    rest = [a for a in newest_first if a.id not in first]
    chosen = {a.id for a in [*leaders.values(), *rest][:shown]}
    return [a for a in newest_first if a.id in chosen]


def takeover_of(alerts: Sequence[Alert], now: datetime, local: Callable[[datetime], datetime],
                shown: int = SHOWN, ackable: bool = True) -> TakeoverView | None:
    """Every critical alarm nobody has acknowledged or shelved, newest first: the newest `shown` as cards (one of
    each source first), how many more, and every id (for "Tiếp nhận tất cả" and the mute). It stays until each is
    acknowledged or shelved (ISA-18.2)."""
    waiting = sorted((a for a in alerts if needs_takeover(a, now)), key=lambda a: a.opened_at, reverse=True)
    if not waiting:
        return None
    cards = []
    for alert in one_of_each_source_first(waiting, shown):
        peak_at = alert.peak_at or alert.opened_at
        cards.append(TakeoverCard(
            alert.id, alert.rule, alert.source.value, alert.subject, alert.severity.value, alert.status.value,
            alert.title_vi, alert.title_en, alert.detail, alert.unit, alert.value, alert.peak_value,
            local(peak_at).strftime("%H:%M %d/%m"), alert.status is Status.CLEARED, ackable))
    return TakeoverView(tuple(cards), len(waiting) - len(cards), tuple(a.id for a in waiting))


def stand_in(point: FloodStandIn, now: datetime) -> Alert:
    """The alarm a flood point at báo động III stands for while the alerts service is not running."""
    return Alert(id=f"flood-{point.sensor_id}", rule="flood_level", source=Source.FLOOD, subject=point.sensor_id,
                 severity=Severity.CRITICAL, status=Status.OPEN, title_vi=point.name, title_en="",
                 detail=f"{point.name}: {point.water_level_cm:.0f} cm", opened_at=now, last_seen_at=now)


def _text(doc: Json, key: str) -> str:
    value = doc.get(key)
    return value if isinstance(value, str) else ""


def _number(doc: Json, key: str) -> float | None:
    value = doc.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
