"""Server-side sessions: logout ends the session for good (a copied cookie no longer works), an admin lists and
revokes sessions through the API, and the sessions live in the app-state SQLite file (they survive a restart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.app import create_server
from dashboard.context import AppContext
from dashboard.sessions import SessionStore
from ingest.live_state import LiveState
from ingest.state_db import StateDb
from tests.security.conftest import TOKEN, USERS, login

ADMIN_TOKEN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def server(config, tmp_path: Path):
    state_db = StateDb(tmp_path / "state.sqlite")
    yield create_server(AppContext(config=config, live=LiveState(config.sensors), state_db=state_db))
    state_db.close()


def logged_in(server, role: str, address: str = "127.0.0.1"):
    client = server.test_client()
    assert login(client, role, address=address).status_code == 302
    assert client.get("/api/sensors").status_code == 200
    return client


def test_logout_revokes_the_session_so_a_copied_cookie_is_refused(server) -> None:
    client = logged_in(server, "operator")
    stolen = client.get_cookie("coc_session").value
    out = client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    assert out.status_code == 302
    replay = server.test_client()
    replay.set_cookie("coc_session", stolen)
    assert replay.get("/api/sensors").status_code == 401
    assert replay.get("/wall/overview").status_code == 302  # to the login page


def test_an_admin_lists_and_revokes_one_session(server) -> None:
    desk = logged_in(server, "operator", "10.0.0.10")
    other = logged_in(server, "police", "10.0.0.11")
    listed = server.test_client().get("/api/sessions", headers=ADMIN_TOKEN).get_json()["sessions"]
    by_user = {s["username"]: s for s in listed}
    assert set(by_user) == {USERS["operator"], USERS["police"]}
    assert by_user[USERS["operator"]]["address"] == "10.0.0.10" and "secret" not in str(listed).lower()
    revoked = server.test_client().delete(f"/api/sessions/{by_user[USERS['operator']]['id']}", headers=ADMIN_TOKEN)
    assert revoked.status_code == 200
    assert desk.get("/api/sensors").status_code == 401
    assert other.get("/api/sensors").status_code == 200
    again = server.test_client().delete(f"/api/sessions/{by_user[USERS['operator']]['id']}", headers=ADMIN_TOKEN)
    assert again.status_code == 404


def test_an_admin_revokes_every_session_of_a_user_with_csrf(server) -> None:
    phones = [logged_in(server, "leader", f"10.0.0.{i}") for i in (20, 21)]
    admin = logged_in(server, "admin")
    assert admin.delete(f"/api/sessions?user={USERS['leader']}").status_code == 403  # no CSRF token: refused
    csrf = {"X-CSRFToken": admin.get_cookie("_csrf_token").value}
    done = admin.delete(f"/api/sessions?user={USERS['leader']}", headers=csrf)
    assert done.status_code == 200 and done.get_json() == {"revoked": 2}
    assert [p.get("/api/sensors").status_code for p in phones] == [401, 401]
    assert admin.get("/api/sensors").status_code == 200


@pytest.mark.parametrize("role", ["operator", "police", "leader"])
def test_only_admins_may_see_or_revoke_sessions(server, role: str) -> None:
    client = logged_in(server, role)
    csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    assert client.get("/api/sessions").status_code == 403
    assert client.delete(f"/api/sessions?user={USERS['admin']}", headers=csrf).status_code == 403
    assert server.test_client().get("/api/sessions").status_code == 401


def test_sessions_are_kept_in_the_state_file_and_expire_when_idle(tmp_path: Path) -> None:
    now = [datetime(2026, 12, 2, 8, 0, tzinfo=UTC)]
    path = tmp_path / "state.sqlite"
    first = SessionStore(path, timedelta(hours=12), clock=lambda: now[0])
    kept, ended = first.create("vanhanh", "operator", "10.0.0.10", "Chromium"), first.create("a", "admin", "x", "")
    assert first.revoke_secret(ended, "a (logout)")
    first.close()
    second = SessionStore(path, timedelta(hours=12), clock=lambda: now[0])  # COC restarted
    assert second.check(kept, "vanhanh") and not second.check(ended, "a")
    assert not second.check(kept, "quantri")  # a secret is valid for its own user only
    now[0] += timedelta(hours=11)
    assert second.check(kept, "vanhanh")  # used: idle time starts again
    now[0] += timedelta(hours=12, minutes=1)
    assert not second.check(kept, "vanhanh")
    assert sorted(s.username for s in second.sessions(live_only=False)) == ["a", "vanhanh"]
    assert second.sessions() == []


def test_an_unusable_state_file_keeps_logins_working_in_memory(tmp_path: Path) -> None:
    missing = SessionStore(tmp_path / "no-such-folder" / "state.sqlite", timedelta(hours=1))
    assert missing.check(missing.create("vanhanh", "operator", "10.0.0.10", ""), "vanhanh")
    store = SessionStore(tmp_path / "state.sqlite", timedelta(hours=1))
    old = store.create("vanhanh", "operator", "10.0.0.10", "")
    store._conn.execute("PRAGMA query_only = ON")  # the file can no longer be written (as a full disk)
    new = store.create("quantri", "admin", "10.0.0.11", "")
    assert store.check(new, "quantri") and not store.check(old, "vanhanh")  # earlier logins end: never more access


def test_admin_page_lists_the_open_sessions(config, tmp_path: Path) -> None:
    from dashboard.app import create_app

    state_db = StateDb(tmp_path / "state.sqlite")
    try:
        server = create_app(AppContext(config=config, live=LiveState(config.sensors), state_db=state_db)).server
        logged_in(server, "police", "10.0.0.12")
        admin = logged_in(server, "admin", "10.0.0.13")
        body = {"output": "admin-sessiontable.children",
                "outputs": {"id": "admin-sessiontable", "property": "children"},
                "inputs": [{"id": "admin-tick", "property": "n_intervals", "value": 1},
                           {"id": "admin-sessiondone", "property": "children", "value": None}],
                "changedPropIds": ["admin-tick.n_intervals"]}
        response = admin.post("/_dash-update-component", json=body,
                              headers={"X-CSRFToken": admin.get_cookie("_csrf_token").value})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "admin-sessions" in text and "Kết thúc phiên" in text  # each row with its "end" button
        assert "10.0.0.12" in text and "Công an xã" in text and USERS["admin"] in text
    finally:
        state_db.close()
