"""One SQLite connection shared by threads behind one lock, its schema made on open: the duty tables' base."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class SharedConnection:
    """A WAL-mode connection that every method uses under `self._lock`; `close()` ends it."""

    def __init__(self, path: str | Path, schema: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(schema)

    def close(self) -> None:
        with self._lock:
            self._db.close()
