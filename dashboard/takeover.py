"""Which critical alarms take over a wall: every critical alarm nobody has acknowledged (active or returned to
normal) and nobody has shelved, newest first; it stays until each is acknowledged or shelved (ISA-18.2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

SHOWN = 3  # cards on the takeover; the rest are counted as "+N"
WAITING = ("open", "cleared")  # unacknowledged: active, or returned to normal


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def needs_takeover(alert: dict[str, Any], now: datetime) -> bool:
    """A critical alarm waiting for a person and not shelved at `now`."""
    shelved_until = _time(alert.get("shelved_until"))
    return (
        str(alert.get("severity", "")).lower() == "critical"
        and str(alert.get("status", "open")).lower() in WAITING
        and (shelved_until is None or shelved_until <= now)
    )


def one_of_each_source_first(newest_first: list[dict[str, Any]], shown: int) -> list[dict[str, Any]]:
    """The cards to show: the newest alarm of each source (flood, air, camera …) before any second one of a source,
    so a level-III flood alarm is never hidden behind a night of camera intrusions; newest first on screen."""
    leaders: dict[Any, dict[str, Any]] = {}
    for alert in newest_first:
        leaders.setdefault(alert.get("source"), alert)
    first = {id(a) for a in leaders.values()}
    rest = [a for a in newest_first if id(a) not in first]
    chosen = {id(a) for a in [*leaders.values(), *rest][:shown]}
    return [a for a in newest_first if id(a) in chosen]


def takeover(alerts: list[dict[str, Any]], now: datetime, local: Callable[[datetime], datetime],
             shown: int = SHOWN) -> dict[str, Any] | None:
    """The takeover of a wall: the newest `shown` alarms (with peak and current value, local peak time, whether
    it returned to normal), how many more, and every id (for "Tiếp nhận tất cả" and the mute)."""
    waiting = [a for a in alerts if needs_takeover(a, now)]
    if not waiting:
        return None
    waiting.sort(key=lambda a: str(a.get("opened_at") or ""), reverse=True)
    cards = []
    for alert in one_of_each_source_first(waiting, shown):
        peak_at = _time(alert.get("peak_at")) or _time(alert.get("opened_at"))
        cards.append({
            **alert,
            "returned": str(alert.get("status")) == "cleared",
            "peak_local": local(peak_at).strftime("%H:%M %d/%m") if peak_at else None,
        })
    return {"alerts": cards, "more": len(waiting) - len(cards), "ids": [str(a.get("id")) for a in waiting]}
