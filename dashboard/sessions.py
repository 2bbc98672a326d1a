"""Server-side login sessions, kept in the app-state SQLite file: a login cookie is valid only while its session
row is, so logout and an admin can end it (the signed cookie alone is not enough). Every login, logout and session
ended by someone else is handed to an audit callback (the user book's append-only audit, wired in `install`)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, session
from flask_login import LoginManager

from dashboard.auth import SessionUser, find_user
from dashboard.users import ActiveUsers

log = logging.getLogger(__name__)
COOKIE_KEY = "sid"  # the session secret inside Flask's signed cookie
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often per session
KEEP_ENDED = timedelta(days=7)  # ended sessions stay listed this long (who was logged in, who revoked)
Audit = Callable[[str, str, str, str], None]  # (actor, action, target, detail): login, logout, session_end
SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX IF NOT EXISTS web_sessions_by_user ON web_sessions (username);
"""
_COLUMNS = "id, username, role, address, user_agent, created_at, last_seen, revoked_at, revoked_by"


@dataclass(frozen=True, slots=True)
class WebSession:
    """One login: its public id (never the cookie's secret), who, from where, and whether it has ended."""

    id: str
    username: str
    role: str
    address: str
    user_agent: str
    created_at: datetime
    last_seen: datetime
    revoked_at: datetime | None
    revoked_by: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"id": self.id, "username": self.username, "role": self.role, "address": self.address,
                "user_agent": self.user_agent, "created_at": self.created_at.isoformat(),
                "last_seen": self.last_seen.isoformat(),
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None, "revoked_by": self.revoked_by}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SessionStore:
    """Sessions in SQLite (one connection under a lock); in memory when no path is given or the file is unusable."""

    def __init__(self, path: Path | None, idle: timedelta, clock: Callable[[], datetime] | None = None,
                 audit: Audit | None = None) -> None:
        self.idle = idle
        self.audit = audit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._conn = self._connect(path)

    @staticmethod
    def _connect(path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                return conn
            except sqlite3.Error as exc:
                log.warning("login sessions kept in memory (a restart logs everyone out): %s: %s", path, exc)
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        conn.executescript(SCHEMA)
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def create(self, username: str, role: str, address: str, user_agent: str) -> str:
        """A new session; returns the secret that goes into the cookie."""
        secret, now = secrets.token_urlsafe(32), self._clock()
        row = (secrets.token_hex(8), username, role, address[:64], user_agent[:200], now.isoformat(), now.isoformat(),
               _hash(secret))
        with self._lock:
            try:
                self._insert(row, now)
            except sqlite3.Error as exc:  # the file cannot be written (disk full, read-only): logins still work
                log.error("login sessions moved to memory (every earlier login ends): %s", exc)
                self._conn = self._connect(None)
                self._insert(row, now)
        self._audit(username, "login", username, f"{role} · {address[:64]}")
        return secret

    def _insert(self, row: tuple[str, ...], now: datetime) -> None:
        forgotten = (now - self.idle - KEEP_ENDED).isoformat()
        self._conn.execute("DELETE FROM web_sessions WHERE last_seen < ?", (forgotten,))
        self._conn.execute(
            f"INSERT INTO web_sessions ({_COLUMNS}, secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)", row
        )

    def check(self, secret: str | None, username: str) -> bool:
        """True when the secret names a live session of this user (not revoked, not idle too long)."""
        if not secret:
            return False
        now = self._clock()
        with self._lock:
            row = self._conn.execute(
                "SELECT id, username, last_seen, revoked_at FROM web_sessions WHERE secret_hash = ?", (_hash(secret),)
            ).fetchone()
            if row is None or row[1] != username or row[3] is not None:
                return False
            last_seen = datetime.fromisoformat(row[2])
            if now - last_seen > self.idle:
                return False
            if now - last_seen > TOUCH_EVERY:
                try:
                    self._conn.execute("UPDATE web_sessions SET last_seen = ? WHERE id = ?", (now.isoformat(), row[0]))
                except sqlite3.Error as exc:  # a full disk must not turn every page into an error
                    log.warning("login session %s: last_seen not saved: %s", row[0], exc)
        return True

    def revoke_secret(self, secret: str | None, by: str) -> bool:
        """End the session holding this cookie secret (logout)."""
        return bool(secret) and self._revoke("secret_hash = ?", _hash(secret or ""), by, "logout") > 0

    def revoke(self, session_id: str, by: str) -> bool:
        """End one session by its public id; False when there is no such live session."""
        return self._revoke("id = ?", session_id, by) > 0

    def revoke_user(self, username: str, by: str) -> int:
        """End every live session of a user; returns how many."""
        return self._revoke("username = ?", username, by)

    def _revoke(self, where: str, value: str, by: str, action: str = "session_end") -> int:
        with self._lock:
            ended = self._conn.execute(
                f"SELECT id, username FROM web_sessions WHERE {where} AND revoked_at IS NULL", (value,)
            ).fetchall()
            self._conn.execute(
                f"UPDATE web_sessions SET revoked_at = ?, revoked_by = ? WHERE {where} AND revoked_at IS NULL",
                (self._clock().isoformat(), by, value),
            )
        actor = by.removesuffix(" (logout)")
        for session_id, username in ended:
            self._audit(actor, action, username, session_id)
        return len(ended)

    def _audit(self, actor: str, action: str, target: str, detail: str) -> None:
        """Hand one login event to the audit; a failing audit never blocks a login or a logout."""
        if self.audit is None:
            return
        try:
            self.audit(actor, action, target, detail)
        except Exception as exc:  # noqa: BLE001 - the audit file unwritable: log it, keep the login working
            log.error("login audit not written (%s %s): %s", action, target, exc)

    def sessions(self, live_only: bool = True) -> list[WebSession]:
        """Sessions newest first; by default only those still valid."""
        cutoff = (self._clock() - self.idle).isoformat()
        sql = f"SELECT {_COLUMNS} FROM web_sessions"
        if live_only:
            sql += " WHERE revoked_at IS NULL AND last_seen >= ?"
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY created_at DESC", (cutoff,) if live_only else ()).fetchall()
        return [WebSession(i, u, r, a, ua, datetime.fromisoformat(c), datetime.fromisoformat(s), _time(rv), rb)
                for i, u, r, a, ua, c, s, rv, rb in rows]


def store(server: Flask) -> SessionStore:
    sessions: SessionStore = server.extensions["coc_sessions"]
    return sessions


def install(server: Flask, login: LoginManager, users: ActiveUsers, path: Path | None,
            idle: timedelta) -> SessionStore:
    """Keep sessions in `path` and let Flask-Login accept a cookie only while its session is live; the user book
    keeps the append-only audit of what happens to them."""
    sessions = server.extensions["coc_sessions"] = SessionStore(path, idle, audit=users.book.record)

    def load_user(username: str) -> SessionUser | None:
        if not sessions.check(session.get(COOKIE_KEY), username):
            return None
        return find_user(users, username)

    login.user_loader(load_user)
    return sessions
