"""Event lifecycle: start after a hold time, periodic updates, end after a quiet time, one id throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from camera.lifecycle import EventTracker, Timing
from camera.models import EventPhase, EventType

T0 = datetime(2025, 7, 1, 16, 0, tzinfo=UTC)
KEY = (EventType.TAMPER, "covered")


def feed(pattern: str, timing: Timing) -> list:
    """One observation per second: '#' present, '.' absent."""
    tracker = EventTracker("cam-1")
    events = []
    for i, c in enumerate(pattern):
        event = tracker.observe(KEY, c == "#", 0.5 + i / 100, T0 + timedelta(seconds=i), timing)
        if event:
            events.append((i, event))
    return events


def test_start_update_end_share_one_id() -> None:
    events = feed("#######..........", Timing(start_after_s=2, end_after_s=3, update_every_s=2))
    assert [(i, e.phase) for i, e in events] == [
        (2, EventPhase.START),
        (4, EventPhase.UPDATE),
        (6, EventPhase.UPDATE),
        (9, EventPhase.END),
    ]
    assert len({e.event_id for _, e in events}) == 1
    assert events[-1][1].score == 0.56  # the highest score seen


def test_too_short_never_starts() -> None:
    assert feed("##..##..##..", Timing(start_after_s=2, end_after_s=1)) == []


def test_brief_gap_does_not_end() -> None:
    events = feed("####.####.....", Timing(start_after_s=0, end_after_s=3, update_every_s=100))
    assert [(i, e.phase) for i, e in events] == [(0, EventPhase.START), (11, EventPhase.END)]
