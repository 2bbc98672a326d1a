"""The takeover of ReadModel.takeover (rows as dicts), kept until dashboard/read_model.py drops it: the typed
takeover is dashboard.read.takeover (`takeover_of`, via `AlertReads.takeover`), which the wall's pages use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

SHOWN = 3  # cards on the takeover; the rest are counted as "+N"
WAITING = ("open", "cleared")  # unacknowledged: active, or returned to normal
Row = dict[str, object]


def _time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def needs_takeover(alert: Row, now: datetime) -> bool:
    """A critical alarm waiting for a person and not shelved at `now`."""
    shelved_until = _time(alert.get("shelved_until"))
    return (
        str(alert.get("severity", "")).lower() == "critical"
        and str(alert.get("status", "open")).lower() in WAITING
        and (shelved_until is None or shelved_until <= now)
    )


def one_of_each_source_first(newest_first: Sequence[Row], shown: int) -> list[Row]:
    """The newest alarm of each source before any second one of a source; newest first on screen."""
    leaders: dict[object, Row] = {}
    for alert in newest_first:
        leaders.setdefault(alert.get("source"), alert)
    first = {id(a) for a in leaders.values()}
    rest = [a for a in newest_first if id(a) not in first]
    chosen = {id(a) for a in [*leaders.values(), *rest][:shown]}
    return [a for a in newest_first if id(a) in chosen]


def takeover(alerts: Sequence[Row], now: datetime, local: Callable[[datetime], datetime],
             shown: int = SHOWN) -> Row | None:
    """The newest `shown` waiting critical alarms (with their local peak time, whether they returned to normal),
    how many more, and every id."""
    waiting = sorted((a for a in alerts if needs_takeover(a, now)), key=lambda a: str(a.get("opened_at") or ""),
                     reverse=True)
    if not waiting:
        return None
    cards = []
    for alert in one_of_each_source_first(waiting, shown):
        peak_at = _time(alert.get("peak_at")) or _time(alert.get("opened_at"))
        cards.append({
            **alert,
            "returned": str(alert.get("status")) == "cleared",
            "peak_local": local(peak_at).strftime("%H:%M %d/%m") if peak_at else None,
        })
    return {"alerts": cards, "more": len(waiting) - len(cards), "ids": [str(a.get("id")) for a in waiting]}
