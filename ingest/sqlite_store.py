"""The embedded time-series store: readings in one SQLite file (WAL), one row per device, field and time."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from ingest.store import Aggregate, SeriesPoint, StoreUnavailable
from sensors.models import Reading

SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    kind   TEXT    NOT NULL,
    device TEXT    NOT NULL,
    field  TEXT    NOT NULL,
    ts_ms  INTEGER NOT NULL,
    value  REAL    NOT NULL,
    PRIMARY KEY (kind, device, field, ts_ms)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
    kind   TEXT    NOT NULL,
    device TEXT    NOT NULL,
    ts_ms  INTEGER NOT NULL,
    fields TEXT    NOT NULL,
    PRIMARY KEY (kind, device)
) WITHOUT ROWID;
"""
UPSERT_POINT = "INSERT OR REPLACE INTO points (kind, device, field, ts_ms, value) VALUES (?, ?, ?, ?, ?)"
UPSERT_LATEST = """
INSERT INTO latest (kind, device, ts_ms, fields) VALUES (?, ?, ?, ?)
ON CONFLICT (kind, device) DO UPDATE SET ts_ms = excluded.ts_ms, fields = excluded.fields
WHERE excluded.ts_ms >= latest.ts_ms
"""
CACHE_KIB = 32 * 1024  # page cache per connection: the points index of a busy day stays in memory while it grows
AGGREGATES: dict[str, str] = {"mean": "AVG(value)", "min": "MIN(value)", "max": "MAX(value)",
                              "count": "COUNT(value)", "sum": "SUM(value)"}


def describe(exc: sqlite3.Error, path: Path) -> str:
    """A SQLite error in an operator's words, with the file it concerns ("disk full at data/coc.sqlite")."""
    text = str(exc)
    for needle, words in (("disk is full", "disk full"), ("readonly", "read-only database"),
                          ("unable to open", "cannot open the database file"), ("locked", "database locked"),
                          ("disk I/O error", "disk I/O error"), ("malformed", "database file damaged")):
        if needle in text:
            return f"{words} at {path} (SQLite: {text})"
    return f"SQLite error at {path}: {text}"


def to_ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class SqliteStore:
    """Readings in SQLite. `write` is called from one writer thread; reads use one connection per thread."""

    backend = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._ready = False  # the schema exists (open() succeeded); a write retries open() until it does

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._conn()
            conn.executescript(SCHEMA)
        except OSError as exc:
            raise StoreUnavailable(f"cannot open SQLite store {self.path}: {exc.strerror or exc}") from exc
        except sqlite3.Error as exc:
            self.close()  # a connection opened on a bad path stays bad; the next try opens a new one
            raise StoreUnavailable(describe(exc, self.path)) from exc
        self._ready = True

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a commit is on disk before readings are acknowledged
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._local.conn = conn
        return conn

    def write(self, readings: Sequence[Reading]) -> None:
        """Insert or overwrite a batch in one transaction (idempotent per kind, device, field and time)."""
        rows: list[tuple[str, str, str, int, float]] = []
        newest: dict[tuple[str, str], tuple[int, Reading]] = {}
        for r in readings:
            ms = to_ms(r.ts)
            kind, device = r.kind, r.device_id
            rows.extend([(kind, device, name, ms, value) for name, value in r.fields.items()])
            seen = newest.get((kind, device))
            if seen is None or ms >= seen[0]:
                newest[(kind, device)] = (ms, r)
        latest_rows = [(k, d, ms, orjson.dumps(r.fields).decode()) for (k, d), (ms, r) in newest.items()]
        if not self._ready:
            self.open()
        try:
            with self._write_lock:
                conn = self._conn()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(UPSERT_POINT, rows)
                    conn.executemany(UPSERT_LATEST, latest_rows)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back itself (a full disk does)
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StoreUnavailable(describe(exc, self.path)) from exc

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self._conn().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreUnavailable(describe(exc, self.path)) from exc

    def diagnose(self) -> None:
        """Nothing to look into: SQLite opens its own file again (InfluxStore finds damaged series files)."""
        return None

    def latest(self) -> dict[str, Reading]:
        rows = self._rows("SELECT kind, device, ts_ms, fields FROM latest")
        return {device: Reading(device, kind, from_ms(ts), orjson.loads(fields)) for kind, device, ts, fields in rows}

    def series(self, kind: str, device_id: str, field: str, start: datetime, end: datetime,
               every_s: int, agg: Aggregate = "mean") -> list[SeriesPoint]:
        bucket = max(1, int(every_s)) * 1000
        where = "kind = ? AND device = ? AND field = ? AND ts_ms >= ? AND ts_ms < ?"
        args = (bucket, bucket, kind, device_id, field, to_ms(start), to_ms(end))
        if agg == "last":
            sql = (f"SELECT b, value FROM (SELECT (ts_ms / ?) * ? AS b, value, ROW_NUMBER() OVER "
                   f"(PARTITION BY ts_ms / {bucket} ORDER BY ts_ms DESC) AS rn FROM points WHERE {where}) "
                   "WHERE rn = 1 ORDER BY b")
        else:
            sql = f"SELECT (ts_ms / ?) * ? AS b, {AGGREGATES[agg]} FROM points WHERE {where} GROUP BY b ORDER BY b"
        rows = self._rows(sql, args)
        return [SeriesPoint(from_ms(b), float(v)) for b, v in rows if v is not None]

    def count(self, kind: str, device_id: str | None = None) -> int:
        """Distinct readings (device and time), not field rows."""
        sql = "SELECT COUNT(*) FROM (SELECT DISTINCT device, ts_ms FROM points WHERE kind = ?"
        args: tuple = (kind,)
        if device_id is not None:
            sql += " AND device = ?"
            args += (device_id,)
        return int(self._rows(sql + ")", args)[0][0])
