"""Users of the configuration file and users added on /admin: how they combine, each change audited, the audit
append-only, passwords hashed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dashboard.auth import check_login, find_user, hash_password
from dashboard.settings import Role, UserConfig
from dashboard.users import ActiveUsers, UserBook, UserError

FILE_USERS = [UserConfig(username="vanhanh", role=Role.OPERATOR, password_hash=hash_password("vanhanh-pass"))]


@pytest.fixture
def book(tmp_path: Path) -> UserBook:
    return UserBook(FILE_USERS, tmp_path / "state.sqlite")


def test_an_added_user_logs_in_and_survives_a_restart(book: UserBook, tmp_path: Path) -> None:
    book.add("quantri", "canbo1", "leader", "mat-khau-1", "Nguyễn Văn A")
    assert check_login(ActiveUsers(book), "canbo1", "mat-khau-1").role is Role.LEADER
    assert check_login(ActiveUsers(book), "canbo1", "wrong-password") is None
    again = UserBook(FILE_USERS, tmp_path / "state.sqlite")
    assert [(u.username, u.source) for u in again.all()] == [("vanhanh", "yaml"), ("canbo1", "admin")]
    with sqlite3.connect(tmp_path / "state.sqlite") as conn:
        stored = conn.execute("SELECT password_hash FROM web_users").fetchone()[0]
    assert stored.startswith("scrypt:") and "mat-khau-1" not in stored


def test_changes_are_audited_and_the_audit_is_append_only(book: UserBook, tmp_path: Path) -> None:
    book.add("quantri", "canbo1", "operator", "mat-khau-1")
    book.set_role("quantri", "canbo1", "police")
    book.set_password("quantri", "canbo1", "mat-khau-2")
    book.set_disabled("quantri", "canbo1", True)
    assert [a.action for a in book.audit()] == ["user_disable", "user_password", "user_role", "user_add"]
    assert book.audit()[2].detail == "operator → police" and book.audit()[0].actor == "quantri"
    assert find_user(ActiveUsers(book), "canbo1") is None  # disabled: the session loader drops it
    with sqlite3.connect(tmp_path / "state.sqlite") as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM admin_audit")


def test_file_users_can_only_be_disabled_here(book: UserBook) -> None:
    book.set_disabled("quantri", "vanhanh", True)
    assert check_login(ActiveUsers(book), "vanhanh", "vanhanh-pass") is None
    book.set_disabled("quantri", "vanhanh", False)
    assert check_login(ActiveUsers(book), "vanhanh", "vanhanh-pass") is not None
    with pytest.raises(UserError, match="tệp cấu hình"):
        book.set_password("quantri", "vanhanh", "mat-khau-moi")
    with pytest.raises(UserError, match="đã có"):
        book.add("quantri", "vanhanh", "admin", "mat-khau-1")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [("a", "mat-khau-1", "2–64"), ("có dấu", "mat-khau-1", "2–64"), ("canbo2", "short", "8 ký tự")],
)
def test_bad_names_and_short_passwords_are_refused(book: UserBook, name: str, password: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        book.add("quantri", name, "operator", password)
    assert book.audit() == []


def test_nobody_locks_themself_out(book: UserBook) -> None:
    book.add("quantri", "quantri2", "admin", "mat-khau-1")
    with pytest.raises(UserError):
        book.set_disabled("quantri2", "quantri2", True)
    with pytest.raises(UserError):
        book.set_role("quantri2", "quantri2", "leader")
