"""The people who log in: the users of the configuration file and those an administrator adds on /admin (kept in
the app-state SQLite file), and the append-only audit of every change made to them.

How the two combine: a user of the configuration file stays as the file says (its password and role change in
the file); /admin can only disable or re-enable it, and that flag is kept in SQLite. Users added on /admin live
in SQLite only and are managed there (role, password, disabled). A name may exist in one place only: /admin
refuses a name the file has, and when the file later gains a name that /admin had made, the file's user wins
(the SQLite row is ignored and shown as such)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.auth import hash_password
from dashboard.context import AppContext
from dashboard.settings import Role, UserConfig

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, display_name TEXT, password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_user_flags (username TEXT PRIMARY KEY, disabled INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS admin_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE TRIGGER IF NOT EXISTS admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
"""
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class UserEntry:
    """One person who may log in, wherever defined; the shape `dashboard.auth` reads (like auth.users[])."""

    username: str
    role: Role
    password_hash: str
    display_name: str | None
    source: str  # "yaml" or "admin"
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change made on /admin."""

    at: datetime
    actor: str
    action: str  # user_add, user_disable, user_enable, user_password, user_role, risk_level
    target: str
    detail: str


class UserError(ValueError):
    """A user change that cannot be made; the message says why, in Vietnamese."""


def check_username(name: str) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise UserError("Tên đăng nhập gồm 2–64 ký tự: chữ không dấu, số, '.', '_' hoặc '-'")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự")
    return password


class UserBook:
    """Users from the file plus those made on /admin, in one SQLite file; thread-safe."""

    def __init__(self, configured: Iterable[UserConfig], path: Path | None) -> None:
        self._configured = list(configured)
        self._lock = threading.Lock()
        self._memory = sqlite3.connect(":memory:", check_same_thread=False) if path is None else None
        self.path = path
        with self._connect() as conn:
            conn.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (committed on success), closed afterwards unless in memory."""
        conn = self._memory or sqlite3.connect(self.path, timeout=30)  # type: ignore[arg-type]
        try:
            with conn:
                yield conn
        finally:
            if self._memory is None:
                conn.close()

    # -- reading -------------------------------------------------------------------------------------------
    def all(self) -> list[UserEntry]:
        """Every user, the file's first; disabled ones included (flagged)."""
        with self._lock, self._connect() as conn:
            flags = dict(conn.execute("SELECT username, disabled FROM web_user_flags").fetchall())
            rows = conn.execute("SELECT username, role, display_name, password_hash, disabled FROM web_users "
                                "ORDER BY username").fetchall()
        names = {u.username for u in self._configured}
        users = [UserEntry(u.username, Role(u.role), u.password_hash, u.display_name, "yaml",
                           bool(flags.get(u.username))) for u in self._configured]
        users += [UserEntry(name, Role(role), pw, display, "admin", bool(off))
                  for name, role, display, pw, off in rows if name not in names]
        return users

    def active(self) -> list[UserEntry]:
        """Users who may log in now (what login and the session loader read)."""
        return [u for u in self.all() if not u.disabled]

    def audit(self, limit: int = 100) -> list[AuditEntry]:
        with self._lock, self._connect() as conn:
            rows = conn.execute("SELECT at, actor, action, target, detail FROM admin_audit ORDER BY seq DESC LIMIT ?",
                                (limit,)).fetchall()
        return [AuditEntry(datetime.fromisoformat(at), actor, action, target, detail)
                for at, actor, action, target, detail in rows]

    # -- changes (each audited in the same transaction) ----------------------------------------------------
    def add(self, actor: str, username: str, role: str, password: str, display_name: str = "") -> UserEntry:
        name = check_username(username)
        check_password(password)
        role_value = Role(role).value
        if any(u.username == name for u in self.all()):
            raise UserError(f"Tên đăng nhập '{name}' đã có")
        now = datetime.now(UTC).isoformat()
        self._write(actor, "user_add", name, role_value,
                    "INSERT INTO web_users (username, role, display_name, password_hash, disabled, created_by, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                    (name, role_value, display_name.strip() or None, hash_password(password), actor, now, now))
        return next(u for u in self.all() if u.username == name)

    def set_disabled(self, actor: str, username: str, disabled: bool) -> None:
        user = self._find(username)
        if user.username == actor and disabled:
            raise UserError("Không thể tự khóa tài khoản đang dùng")
        action = "user_disable" if disabled else "user_enable"
        if user.source == "yaml":
            self._write(actor, action, user.username, "",
                        "INSERT INTO web_user_flags (username, disabled) VALUES (?, ?) "
                        "ON CONFLICT(username) DO UPDATE SET disabled = excluded.disabled",
                        (user.username, int(disabled)))
        else:
            self._write(actor, action, user.username, "", "UPDATE web_users SET disabled = ?, updated_at = ? "
                        "WHERE username = ?", (int(disabled), datetime.now(UTC).isoformat(), user.username))

    def set_password(self, actor: str, username: str, password: str) -> None:
        user = self._admin_made(username)
        check_password(password)
        self._write(actor, "user_password", user.username, "",
                    "UPDATE web_users SET password_hash = ?, updated_at = ? WHERE username = ?",
                    (hash_password(password), datetime.now(UTC).isoformat(), user.username))

    def set_role(self, actor: str, username: str, role: str) -> None:
        user = self._admin_made(username)
        if user.username == actor:
            raise UserError("Không thể tự đổi vai trò của mình")
        value = Role(role).value
        self._write(actor, "user_role", user.username, f"{user.role.value} → {value}",
                    "UPDATE web_users SET role = ?, updated_at = ? WHERE username = ?",
                    (value, datetime.now(UTC).isoformat(), user.username))

    def record(self, actor: str, action: str, target: str, detail: str = "") -> None:
        """Audit a change made elsewhere on the pages (e.g. the announced risk level)."""
        self._write(actor, action, target, detail, None, ())

    def _find(self, username: str) -> UserEntry:
        user = next((u for u in self.all() if u.username == username), None)
        if user is None:
            raise UserError(f"Không có người dùng '{username}'")
        return user

    def _admin_made(self, username: str) -> UserEntry:
        user = self._find(username)
        if user.source == "yaml":
            raise UserError("Người dùng trong tệp cấu hình chỉ sửa được trong tệp đó")
        return user

    def _write(self, actor: str, action: str, target: str, detail: str, sql: str | None,
               args: tuple[object, ...]) -> None:
        with self._lock, self._connect() as conn:
            if sql:
                conn.execute(sql, args)
            conn.execute("INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                         (datetime.now(UTC).isoformat(), actor, action, target, detail))


class ActiveUsers:
    """The users who may log in, read afresh on every iteration (what the login form and the session loader
    search), so a user added or disabled on /admin counts at once."""

    def __init__(self, book: UserBook) -> None:
        self.book = book

    def __iter__(self) -> Iterator[UserEntry]:
        return iter(self.book.active())


def user_book(ctx: AppContext) -> UserBook:
    """The one user book of this app (in ctx.extras; kept in the app-state file when there is one)."""
    book = ctx.extras.get("user_book")
    if not isinstance(book, UserBook):
        book = UserBook(ctx.config.auth.users, ctx.state_db.path if ctx.state_db is not None else None)
        ctx.extras["user_book"] = book
    return book
