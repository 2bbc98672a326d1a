"""Dashboard fixtures: a real configuration, live state and SQLite store, the app, and a served copy of it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from werkzeug.serving import make_server

from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from camera.runtime import CameraStatus
from camera.settings import CameraSystemConfig
from configfile.loader import parse_config
from dashboard.app import create_app
from dashboard.auth import hash_password
from dashboard.context import AppContext
from indicators.demo_data import load_demo_figures
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService
from ingest.live_state import LiveState
from ingest.sqlite_store import SqliteStore
from ingest.state_db import StateDb
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
        out.append(
            Reading(
                "pam-qt-01",
                "air",
                ts,
                {"pm25": 30 + (k % 24), "pm10": 50 + (k % 30), "temperature": 28, "humidity": 70},
            )
        )
        out.append(Reading("flood-01", "flood", ts, {"water_level_cm": 100 + k * 100 / (hours * 12)}))
        out.append(Reading("flood-02", "flood", ts, {"water_level_cm": 80.0}))
    return out


class FrameWriter:
    """Stands in for the camera worker processes: writes a new numbered JPEG and an online status for each
    camera into the runtime directory the real CameraHub reads (cam-02 stays offline)."""

    def __init__(self, hub: CameraHub, online: tuple[str, ...] = ("cam-01",), fps: float = 5.0) -> None:
        self.hub, self.online, self.period_s = hub, online, 1.0 / fps
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-frames", daemon=True)
        self.frames = 0

    def start(self) -> FrameWriter:
        self._write()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _write(self) -> None:
        self.frames += 1
        image = np.zeros((180, 320, 3), np.uint8)
        image[:, :, 1] = 60
        x = (self.frames * 12) % 300
        cv2.rectangle(image, (x, 60), (x + 20, 120), (255, 255, 255), -1)
        cv2.putText(image, str(self.frames), (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 1, (255, 255, 255), 2)
        jpeg = cv2.imencode(".jpg", image)[1].tobytes()
        now = time.time()
        for cam_id in self.online:
            self.hub.runtime.write_latest(cam_id, jpeg)
            self.hub.runtime.write_status(
                CameraStatus(cam_id, "synthetic:", True, now, 5.0, 2.0, 0.1, 0, 0, 320, 180, now)
            )

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self._write()


def camera_system(tmp_path: Path) -> CameraSystemConfig:
    """Every camera folder and log of a test under its temporary directory (the defaults are under data/)."""
    return CameraSystemConfig(snapshot_dir=tmp_path / "snap", runtime_dir=tmp_path / "run", clip_dir=tmp_path / "clips",
                              record_dir=tmp_path / "rec", review_log=tmp_path / "review.jsonl",
                              access_log=tmp_path / "access.jsonl")


@pytest.fixture
def ctx(config, tmp_path: Path) -> Iterator[AppContext]:
    """Every service the pages read, real and running: SQLite store, live state, alerts, KPIs, camera hub."""
    store = SqliteStore(tmp_path / "coc.sqlite")
    store.open()
    now = datetime.now(UTC).replace(microsecond=0)
    readings = history(now)
    store.write(readings)
    live = LiveState(config.sensors)
    live.apply([r for r in readings if r.ts == now])
    alerts = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp_path / "alerts.sqlite", live,
                          channels=[])
    alerts.start(tick=False)
    alerts.on_readings([r for r in readings if r.ts == now])
    indicators = IndicatorService(IndicatorSections.of(config), db_path=tmp_path / "figures.sqlite", store=store)
    indicators.start()
    load_demo_figures(indicators.db, indicators.catalogue)
    hub = CameraHub(
        config.cameras, camera_system(tmp_path)
    )
    frames = FrameWriter(hub).start()
    state_db = StateDb(tmp_path / "state.sqlite")
    state_db.add_dead_letter(
        "coc/quang-tho/air/pam-qt-01/state", b'{"pm25": "NaN"}', "pm25: not a finite number", now
    )
    state_db.note_unknown_device("air", "pam-moi-02", "coc/quang-tho/air/pam-moi-02/state", now)
    context = AppContext(
        config=config,
        store=store,
        live=live,
        alerts=alerts,
        cameras=hub,
        indicators=indicators,
        state_db=state_db,
    )
    yield context
    frames.stop()
    state_db.close()
    indicators.stop()
    alerts.stop()
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
    response = client.post(
        "/login", data={"username": name, "password": password_of(name), "csrf_token": token}
    )
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
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def served(app) -> Iterator[Served]:
    server = Served(app).start()
    yield server
    server.stop()
