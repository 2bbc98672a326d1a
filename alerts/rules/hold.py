"""Duration conditions: how long a condition has held without a break, and edge detection of a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(slots=True)
class Hold:
    """Tracks since when a condition has held; any observation where it does not hold starts over."""

    since: datetime | None = None

    def update(self, holds: bool, now: datetime) -> timedelta | None:
        """How long the condition has held as of `now`, or None when it does not hold."""
        if not holds:
            self.since = None
            return None
        if self.since is None:
            self.since = now
        return now - self.since

    def held(self, holds: bool, now: datetime, minimum: timedelta) -> bool:
        held_for = self.update(holds, now)
        return held_for is not None and held_for >= minimum


@dataclass(slots=True)
class Edge:
    """Remembers the last verdict so time-based rules speak only when it changes (None: not known yet)."""

    last: bool | None = None

    def changed(self, verdict: bool) -> bool:
        if verdict is self.last:
            return False
        self.last = verdict
        return True
