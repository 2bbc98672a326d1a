"""Review marks on camera events: an officer marks an event a false alarm (or takes the mark back), with a note.
Append-only JSON lines, so every mark stays; the newest mark of an event is its state. The event itself is kept."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ReviewMark:
    """One decision about one event."""

    event_id: str
    camera_id: str
    false_alarm: bool
    by: str
    at: datetime  # aware UTC
    note: str = ""


class ReviewLog:
    """The marks file (one JSON object a line)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, mark: ReviewMark) -> None:
        row = {**asdict(mark), "at": mark.at.isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def marks(self) -> list[ReviewMark]:
        """Every mark, oldest first (bad lines skipped)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                row = json.loads(line)
                out.append(ReviewMark(**{**row, "at": datetime.fromisoformat(row["at"])}))
            except (ValueError, TypeError, KeyError):
                continue
        return out

    def false_alarms(self) -> set[str]:
        """Ids of the events whose newest mark says false alarm."""
        state: dict[str, bool] = {}
        for mark in self.marks():
            state[mark.event_id] = mark.false_alarm
        return {event_id for event_id, false in state.items() if false}
