"""Event lifecycle: a condition that holds long enough starts an event, updates it while it lasts, and ends it
after it has been clear for a while. One tracker per camera; time is passed in, so tests hold it still."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from camera.models import CameraEvent, EventPhase, EventType


@dataclass(frozen=True, slots=True)
class Timing:
    """How long a condition must hold to start, be clear to end, and how often an ongoing event is updated."""

    start_after_s: float = 0.0
    end_after_s: float = 10.0
    update_every_s: float = 60.0


@dataclass(slots=True)
class _Track:
    first_true: datetime
    last_true: datetime
    score: float
    event: CameraEvent | None = None
    last_published: datetime | None = None


def new_event_id(camera_id: str, ts: datetime) -> str:
    """A readable, unique, URL-safe event id: camera, UTC start time and a random suffix."""
    return f"{camera_id}-{ts:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


class EventTracker:
    """Turns per-frame conditions, keyed by (type, zone), into start / update / end events."""

    def __init__(self, camera_id: str) -> None:
        self.camera_id = camera_id
        self._tracks: dict[tuple[EventType, str | None], _Track] = {}

    def active(self) -> list[CameraEvent]:
        return [t.event for t in self._tracks.values() if t.event is not None]

    def observe(
        self, key: tuple[EventType, str | None], present: bool, score: float, now: datetime, timing: Timing
    ) -> CameraEvent | None:
        """Feed one observation; return the event to publish, if this observation causes one."""
        track = self._tracks.get(key)
        if present:
            if track is None:
                track = self._tracks[key] = _Track(now, now, score)
            track.last_true, track.score = now, max(track.score, score)
            return self._start_or_update(key, track, now, timing)
        if track is None:
            return None
        if track.event is None or now - track.last_true >= timedelta(seconds=timing.end_after_s):
            del self._tracks[key]
            if track.event is not None:
                return replace(
                    track.event, ts=now, phase=EventPhase.END, score=round(track.score, 3), snapshot=None
                )
        return None

    def _start_or_update(
        self, key: tuple[EventType, str | None], track: _Track, now: datetime, timing: Timing
    ) -> CameraEvent | None:
        if track.event is None:
            if now - track.first_true < timedelta(seconds=timing.start_after_s):
                return None
            track.event = CameraEvent(
                self.camera_id,
                now,
                key[0],
                new_event_id(self.camera_id, now),
                EventPhase.START,
                key[1],
                round(track.score, 3),
            )
            track.last_published = now
            return track.event
        if track.last_published and now - track.last_published >= timedelta(seconds=timing.update_every_s):
            track.last_published = now
            return replace(
                track.event, ts=now, phase=EventPhase.UPDATE, score=round(track.score, 3), snapshot=None
            )
        return None
