"""The application-state SQLite file as ingest uses it: dead letters, unknown devices and camera events; and what
COC does when that file cannot be written at start (a read-only or failed disk): it runs on a temporary copy and
says so in its health, with the fix."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from camera.models import CameraEvent, EventPhase, EventType
from supervision.part import PartHealth, PartState

DEAD_LETTER_PAYLOAD_BYTES = 1024
SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unknown_devices (
    kind TEXT NOT NULL,
    device TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    messages INTEGER NOT NULL,
    last_topic TEXT NOT NULL,
    PRIMARY KEY (kind, device)
);
CREATE TABLE IF NOT EXISTS camera_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    camera TEXT NOT NULL,
    ts TEXT NOT NULL,
    type TEXT NOT NULL,
    phase TEXT NOT NULL,
    zone TEXT,
    score REAL,
    snapshot TEXT,
    UNIQUE (camera, event_id, phase, ts)
);
CREATE INDEX IF NOT EXISTS camera_events_by_camera ON camera_events (camera, ts);
CREATE INDEX IF NOT EXISTS camera_events_by_ts ON camera_events (ts);
"""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A refused message: when, on which topic, the first 1 KiB of its payload, and why."""

    id: int
    received_at: datetime
    topic: str
    payload: bytes
    reason: str


@dataclass(frozen=True, slots=True)
class UnknownDevice:
    """A device that publishes but is not configured (yet): an admin adds it under `sensors:`."""

    kind: str
    device_id: str
    first_seen: datetime
    last_seen: datetime
    messages: int
    last_topic: str


class StateDb:
    """Thread-safe access to the app-state SQLite file (one connection, serialised by a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add_dead_letter(self, topic: str, payload: bytes, reason: str, at: datetime) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO dead_letters (received_at, topic, payload, reason) VALUES (?, ?, ?, ?)",
                (at.isoformat(), topic[:512], payload[:DEAD_LETTER_PAYLOAD_BYTES], reason[:1000]),
            )

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, received_at, topic, payload, reason FROM dead_letters ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [DeadLetter(i, datetime.fromisoformat(t), tp, bytes(p), r) for i, t, tp, p, r in rows]

    def dead_letter_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0])

    def note_unknown_device(self, kind: str, device_id: str, topic: str, at: datetime) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO unknown_devices VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (kind, device) DO UPDATE SET "
                "last_seen = excluded.last_seen, messages = messages + 1, last_topic = excluded.last_topic",
                (kind[:64], device_id[:128], at.isoformat(), at.isoformat(), topic[:512]),
            )

    def unknown_devices(self) -> list[UnknownDevice]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT kind, device, first_seen, last_seen, messages, last_topic FROM unknown_devices "
                "ORDER BY last_seen DESC"
            ).fetchall()
        return [UnknownDevice(k, d, datetime.fromisoformat(f), datetime.fromisoformat(last), m, t)
                for k, d, f, last, m, t in rows]

    def add_camera_event(self, event: CameraEvent) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO camera_events (event_id, camera, ts, type, phase, zone, score, snapshot) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event.event_id, event.camera_id, event.ts.astimezone(UTC).isoformat(), event.type.value,
                 event.phase.value, event.zone, event.score, event.snapshot),
            )

    def camera_events(self, camera: str | None = None, type_: str | None = None, since: datetime | None = None,
                      limit: int = 500) -> list[CameraEvent]:
        sql = "SELECT camera, ts, type, event_id, phase, zone, score, snapshot FROM camera_events WHERE 1 = 1"
        args: list[object] = []
        for clause, value in (("camera = ?", camera), ("type = ?", type_),
                              ("ts >= ?", since.astimezone(UTC).isoformat() if since else None)):
            if value is not None:
                sql += f" AND {clause}"
                args.append(value)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY ts DESC, id DESC LIMIT ?", (*args, limit)).fetchall()
        return [CameraEvent(c, datetime.fromisoformat(ts), EventType(t), e, EventPhase(p), z, s, snap)
                for c, ts, t, e, p, z, s, snap in rows]


def state_file_problem(path: Path, lock_timeout_s: float = 30.0) -> str | None:
    """Why the state file cannot be opened for writing (SQLite's or the system's words), or None when it can.
    Takes the write lock for an instant and writes nothing. A file another process keeps locked is no disk fault
    (None: COC opens it as usual and waits for the lock as it always does)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path, timeout=lock_timeout_s, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return None if "locked" in str(exc) else str(exc)
    except (sqlite3.Error, OSError) as exc:
        return str(exc) or type(exc).__name__
    return None


@dataclass(frozen=True, slots=True)
class StateFallback:
    """COC runs on `copy` because the configured state file `path` cannot be written (`error`); `copied`: its
    contents could be read and were copied (users, alarms, KPI figures as they were), else the copy started empty."""

    path: Path
    copy: Path
    error: str
    copied: bool

    def reason(self) -> str:
        """What /api/health says: what happened, what it means, how to fix it (Vietnamese, then English)."""
        kept = ("dùng bản sao tạm" if self.copied else "dùng cơ sở dữ liệu trống tạm thời (không đọc được tệp)")
        kept_en = "a temporary copy" if self.copied else "an empty temporary database (the file cannot be read)"
        return (f"Không ghi được cơ sở dữ liệu trạng thái {self.path} ({self.error}): ổ đĩa chỉ đọc hoặc hỏng. "
                f"COC vẫn chạy, {kept} tại {self.copy}; báo động, xác nhận, người dùng mới và nhật ký từ lúc này "
                f"sẽ mất khi khởi động lại. Cách sửa: kiểm tra ổ đĩa (dmesg, fsck), gắn lại ở chế độ ghi "
                f"(mount -o remount,rw) hoặc thay ổ, rồi khởi động lại COC (systemctl restart coc). / "
                f"The state database {self.path} cannot be written ({self.error}): the disk is read-only or failed. "
                f"COC runs on {kept_en} at {self.copy}; alarms, acknowledgements, new users and audit entries from "
                f"now on are lost at the next restart. Fix: check the disk (dmesg, fsck), mount it read-write "
                f"again (mount -o remount,rw) or replace it, then restart COC (systemctl restart coc).")


def fall_back(path: Path, error: str) -> StateFallback:
    """A temporary state file for a start on a disk that cannot be written: a copy of `path` when it can be
    read (through SQLite's backup; `immutable` when not even a lock can be taken there), else an empty one."""
    path = Path(path)
    copy = Path(tempfile.mkdtemp(prefix="coc-state-")) / path.name
    for uri in (f"file:{path}?mode=ro", f"file:{path}?immutable=1"):
        if not path.is_file():
            break
        try:
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as source, \
                    contextlib.closing(sqlite3.connect(copy)) as target:
                source.backup(target)
            return StateFallback(path, copy, error, copied=True)
        except (sqlite3.Error, OSError):
            copy.unlink(missing_ok=True)
    return StateFallback(path, copy, error, copied=False)


@dataclass
class StateFileWatch:
    """The state file as a part of COC: running, or degraded with the reason and the fix while COC runs on a
    temporary copy (/api/health answers 503 then; nothing restarts it: the disk must be mended first)."""

    fallback: StateFallback | None = None
    name: str = "state-db"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def health(self) -> PartHealth:
        if self.fallback is None:
            return PartHealth(self.name, PartState.RUNNING)
        return PartHealth(self.name, PartState.DEGRADED, self.fallback.reason())
