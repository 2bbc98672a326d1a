"""The alert log in SQLite: the alerts table (current state) and the append-only audit of transitions."""

from __future__ import annotations

import sqlite3
import statistics
import threading
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from alerts.models import Action, Alert, AlertTransition, Severity, Source, Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, rule TEXT NOT NULL, source TEXT NOT NULL, subject TEXT NOT NULL,
    severity TEXT NOT NULL, status TEXT NOT NULL, title_vi TEXT NOT NULL, title_en TEXT NOT NULL,
    detail TEXT NOT NULL, opened_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, count INTEGER NOT NULL,
    value REAL, acknowledged_by TEXT, acknowledged_at TEXT, acknowledged_note TEXT,
    resolved_by TEXT, resolved_at TEXT, resolved_note TEXT, escalations INTEGER NOT NULL, escalated_at TEXT
);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, opened_at);
CREATE INDEX IF NOT EXISTS alerts_opened ON alerts (opened_at);
CREATE TABLE IF NOT EXISTS alert_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL,
    status TEXT NOT NULL, severity TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, note TEXT
);
CREATE INDEX IF NOT EXISTS alert_audit_alert ON alert_audit (alert_id, seq);
CREATE TRIGGER IF NOT EXISTS alert_audit_no_update BEFORE UPDATE ON alert_audit
BEGIN SELECT RAISE(ABORT, 'alert_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alert_audit_no_delete BEFORE DELETE ON alert_audit
BEGIN SELECT RAISE(ABORT, 'alert_audit is append-only'); END;
"""

ALERT_COLUMNS = tuple(f.name for f in fields(Alert))
_TIMES = {"opened_at", "last_seen_at", "acknowledged_at", "resolved_at", "escalated_at"}
_ENUMS = {"source": Source, "severity": Severity, "status": Status}


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """A filter over the alert log; None means any."""

    status: Status | None = None
    source: Source | None = None
    severity: Severity | None = None
    since: datetime | None = None
    limit: int = 500


class AlertStore:
    """Alerts and their audit trail in one SQLite file (the app-state file); safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def save(self, alert: Alert, transition: AlertTransition | None = None) -> None:
        """Upsert the alert and, in the same transaction, append its transition to the audit table."""
        row = [_to_db(name, getattr(alert, name)) for name in ALERT_COLUMNS]
        marks = ", ".join("?" for _ in ALERT_COLUMNS)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    f"INSERT OR REPLACE INTO alerts ({', '.join(ALERT_COLUMNS)}) VALUES ({marks})", row
                )
                if transition is not None:
                    self._append(transition)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _append(self, t: AlertTransition) -> None:
        self._db.execute(
            "INSERT INTO alert_audit (alert_id, action, at, status, severity, actor, role, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (t.alert_id, t.action.value, _to_db("at", t.at), t.status.value, t.severity.value, t.actor,
             t.role, t.note),
        )

    def unresolved(self) -> list[Alert]:
        return self.query(AlertQuery(limit=1_000_000), unresolved=True)

    def get(self, alert_id: str) -> Alert | None:
        with self._lock:
            sql = f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE id = ?"
            row = self._db.execute(sql, (alert_id,)).fetchone()
        return _alert(row) if row else None

    def query(self, q: AlertQuery, unresolved: bool = False) -> list[Alert]:
        """Alerts matching the filter, newest opened first."""
        where, args = [], []
        for column, value in (("status", q.status), ("source", q.source), ("severity", q.severity)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value.value)
        if q.since is not None:
            where.append("opened_at >= ?")
            args.append(_to_db("opened_at", q.since))
        if unresolved:
            where.append("status != 'resolved'")
        sql = f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY opened_at DESC, id LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, q.limit]).fetchall()
        return [_alert(r) for r in rows]

    def history(self, alert_id: str) -> list[AlertTransition]:
        with self._lock:
            rows = self._db.execute(
                "SELECT alert_id, action, at, status, severity, actor, role, note FROM alert_audit"
                " WHERE alert_id = ? ORDER BY seq", (alert_id,),
            ).fetchall()
        return [
            AlertTransition(r[0], Action(r[1]), datetime.fromisoformat(r[2]), Status(r[3]), Severity(r[4]),
                            r[5], r[6], r[7])
            for r in rows
        ]

    def ack_median_s(self, limit: int = 1000, start: datetime | None = None,
                     end: datetime | None = None) -> float | None:
        """Median seconds from opening to acknowledgement over the latest acknowledged alerts, optionally of
        the alerts opened in [start, end)."""
        sql = "SELECT opened_at, acknowledged_at FROM alerts WHERE acknowledged_at IS NOT NULL"
        args: list[object] = []
        if start is not None and end is not None:
            sql += " AND opened_at >= ? AND opened_at < ?"
            args += [_to_db("opened_at", start), _to_db("opened_at", end)]
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY acknowledged_at DESC LIMIT ?", (*args, limit)).fetchall()
        waits = [(datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() for a, b in rows]
        return statistics.median(waits) if waits else None

    def escalations_total(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(SUM(escalations), 0) FROM alerts").fetchone()[0])


def _to_db(name: str, value: object) -> object:
    if value is None:
        return None
    if name in _TIMES or name == "at":
        return value.astimezone(UTC).isoformat()  # type: ignore[attr-defined]
    if name in _ENUMS:
        return value.value  # type: ignore[attr-defined]
    return value


def _alert(row: tuple) -> Alert:
    values = {}
    for name, raw in zip(ALERT_COLUMNS, row, strict=True):
        if raw is not None and name in _TIMES:
            raw = datetime.fromisoformat(raw)
        elif name in _ENUMS:
            raw = _ENUMS[name](raw)
        values[name] = raw
    return Alert(**values)
