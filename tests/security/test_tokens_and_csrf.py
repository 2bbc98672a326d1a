"""A bearer token that is not valid is a 401, never a fall back to the login session; only a valid token skips
CSRF (a proxy's Basic header does not)."""

from __future__ import annotations

import pytest

from dashboard.app import create_server
from dashboard.context import AppContext
from ingest.live_state import LiveState
from tests.security.conftest import TOKEN, login

RISK = "/api/flood/risk-level"


@pytest.fixture
def client(config, tmp_path):
    return create_server(AppContext(config=config, live=LiveState(config.sensors))).test_client()


@pytest.fixture
def admin(client):
    assert login(client, "admin").status_code == 302
    return client


def level(client) -> int | None:
    return client.get(RISK, headers={"Authorization": f"Bearer {TOKEN}"}).get_json()["level"]


@pytest.mark.parametrize("header", ["Bearer wrong-token-0123456789", "Bearer ", "bearer nope", f"Bearer {TOKEN}x"])
def test_an_invalid_token_with_a_logged_in_session_is_401(admin, header: str) -> None:
    put = admin.put(RISK, json={"level": 4}, headers={"Authorization": header})
    assert put.status_code == 401 and put.get_json()["error"] == "unauthorized"
    assert admin.get("/api/sensors", headers={"Authorization": header}).status_code == 401
    assert admin.get("/wall/overview", headers={"Authorization": header}).status_code == 401
    assert level(admin) != 4
    assert admin.get("/api/sensors").status_code == 200  # the session itself still works without the header


def test_a_valid_token_needs_no_csrf_token(admin) -> None:
    put = admin.put(RISK, json={"level": 3}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert put.status_code == 200 and level(admin) == 3


@pytest.mark.parametrize("header", [None, "Basic dmFuaGFuaDpzZWNyZXQ="])
def test_the_session_needs_the_csrf_token_whatever_other_header_it_carries(admin, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    refused = admin.put(RISK, json={"level": 5}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf"
    assert level(admin) != 5
    token = admin.get_cookie("_csrf_token").value
    ok = admin.put(RISK, json={"level": 5}, headers={**headers, "X-CSRFToken": token})
    assert ok.status_code == 200 and level(admin) == 5


def test_anonymous_invalid_token_is_401_everywhere(client) -> None:
    bad = {"Authorization": "Bearer not-a-token-0123456789"}
    assert client.put(RISK, json={"level": 2}, headers=bad).status_code == 401
    assert client.get("/metrics", headers=bad).status_code == 401
    assert client.get("/wall/street", headers=bad).status_code == 401
    assert client.get("/wall/street").status_code == 404  # past the guard (this server has no Dash pages)
