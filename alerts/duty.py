"""Who is on duty: the shift running at a moment, its holders (the roster's default or the day's assignment), the
holders of a post, and the escalation chain an alarm walks. Pure functions over the `duty:` section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alerts.duty_settings import ChainConfig, DutyConfig, ShiftConfig
from alerts.lifecycle import at_least
from alerts.models import Alert


@dataclass(frozen=True, slots=True)
class ShiftSlot:
    """One shift on one day: the day it starts (local) and its start and end as aware UTC times."""

    shift: ShiftConfig
    day: date
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.shift.id}"


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def slot(shift: ShiftConfig, day: date, timezone: str) -> ShiftSlot:
    """The shift starting on `day` (local), with its end the next day when it runs past midnight."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(day, _hhmm(shift.start), tz)
    end = datetime.combine(day, _hhmm(shift.end), tz)
    if end <= start:
        end += timedelta(days=1)
    return ShiftSlot(shift, day, start, end)


def slot_at(shifts: list[ShiftConfig], at: datetime, timezone: str) -> ShiftSlot | None:
    """The shift running at `at` (the one that started last, when shifts overlap); None between shifts."""
    today = at.astimezone(ZoneInfo(timezone)).date()
    running = [s for day in (today - timedelta(days=1), today) for shift in shifts
               if (s := slot(shift, day, timezone)).start <= at < s.end]
    return max(running, key=lambda s: s.start) if running else None


def next_slot(shifts: list[ShiftConfig], after: ShiftSlot, timezone: str) -> ShiftSlot | None:
    """The shift that follows `after` (the incoming shift at a handover)."""
    day = after.day
    later = [s for d in (day, day + timedelta(days=1)) for shift in shifts
             if (s := slot(shift, d, timezone)).start >= after.end - timedelta(minutes=1) and s.key != after.key]
    return min(later, key=lambda s: s.start) if later else None


def holders(cfg: DutyConfig, post_id: str, on_duty: list[str]) -> list[str]:
    """Usernames holding a post: the shift's holders for an on-shift post, else the post's own holders."""
    post = cfg.post(post_id)
    if post is None:
        return []
    return list(on_duty) if post.on_shift else list(post.holders)


def slot_holders(slot_: ShiftSlot, assigned: Mapping[str, list[str]]) -> list[str]:
    """The day's assignment of a shift (made on /duty) or the roster's default holders."""
    return list(assigned.get(slot_.key, slot_.shift.holders))


def chain_for(cfg: DutyConfig, alert: Alert) -> ChainConfig | None:
    """The first chain that covers this alarm's kind (rule) and severity."""
    for chain in cfg.chains:
        if (not chain.rules or alert.rule in chain.rules) and at_least(alert.severity, chain.min_severity):
            return chain
    return None


def due_steps(chain: ChainConfig, started_at: datetime, now: datetime, done: set[int]) -> list[int]:
    """Indexes of the steps whose time has come and that were not called yet: step 0 at once, step i after the
    timeouts of the steps before it."""
    due, at = [], started_at
    for index, step in enumerate(chain.steps):
        if at > now:
            break
        if index not in done:
            due.append(index)
        at += timedelta(minutes=step.timeout_min)
    return due
