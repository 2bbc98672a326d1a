"""Fault injection against real servers: a COC configuration for a stream of numbered readings, a QoS 1 publisher
that counts what the broker acknowledged, counters of what the store holds, COC as a process to kill, and tmpfs
mounts to fill (CI runs as root)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import pytest
import requests
from paho.mqtt.enums import CallbackAPIVersion

from tests.servers import InfluxDB, free_port

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "coc/quang-tho"
DEVICES = 10
TOKEN = "fault-test-token-0123456789abcdefghijkl"
SECRET = "fault-test-secret-key-0123456789abcdefghij"


def config_text(directory: Path, mqtt_port: int, backend: str = "sqlite", influx_url: str = "http://127.0.0.1:1",
                database: str = "coc", sqlite_path: Path | None = None, state_path: Path | None = None,
                spool_dir: Path | None = None, retention_policy: str | None = None, web_port: int | None = None,
                client_id: str = "coc-fault") -> str:
    """A commune with DEVICES air monitors `pam-00` .. and no cameras; everything under `directory` unless moved."""
    sensors = "\n".join(f"  - {{id: pam-{i:02d}, kind: air, name: 'Trạm {i}', interval_s: 60}}" for i in range(DEVICES))
    rp = f", retention_policy: {retention_policy}" if retention_policy else ""
    return f"""
commune: {{id: quang-tho, name: "Xã Quảng Thọ", timezone: Asia/Ho_Chi_Minh, households: 1959}}
mqtt: {{host: 127.0.0.1, port: {mqtt_port}, topic_prefix: {PREFIX}, embedded: never, client_id: {client_id}}}
storage:
  backend: {backend}
  sqlite: {{path: {sqlite_path or directory / 'readings.sqlite'}}}
  influxdb: {{url: "{influx_url}", database: "{database}"{rp}}}
  state_path: {state_path or directory / 'state.sqlite'}
  spool_dir: {spool_dir or directory / 'spool'}
  flush_interval_s: 0.1
web: {{host: 127.0.0.1, port: {web_port or free_port()}, secret_key: {SECRET}}}
sensors:
{sensors}
auth:
  api_tokens: [{{name: test, role: admin, token: {TOKEN}}}]
"""


def reading_payload(number: int, base: datetime, age: timedelta = timedelta(0)) -> tuple[str, bytes]:
    """Reading `number` of the stream: its own device, time and value (pm25 = number / 100, inside PM2.5's valid
    range up to 100,000 readings), so every reading is told apart."""
    device = f"pam-{number % DEVICES:02d}"
    ts = base - age + timedelta(milliseconds=number)
    body = {"ts": ts.isoformat(), "pm25": number / 100, "pm10": 1.0, "temperature": 25.0, "humidity": 70.0}
    return f"{PREFIX}/air/{device}/state", orjson.dumps(body)


class StreamPublisher:
    """Publishes numbered readings at QoS 1 and counts the ones the broker acknowledged (PUBACK): those are the
    readings COC promised not to lose."""

    def __init__(self, port: int, client_id: str = "fault-publisher", base: datetime | None = None) -> None:
        self.port = port
        self.acked = 0
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
        self.client.max_inflight_messages_set(200)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.base = base or datetime.now(UTC) - timedelta(hours=2)
        self._thread: threading.Thread | None = None

    def _on_publish(self, *_args: object) -> None:
        with self._lock:
            self.acked += 1

    def publish(self, numbers: range, age: timedelta = timedelta(0), per_second: float | None = None) -> None:
        for number in numbers:
            topic, body = reading_payload(number, self.base, age)
            self.client.publish(topic, body, qos=1)
            if per_second:
                time.sleep(1 / per_second)

    def publish_in_background(self, numbers: range, per_second: float | None = None) -> None:
        self._thread = threading.Thread(target=self.publish, args=(numbers,), kwargs={"per_second": per_second},
                                        daemon=True)
        self._thread.start()

    def wait_acked(self, count: int, timeout_s: float = 120) -> int:
        deadline = time.monotonic() + timeout_s
        while self.acked < count and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._thread is not None:
            self._thread.join(timeout=max(0.0, deadline - time.monotonic()))
        return self.acked

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@dataclass(frozen=True)
class Tally:
    """What a fault test asserts: sent (acknowledged by the broker), stored, lost and duplicated."""

    sent: int
    stored: int
    lost: int
    duplicated: int


def tally_values(sent: set[int], values: list[float]) -> Tally:
    """`values`: the pm25 of every point in the store; each reading's value is its number, so a reading stored
    twice (at two times) shows as a duplicate and a missing number as a loss."""
    stored = {round(v * 100) for v in values}
    return Tally(len(sent), len(stored & sent), len(sent - stored), len(values) - len(stored))


def sqlite_values(path: Path) -> list[float]:
    import sqlite3

    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        try:
            return [row[0] for row in conn.execute("SELECT value FROM points WHERE kind='air' AND field='pm25'")]
        except sqlite3.OperationalError:  # the table does not exist yet
            return []


def influx_values(server: InfluxDB, database: str) -> list[float]:
    doc = server.query('SELECT "pm25" FROM "air"', database)
    series = doc["results"][0].get("series", [])
    return [row[1] for s in series for row in s["values"]]


class CocProcess:
    """`run_coc.py --config FILE run` as a service manager runs it; killed with SIGKILL to act out a crash."""

    def __init__(self, config_path: Path, web_port: int, log_path: Path) -> None:
        self.config_path, self.web_port, self.log_path = config_path, web_port, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> CocProcess:
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "run_coc.py", "--config", str(self.config_path), "run"],
                                         cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        return self

    def health(self) -> dict:
        try:
            return requests.get(f"http://127.0.0.1:{self.web_port}/api/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            return {}

    def wait_subscribed(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log_path.read_text()[-3000:]
            if self.health().get("mqtt", {}).get("connected"):
                return
            time.sleep(0.1)
        raise AssertionError(f"COC did not connect in {timeout_s} s:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small RAM disk at `path` (root only), to fill up and to free again."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory: Path, leave_bytes: int = 0) -> Path:
    """Fill the file system of `directory` with one file, leaving about `leave_bytes` free; returns the file."""
    filler = directory / "filler.bin"
    stat = os.statvfs(directory)
    free = stat.f_bavail * stat.f_frsize
    with filler.open("wb") as fh:
        chunk = b"\0" * (1 << 20)
        remaining = max(0, free - leave_bytes)
        with contextlib.suppress(OSError):
            while remaining > 0:
                remaining -= fh.write(chunk[: min(len(chunk), remaining)])
    return filler


@pytest.fixture
def root_only() -> None:
    if os.geteuid() != 0:
        raise RuntimeError("fault tests mount tmpfs file systems: run them as root (CI does)")


@contextlib.contextmanager
def running(text: str, store: object = None) -> Iterator[object]:
    """COC built by run_coc.build_runtime from a configuration text, without its web server, started and subscribed;
    stopped afterwards. `store` replaces the configured store (a real store wrapped to inject a fault)."""
    from configfile.loader import parse_config
    from run_coc import build_runtime

    runtime = build_runtime(parse_config(text, "fault.yaml", {}), web=False, store=store)
    runtime.start()
    try:
        assert runtime.ingest.wait_subscribed(20), "ingest did not subscribe"
        health(runtime)  # the web app is made at start, as `run` makes it
        yield runtime
    finally:
        runtime.stop()
        _APPS.pop(id(runtime), None)


_APPS: dict[object, object] = {}


def health(runtime: object) -> tuple[int, dict]:
    """GET /api/health through the real Flask app of this runtime's context (made once, as COC makes it at start)."""
    from dashboard.app import create_server

    if id(runtime) not in _APPS:
        _APPS[id(runtime)] = create_server(runtime.context).test_client()  # type: ignore[attr-defined]
    resp = _APPS[id(runtime)].get("/api/health", headers={"Authorization": f"Bearer {TOKEN}"})
    return resp.status_code, resp.get_json()


@pytest.fixture(params=["nats", "mosquitto"])
def any_broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """The shipped commune broker (NATS with config/nats-commune.conf) and, for sites that keep it, Mosquitto with
    config/mosquitto.conf: the broker fault tests run against each."""
    from tests.servers import Mosquitto, NatsBroker

    kind = NatsBroker if request.param == "nats" else Mosquitto
    broker = kind(tmp_path / request.param).start()
    yield broker
    broker.stop()


@pytest.fixture
def commune_broker(tmp_path: Path) -> Iterator[object]:
    """The commune broker as shipped: NATS with its MQTT listener, JetStream fsync'd before every PUBACK."""
    from tests.servers import NatsBroker

    broker = NatsBroker(tmp_path / "nats").start()
    yield broker
    broker.stop()
