"""The audit of camera evidence access: every view of an event clip and every evidence export, with who,
when and from where, appended to a JSON-lines file (never rewritten)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_lock = threading.Lock()


def record_access(path: Path, action: str, who: str, role: str, event_id: str, camera: str, **detail: Any) -> dict:
    """Append one access (action: `clip_view`, `export`, `false_alarm`, `false_alarm_undo`) and return it."""
    row = {
        "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "action": action,
        "who": who,
        "role": role,
        "event_id": event_id,
        "camera": camera,
        **detail,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return row


def read_access(path: Path, limit: int = 500) -> list[dict]:
    """The newest accesses first."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows = []
    for line in reversed(lines):
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
        if len(rows) >= limit:
            break
    return rows
