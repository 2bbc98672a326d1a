"""The audit of camera evidence access: every view of an event clip and every evidence export, with who,
when and from where, appended to a JSON-lines file (never rewritten)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

AccessDetail = str | list[str] | None  # what an access adds: the clip, a note, the ZIP's SHA-256, its files, the IP
AccessRow = dict[str, object]  # one line of the file as JSON: at, action, who, role, event_id, camera, the details

_lock = threading.Lock()


def record_access(path: Path, action: str, who: str, role: str, event_id: str, camera: str,
                  **detail: AccessDetail) -> AccessRow:
    """Append one access (action: `clip_view`, `export`, `false_alarm`, `false_alarm_undo`) and return it."""
    row: AccessRow = {
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


def read_access(path: Path, limit: int = 500) -> list[AccessRow]:
    """The newest accesses first (lines that are no JSON object skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows: list[AccessRow] = []
    for line in reversed(lines):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
        if len(rows) >= limit:
            break
    return rows
