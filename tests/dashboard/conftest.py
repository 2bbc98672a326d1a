"""Dashboard fixtures: a real configuration, live state and SQLite store, the app, and a served copy of it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config.loader import parse_config
from dashboard.app import create_app
from dashboard.auth import hash_password
from dashboard.context import AppContext
from ingest.live_state import LiveState
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading
from tests.servers import free_port

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dashboard"
USERS = {"admin": "quantri", "operator": "vanhanh", "police": "congan", "leader": "lanhdao"}
API_TOKEN = "gateway-token-0123456789abcdef"


def password_of(username: str) -> str:
    return f"{username}-mat-khau"


@pytest.fixture(scope="session")
def environ() -> dict[str, str]:
    env = {"COC_SECRET_KEY": "test-secret-key-0123456789", "COC_API_TOKEN": API_TOKEN}
    for role, name in USERS.items():
        env[f"HASH_{role.upper()}"] = hash_password(password_of(name))
    return env


@pytest.fixture
def config(environ: dict[str, str]):
    return parse_config((FIXTURES / "coc.yaml").read_text(encoding="utf-8"), "coc.yaml", environ)


def history(now: datetime, hours: int = 24) -> list[Reading]:
    """A day of readings: PM2.5 around 40 µg/m³, flood-01 rising to 200 cm, flood-02 steady at 80 cm."""
    out = []
    for i in range(hours * 12, -1, -1):
        ts = now - timedelta(minutes=5 * i)
        k = hours * 12 - i
        out.append(Reading("pam-qt-01", "air", ts,
                           {"pm25": 30 + (k % 24), "pm10": 50 + (k % 30), "temperature": 28, "humidity": 70}))
        out.append(Reading("flood-01", "flood", ts, {"water_level_cm": 100 + k * 100 / (hours * 12)}))
        out.append(Reading("flood-02", "flood", ts, {"water_level_cm": 80.0}))
    return out


@pytest.fixture
def ctx(config, tmp_path: Path) -> Iterator[AppContext]:
    store = SqliteStore(tmp_path / "coc.sqlite")
    store.open()
    now = datetime.now(UTC).replace(microsecond=0)
    readings = history(now)
    store.write(readings)
    live = LiveState(config.sensors)
    live.apply([r for r in readings if r.ts == now])
    yield AppContext(config=config, store=store, live=live)
    store.close()


@pytest.fixture
def app(ctx: AppContext):
    return create_app(ctx)


@pytest.fixture
def client(app):
    return app.server.test_client()


def login(client, role: str) -> None:
    """Log in through the real form (CSRF token included) as the test user of a role."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    name = USERS[role]
    response = client.post("/login", data={"username": name, "password": password_of(name), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


class Served:
    """The app served by werkzeug on a free port in a thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app.server, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Served:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture
def served(app) -> Iterator[Served]:
    server = Served(app).start()
    yield server
    server.stop()
