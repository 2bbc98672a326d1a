"""The duty roster's state in the app-state SQLite file: the day's shift assignments, the handovers, the steps each
alarm's chain has called, and the append-only duty audit (roster, handover, chain, phone link)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alerts.shared_db import SharedConnection

SCHEMA = """
CREATE TABLE IF NOT EXISTS duty_assignments (
    slot TEXT PRIMARY KEY, holders TEXT NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS duty_handovers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, slot TEXT NOT NULL, next_slot TEXT, written_by TEXT NOT NULL,
    written_at TEXT NOT NULL, happened TEXT NOT NULL, open_items TEXT NOT NULL, open_alarms TEXT NOT NULL,
    confirmed_by TEXT, confirmed_at TEXT, confirm_note TEXT);
CREATE TABLE IF NOT EXISTS escalation_steps (
    alert_id TEXT NOT NULL, chain TEXT NOT NULL, step INTEGER NOT NULL, at TEXT NOT NULL, people TEXT NOT NULL,
    PRIMARY KEY (alert_id, step));
CREATE TABLE IF NOT EXISTS duty_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    alert_id TEXT, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS duty_audit_alert ON duty_audit (alert_id, seq);
CREATE TRIGGER IF NOT EXISTS duty_audit_no_update BEFORE UPDATE ON duty_audit
BEGIN SELECT RAISE(ABORT, 'duty_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS duty_audit_no_delete BEFORE DELETE ON duty_audit
BEGIN SELECT RAISE(ABORT, 'duty_audit is append-only'); END;
"""


@dataclass(frozen=True, slots=True)
class DutyEvent:
    """One line of the duty audit."""

    seq: int
    at: datetime
    actor: str
    action: str  # roster_set, handover_written, handover_confirmed, chain_step, link_opened, link_ack, link_refused
    alert_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class Handover:
    """What the outgoing shift wrote, the alarms open at the time, and the incoming shift's confirmation."""

    id: int
    slot: str
    next_slot: str | None
    written_by: str
    written_at: datetime
    happened: str
    open_items: str
    open_alarms: list[str]
    confirmed_by: str | None
    confirmed_at: datetime | None
    confirm_note: str | None


class HandoverError(ValueError):
    """A confirmation that cannot be made (unknown, already confirmed, or by the writer)."""


def _ts(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class DutyStore(SharedConnection):
    """Roster state and the duty audit; safe to share between threads (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, SCHEMA)
        self.path = Path(path)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _audit(self, db: sqlite3.Connection, at: datetime, actor: str, action: str, alert_id: str | None,
               detail: str) -> None:
        db.execute("INSERT INTO duty_audit (at, actor, action, alert_id, detail) VALUES (?, ?, ?, ?, ?)",
                   (_ts(at), actor, action, alert_id, detail))

    def record(self, at: datetime, actor: str, action: str, alert_id: str | None = None, detail: str = "") -> None:
        with self._tx() as db:
            self._audit(db, at, actor, action, alert_id, detail)

    def audit(self, alert_id: str | None = None, limit: int = 200) -> list[DutyEvent]:
        sql = "SELECT seq, at, actor, action, alert_id, detail FROM duty_audit"
        args: tuple = ()
        if alert_id is not None:
            sql, args = sql + " WHERE alert_id = ?", (alert_id,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq DESC LIMIT ?", (*args, limit)).fetchall()
        return [DutyEvent(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    # --- roster ----------------------------------------------------------------------------------------
    def assignments(self) -> dict[str, list[str]]:
        with self._lock:
            rows = self._db.execute("SELECT slot, holders FROM duty_assignments").fetchall()
        return {slot: json.loads(names) for slot, names in rows}

    def assign(self, at: datetime, actor: str, slot: str, names: list[str]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO duty_assignments VALUES (?, ?, ?, ?)",
                       (slot, json.dumps(names), actor, _ts(at)))
            self._audit(db, at, actor, "roster_set", None, f"{slot}: {', '.join(names) or '–'}")

    # --- handover --------------------------------------------------------------------------------------
    def write_handover(self, at: datetime, actor: str, slot: str, next_slot: str | None, happened: str,
                       open_items: str, open_alarms: list[str]) -> int:
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO duty_handovers (slot, next_slot, written_by, written_at, happened, open_items,"
                " open_alarms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (slot, next_slot, actor, _ts(at), happened, open_items, json.dumps(open_alarms)))
            handover_id = int(cur.lastrowid or 0)
            self._audit(db, at, actor, "handover_written", None,
                        f"#{handover_id} {slot} → {next_slot or '?'}; mở: {', '.join(open_alarms) or '–'}; "
                        f"{happened} | {open_items}")
        return handover_id

    def confirm_handover(self, at: datetime, actor: str, handover_id: int, note: str) -> None:
        with self._tx() as db:
            row = db.execute("SELECT written_by, confirmed_by FROM duty_handovers WHERE id = ?",
                             (handover_id,)).fetchone()
            if row is None:
                raise HandoverError(f"no handover #{handover_id}")
            if row[1] is not None:
                raise HandoverError(f"handover #{handover_id} was confirmed by {row[1]} already")
            if row[0] == actor:
                raise HandoverError("the incoming shift confirms, not the one who wrote the handover")
            db.execute("UPDATE duty_handovers SET confirmed_by = ?, confirmed_at = ?, confirm_note = ? WHERE id = ?",
                       (actor, _ts(at), note, handover_id))
            self._audit(db, at, actor, "handover_confirmed", None, f"#{handover_id} {note}".strip())

    def handovers(self, limit: int = 20) -> list[Handover]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, slot, next_slot, written_by, written_at, happened, open_items, open_alarms, confirmed_by,"
                " confirmed_at, confirm_note FROM duty_handovers ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Handover(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), r[5], r[6], json.loads(r[7]), r[8],
                         _dt(r[9]), r[10]) for r in rows]

    # --- escalation ------------------------------------------------------------------------------------
    def steps_done(self, alert_id: str) -> tuple[datetime | None, set[int]]:
        """When the alarm's chain started (its first step) and the steps called so far."""
        with self._lock:
            rows = self._db.execute("SELECT step, at FROM escalation_steps WHERE alert_id = ? ORDER BY step",
                                    (alert_id,)).fetchall()
        started = datetime.fromisoformat(rows[0][1]) if rows else None
        return started, {r[0] for r in rows}

    def step_called(self, at: datetime, alert_id: str, chain: str, step: int, people: list[str],
                    detail: str) -> bool:
        """Record a step once (False: it was recorded already); audited in the same transaction."""
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO escalation_steps VALUES (?, ?, ?, ?, ?)",
                             (alert_id, chain, step, _ts(at), json.dumps(people)))
            if cur.rowcount:
                self._audit(db, at, "system", "chain_step", alert_id, detail)
            return bool(cur.rowcount)

    def called(self, alert_id: str) -> list[str]:
        """Everyone a chain has called for this alarm, in the order of the steps."""
        with self._lock:
            rows = self._db.execute("SELECT people FROM escalation_steps WHERE alert_id = ? ORDER BY step",
                                    (alert_id,)).fetchall()
        return list(dict.fromkeys(name for (people,) in rows for name in json.loads(people)))
