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

# Columns added after the first version (ALTER TABLE on an older file); their rows read back as the defaults.
ADDED_COLUMNS = {
    "alerts": {
        "detail_en": "TEXT NOT NULL DEFAULT ''", "unit": "TEXT NOT NULL DEFAULT ''",
        "place": "TEXT NOT NULL DEFAULT ''", "current_severity": "TEXT", "peak_severity": "TEXT",
        "peak_value": "REAL", "peak_at": "TEXT", "cleared_at": "TEXT", "raises": "INTEGER NOT NULL DEFAULT 1",
        "chattering": "INTEGER NOT NULL DEFAULT 0", "shelved_until": "TEXT", "shelved_by": "TEXT",
        "shelved_reason": "TEXT", "former_unit": "TEXT",
    },
    "alert_audit": {"value": "REAL"},
}
ALERT_COLUMNS = tuple(f.name for f in fields(Alert))
TIME_FIELDS = {"opened_at", "last_seen_at", "acknowledged_at", "resolved_at", "escalated_at", "peak_at",
               "cleared_at", "shelved_until"}
ENUM_FIELDS = {"source": Source, "severity": Severity, "current_severity": Severity, "peak_severity": Severity}


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """A filter over the alert log; None means any."""

    statuses: frozenset[Status] | None = None
    source: Source | None = None
    severity: Severity | None = None
    since: datetime | None = None
    limit: int = 500
    former_unit: str | None = None


class AlertStore:
    """Alerts and their audit trail in one SQLite file (the app-state file); safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.closed = False
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Bring an older file up to date: new columns, and the status `resolved` renamed `closed`."""
        for table, columns in ADDED_COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        self._db.execute("UPDATE alerts SET status = 'closed' WHERE status = 'resolved'")

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self.closed = True

    def save(self, alert: Alert, transitions: tuple[AlertTransition, ...] = ()) -> None:
        """Upsert the alert and, in the same transaction, append its transitions to the audit table."""
        row = [_to_db(name, getattr(alert, name)) for name in ALERT_COLUMNS]
        marks = ", ".join("?" for _ in ALERT_COLUMNS)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    f"INSERT OR REPLACE INTO alerts ({', '.join(ALERT_COLUMNS)}) VALUES ({marks})", row
                )
                for transition in transitions:
                    self._append(transition)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _append(self, t: AlertTransition) -> None:
        self._db.execute(
            "INSERT INTO alert_audit (alert_id, action, at, status, severity, actor, role, note, value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (t.alert_id, t.action.value, _to_db("at", t.at), t.status.value, t.severity.value, t.actor,
             t.role, t.note, t.value),
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
        for column, value in (("source", q.source), ("severity", q.severity), ("former_unit", q.former_unit)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(str(value))
        if q.statuses is not None:
            where.append(f"status IN ({', '.join('?' for _ in q.statuses)})")
            args += sorted(s.value for s in q.statuses)
        if q.since is not None:
            where.append("opened_at >= ?")
            args.append(_to_db("opened_at", q.since))
        if unresolved:
            where.append("status != 'closed'")
        sql = f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY opened_at DESC, id LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, q.limit]).fetchall()
        return [_alert(r) for r in rows]

    def history(self, alert_id: str) -> list[AlertTransition]:
        with self._lock:
            rows = self._db.execute(
                "SELECT alert_id, action, at, status, severity, actor, role, note, value FROM alert_audit"
                " WHERE alert_id = ? ORDER BY seq", (alert_id,),
            ).fetchall()
        return [
            AlertTransition(r[0], Action(r[1]), datetime.fromisoformat(r[2]), Status.parse(r[3]), Severity(r[4]),
                            r[5], r[6], r[7], r[8])
            for r in rows
        ]

    def person_actions(self, since: datetime | None = None, until: datetime | None = None,
                       limit: int = 500) -> list[tuple[AlertTransition, str, str]]:
        """What people did to alarms (acknowledged, shelved, resolved, ...: a transition with an actor), newest
        first, each with its alarm's title (Vietnamese, English): the alarms' part of the room's audit log."""
        where, args = ["t.actor IS NOT NULL", "t.actor NOT IN ('', 'system')"], []
        if since is not None:
            where.append("t.at >= ?")
            args.append(_to_db("at", since))
        if until is not None:
            where.append("t.at < ?")
            args.append(_to_db("at", until))
        with self._lock:
            rows = self._db.execute(
                "SELECT t.alert_id, t.action, t.at, t.status, t.severity, t.actor, t.role, t.note, t.value,"
                " a.title_vi, a.title_en FROM alert_audit t JOIN alerts a ON a.id = t.alert_id"
                " WHERE " + " AND ".join(where) + " ORDER BY t.seq DESC LIMIT ?", [*args, limit],
            ).fetchall()
        return [
            (AlertTransition(r[0], Action(r[1]), datetime.fromisoformat(r[2]), Status.parse(r[3]), Severity(r[4]),
                             r[5], r[6], r[7], r[8]), r[9], r[10])
            for r in rows
        ]

    def raised_since(self, since: datetime) -> list[tuple[str, str, datetime]]:
        """(rule, subject, time) of every raise since `since` (openings and returns), for the chattering count."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.rule, a.subject, t.at FROM alert_audit t JOIN alerts a ON a.id = t.alert_id"
                " WHERE t.action IN ('opened', 'returned') AND t.at >= ? ORDER BY t.seq",
                (_to_db("at", since),),
            ).fetchall()
        return [(r[0], r[1], datetime.fromisoformat(r[2])) for r in rows]

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
    if name in TIME_FIELDS or name == "at":
        return value.astimezone(UTC).isoformat()  # type: ignore[attr-defined]
    if name in ENUM_FIELDS or name == "status":
        return value.value  # type: ignore[attr-defined]
    return value


def _alert(row: tuple) -> Alert:
    values = {}
    for name, raw in zip(ALERT_COLUMNS, row, strict=True):
        if raw is not None and name in TIME_FIELDS:
            raw = datetime.fromisoformat(raw)
        elif name == "status":
            raw = Status.parse(raw)
        elif name == "chattering":
            raw = bool(raw)
        elif raw is not None and name in ENUM_FIELDS:
            raw = ENUM_FIELDS[name](raw)
        values[name] = raw
    return Alert(**values)
