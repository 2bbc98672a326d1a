"""Security fixtures: a small real configuration and the real app built from it (pages, API, login, guard)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from configfile.loader import parse_config
from dashboard.auth import hash_password

TOKEN = "security-test-token-0123456789abcdefghij"
SECRET = "security-test-secret-key-0123456789abcdef"
USERS = {"admin": "quantri", "operator": "vanhanh", "police": "congan", "leader": "lanhdao"}
CONFIG = """
commune: {id: quang-tho, name: "Xã Quảng Thọ", timezone: Asia/Ho_Chi_Minh}
mqtt: {host: 127.0.0.1, port: 1883, topic_prefix: coc/quang-tho, embedded: never}
storage: {backend: sqlite, sqlite: {path: "${DIR}/coc.sqlite"}, state_path: "${DIR}/state.sqlite",
          spool_dir: "${DIR}/spool"}
web: {secret_key: "${SECRET}", public_screens: [street]}
sensors:
  - {id: pam-qt-01, kind: air, name: "Trung tâm xã", interval_s: 60}
  - {id: flood-01, kind: flood, name: "Cầu Phò Nam", interval_s: 300, alarm_levels_cm: [150, 250, 350]}
cameras:
  - {id: cam-01, name: "Chợ Quảng Thọ", url: "${CAM_URL}", fps: 2}
camera: {snapshot_dir: "${DIR}/snap", runtime_dir: "${DIR}/run"}
walls:
  - {id: overview, title: "Tổng quan", panels: [map, air, flood, alerts, cameras]}
  - {id: street, title: "Chất lượng không khí", panels: [map, air, flood, alerts, cameras, kpis]}
auth:
  users:
    - {username: quantri, role: admin, password_hash: "${HASH}"}
    - {username: vanhanh, role: operator, password_hash: "${HASH}"}
    - {username: congan, role: police, password_hash: "${HASH}"}
    - {username: lanhdao, role: leader, password_hash: "${HASH}"}
  api_tokens:
    - {name: gateway, role: admin, token: "${TOKEN}"}
  login_attempts_per_user: 5
  login_attempts_per_ip: 20
"""
PASSWORD = "mat-khau-dung-0123"


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_config(tmp_path: Path, password_hash: str, cam_url: str = "synthetic:", **overrides: str):
    env = {"DIR": str(tmp_path), "SECRET": SECRET, "TOKEN": TOKEN, "HASH": password_hash, "CAM_URL": cam_url,
           **overrides}
    return parse_config(CONFIG, "security.yaml", env)


@pytest.fixture
def config(tmp_path: Path, password_hash: str):
    return make_config(tmp_path, password_hash)


def csrf_of(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, role: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """Log in through the real form; returns the response."""
    return client.post("/login", data={"username": USERS[role], "password": password, "csrf_token": csrf_of(client)},
                       environ_base={"REMOTE_ADDR": address})
