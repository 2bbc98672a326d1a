"""Login throttle: attempts are counted before the password is checked (parallel guesses cannot slip through),
the delay grows per (user name, address), and guesses from one address never lock the account elsewhere."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from dashboard.app import create_server
from dashboard.context import AppContext
from dashboard.throttle import LoginThrottle
from tests.security.conftest import PASSWORD, csrf_of, login


@pytest.fixture
def server(config):
    server = create_server(AppContext(config=config))
    auth = config.auth  # the app's own throttle, with time held still so a slow machine cannot end a wait
    server.extensions["coc_login_throttle"] = LoginThrottle(
        auth.login_attempts_per_user, auth.login_attempts_per_ip, auth.login_window_s, clock=lambda: 0.0
    )
    return server


def test_forty_parallel_guesses_get_only_five_password_checks(server) -> None:
    clients = [server.test_client() for _ in range(40)]
    tokens = [csrf_of(c) for c in clients]
    start = threading.Barrier(len(clients))
    codes: list[int] = []

    def guess(i: int) -> None:
        start.wait()
        form = {"username": "vanhanh", "password": f"guess-{i}", "csrf_token": tokens[i]}
        codes.append(clients[i].post("/login", data=form, environ_base={"REMOTE_ADDR": "10.0.0.66"}).status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(codes) == {401: 5, 429: 35}  # login_attempts_per_user: 5


def test_guesses_from_one_address_do_not_lock_the_ops_room_out(server) -> None:
    attacker, ops_room = server.test_client(), server.test_client()
    codes = [login(attacker, "operator", "sai-mat-khau", "10.0.0.66").status_code for _ in range(7)]
    assert codes == [401] * 5 + [429] * 2
    refused = login(attacker, "operator", PASSWORD, "10.0.0.66")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1  # even the right password waits
    assert login(ops_room, "operator", PASSWORD, "10.0.0.10").status_code == 302
    assert ops_room.get("/api/sensors").status_code != 401


def test_the_delay_grows_per_user_and_address_and_refused_attempts_do_not_count() -> None:
    now = [0.0]
    throttle = LoginThrottle(per_user=3, per_ip=100, window_s=300, clock=lambda: now[0], base_delay_s=2)
    waits = []
    for _ in range(9):
        verdict = throttle.begin("10.0.0.66", "VanHanh")
        assert verdict.allowed
        after = throttle.begin("10.0.0.66", "vanhanh")  # at once again: refused (or allowed while free)
        if after.allowed:
            continue
        assert after.limit == "user" and not throttle.begin("10.0.0.66", "vanhanh").allowed
        waits.append(after.retry_after_s)
        now[0] += after.retry_after_s
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256]  # three free, one refused repeat each, then doubling
    assert throttle.begin("10.0.0.10", "vanhanh").allowed  # another address is not slowed down
    assert throttle.delay_s(40) == 300  # at most the window


def test_a_right_password_clears_the_pair_and_the_address_cap_still_holds() -> None:
    now = [0.0]
    throttle = LoginThrottle(per_user=3, per_ip=4, window_s=60, clock=lambda: now[0])
    for _ in range(2):
        assert throttle.begin("10.0.0.1", "a").allowed
    assert throttle.begin("10.0.0.1", "a").allowed
    throttle.succeeded("10.0.0.1", "a")
    assert throttle.begin("10.0.0.1", "a").allowed  # the pair starts again
    assert throttle.begin("10.0.0.1", "b").allowed  # the address's 4th failure within the window
    verdict = throttle.begin("10.0.0.1", "d")
    assert not verdict.allowed and verdict.limit == "ip"
    assert throttle.begin("10.0.0.2", "d").allowed
    now[0] = 61
    assert throttle.begin("10.0.0.1", "d").allowed
