"""Login, logout, CSRF, rate limiting, cookies and the language switch, through the real Flask app."""

from __future__ import annotations

import re

import pytest

from dashboard.auth import check_login, hash_password
from dashboard.login import safe_next
from dashboard.throttle import LoginThrottle
from tests.dashboard.conftest import login, password_of


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(
        1
    )


def test_hash_password_is_scrypt_and_checks():
    hashed = hash_password("mật khẩu dài")
    assert hashed.startswith("scrypt:")
    users = [
        type("U", (), {"username": "a", "role": "admin", "password_hash": hashed, "display_name": None})()
    ]
    assert check_login(users, "a", "mật khẩu dài").role == "admin"
    assert check_login(users, "a", "sai") is None
    assert check_login(users, "khong-co", "mật khẩu dài") is None


def test_login_page_is_vietnamese_and_has_a_csrf_field(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page and 'name="csrf_token"' in page


def test_wrong_password_is_refused(client):
    response = client.post(
        "/login", data={"username": "vanhanh", "password": "sai", "csrf_token": _token(client)}
    )
    assert response.status_code == 401 and "Sai tên đăng nhập" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "vanhanh", "password": password_of("vanhanh")})
    assert response.status_code == 400
    assert client.get("/wall/overview").status_code == 302


def test_attempts_are_rate_limited_per_user(client):
    token = _token(client)
    codes = [
        client.post("/login", data={"username": "congan", "password": "sai", "csrf_token": token}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = {"username": "congan", "password": password_of("congan"), "csrf_token": token}
    assert client.post("/login", data=right).status_code == 429  # even the right password waits


def test_throttle_counts_per_address_and_forgets_after_the_window():
    now = [0.0]
    throttle = LoginThrottle(per_user=3, per_ip=4, window_s=60, clock=lambda: now[0])
    for name in ("a", "b", "c", "d"):
        throttle.failed("10.0.0.1", name)
    assert throttle.blocked("10.0.0.1", "e") and not throttle.blocked("10.0.0.2", "e")
    now[0] = 61.0
    assert not throttle.blocked("10.0.0.1", "e")


def test_session_cookie_is_httponly_and_samesite(client):
    token = _token(client)
    response = client.post(
        "/login", data={"username": "lanhdao", "password": password_of("lanhdao"), "csrf_token": token}
    )
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("coc_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_the_token_and_ends_the_session(client):
    login(client, "operator")
    assert client.post("/logout").status_code == 400
    assert client.get("/wall/overview").status_code == 200
    response = client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    assert response.status_code == 302 and client.get("/wall/overview").status_code == 302


def test_login_returns_to_the_page_asked_for(client):
    page = client.get("/login?next=/alerts").get_data(as_text=True)
    assert 'name="next" value="/alerts"' in page


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/kpi", "/kpi"), ("https://evil.example/x", "/"), ("//evil", "/"), (None, "/"), ("kpi", "/")],
)
def test_only_local_paths_are_followed_after_login(target, safe):
    assert safe_next(target) == safe


def test_language_switch_changes_labels(client):
    assert "Log in" not in client.get("/login").get_data(as_text=True)
    client.get("/lang/en?next=/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Password" in page


def test_language_choice_survives_a_stale_session_cookie_and_logout(client):
    login(client, "leader")
    stale = client.get_cookie("coc_session").value  # what a refresh sent before the switch would set again
    switched = client.get("/lang/en?next=/kpi")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/kpi")
    client.set_cookie("coc_session", stale)
    assert client.get_cookie("coc_lang").value == "en"
    client.post("/logout", data={"csrf_token": _token(client)})
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Đăng nhập" not in page
    client.get("/lang/xx?next=/login")  # an unknown language changes nothing
    assert client.get_cookie("coc_lang").value == "en"


def test_api_post_with_session_needs_csrf(client):
    login(client, "admin")
    response = client.post("/api/kpis/data", json=[])
    assert response.status_code == 403 and response.get_json()["error"] == "csrf"
