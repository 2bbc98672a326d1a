"""The air/flood API on the real pipeline: Mosquitto → ingest → SQLite → /api/sensors, AQI history, HTTP
ingest of PAM Air JSON with dead letters, the risk level, and the storm scenario seen through /api/sensors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from configfile.loader import parse_config
from dashboard.api.air_flood import sensor_extras
from dashboard.app import create_server
from dashboard.context import AppContext
from dashboard.read.flood_risk import RiskBoard
from ingest.service import IngestService
from ingest.state_db import StateDb
from ingest.writer import BatchWriter
from sensors.aqi import hour_start
from sensors.settings import SensorConfig
from sensors.simulator import SimulatorPublisher, make_devices

ADMIN, POLICE, OPERATOR = "admin-token-0123456789", "police-token-0123456789", "operator-token-0123456789"
CONFIG = """
commune: {id: quang-tho, name: "Xã Quảng Thọ", timezone: Asia/Ho_Chi_Minh}
mqtt: {host: 127.0.0.1, port: ${PORT}, topic_prefix: coc/quang-tho, embedded: never,
       client_id: coc-sensors-test}
storage: {backend: sqlite, sqlite: {path: ${DIR}/readings.sqlite}, state_path: ${DIR}/state.sqlite,
          spool_dir: ${DIR}/spool, flush_interval_s: 0.1}
web: {secret_key: test-secret-key-0123456789}
sensors:
  - {id: pam-qt-01, kind: air, name: "Trung tâm xã", interval_s: 60}
  - {id: flood-01, kind: flood, name: "Cầu Phò Nam", interval_s: 60, alarm_levels_cm: [150, 250, 350],
     alarm_levels_from: 2020-03-20, water_level_range_cm: [0, 1000]}
auth:
  api_tokens:
    - {name: gateway, role: admin, token: admin-token-0123456789}
    - {name: police, role: police, token: police-token-0123456789}
    - {name: desk, role: operator, token: operator-token-0123456789}
"""
EXAMPLE_0920 = [26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6, 20.6]


@dataclass
class Running:
    ctx: AppContext
    ingest: IngestService
    writer: BatchWriter
    state_db: StateDb
    port: int

    def call(self, method: str, path: str, token: str | None = ADMIN, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return getattr(create_server(self.ctx).test_client(), method)(path, headers=headers, **kwargs)

    def sensors(self) -> dict[str, Any]:
        self.writer_flush()
        return {s["id"]: s for s in self.call("get", "/api/sensors").get_json()["sensors"]}

    def writer_flush(self, timeout_s: float = 20) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.writer.stats().queued:
            time.sleep(0.02)


@pytest.fixture
def running(mosquitto: Any, tmp_path: Path) -> Iterator[Running]:
    from run_coc import build_runtime

    config = parse_config(CONFIG, "test.yaml", {"PORT": str(mosquitto.port), "DIR": str(tmp_path)})
    runtime = build_runtime(config, web=False)
    runtime.start()
    assert runtime.ingest.wait_subscribed(10)
    yield Running(runtime.context, runtime.ingest, runtime.writer, runtime.state_db, mosquitto.port)
    runtime.stop()


def wait_for(predicate: Any, timeout_s: float = 20) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def publish_all(port: int, messages: list[tuple[str, bytes]]) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", port)
    client.loop_start()
    for topic, body in messages:
        client.publish(topic, body, qos=1).wait_for_publish(10)
    client.disconnect()
    client.loop_stop()


def test_twelve_hourly_pm25_values_over_mqtt_give_vn_and_us_indices(running: Running) -> None:
    now = datetime.now(UTC)
    to_next_hour = (hour_start(now) + timedelta(hours=1) - now).total_seconds()
    if to_next_hour < 30:  # the API must read the same clock hour as c1: start after the boundary
        time.sleep(to_next_hour + 1)
        now = datetime.now(UTC)
    hours = [hour_start(now) - timedelta(hours=11 - k) for k in range(12)]  # c12 … c1 (this hour)
    messages = [("coc/quang-tho/air/pam-qt-01/state",
                 orjson.dumps({"ts": ts.isoformat(), "pm25": v, "humidity": 75, "temperature": 28}))
                for ts, v in zip(hours, EXAMPLE_0920, strict=True)]
    publish_all(running.port, messages)
    assert wait_for(lambda: running.ctx.store.count("air", "pam-qt-01") == 12)
    aqi = running.sensors()["pam-qt-01"]["aqi"]
    assert (aqi["vn"]["value"], aqi["vn"]["nowcast"], aqi["vn"]["label_vi"]) == (41, 20.3, "Tốt")
    assert (aqi["us"]["value"], aqi["us"]["category"], aqi["us"]["colour"]) == (72, "moderate", "#FFFF00")
    assert aqi["vn"]["dominant"] == "pm25" and aqi["vn"]["indicative"] is False
    assert aqi["vn"]["provisional"] is True  # this hour is still being measured: "tạm tính"
    assert aqi["vn"]["hour_end"] == (hours[-1] + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    history = running.call("get", "/api/sensors/pam-qt-01/aqi?standard=vn&period=hour").get_json()
    assert history["method"].startswith("VN_AQI")
    assert history["points"][-1]["value"] == 41 and history["points"][-1]["provisional"] is True
    assert [p["provisional"] for p in history["points"][:-1]] == [False] * 10
    assert len(history["points"]) == 11  # the first hour alone has no NowCast (needs 2 of the 3 latest hours)
    daily = running.call("get", "/api/sensors/pam-qt-01/aqi?standard=us&period=day").get_json()
    assert daily["points"] and all("date" in p and p["value"] > 0 for p in daily["points"])


def test_humid_air_marks_the_index_indicative(running: Running) -> None:
    now = datetime.now(UTC)
    body = orjson.dumps([{"ts": (now - timedelta(minutes=m)).isoformat(), "pm25": 30, "humidity": 95,
                          "temperature": 25} for m in (1, 61)])
    assert running.call("post", "/api/ingest/pam-qt-01", data=body).status_code == 200
    aqi = running.sensors()["pam-qt-01"]["aqi"]
    assert aqi["vn"]["indicative"] is True and aqi["us"]["indicative"] is True


def test_http_ingest_accepts_pamair_json_and_refuses_bad_payloads(running: Running) -> None:
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    good = {"siteId": "qt", "PM2.5": 42.5, "RH": 80, "temp": 29.5, "PM10": 60, "time": now_ms}
    reply = running.call("post", "/api/ingest/pam-qt-01", data=orjson.dumps(good))
    assert reply.status_code == 200 and reply.get_json()["accepted"] == 1
    assert running.ctx.live.get("pam-qt-01").values["pm25"] == 42.5
    for bad, reason in [({"PM2.5": "42", "RH": 80, "temp": 29}, "must be a number"),
                        ({"PM2.5": 42, "time": now_ms}, "missing field humidity, temperature"),
                        ({"PM2.5": 42, "RH": 180, "temp": 29}, "impossible")]:
        reply = running.call("post", "/api/ingest/pam-qt-01", data=orjson.dumps(bad))
        assert reply.status_code == 422
        assert reason in reply.get_json()["reasons"][0]
        assert reason in running.state_db.dead_letters(1)[0].reason
    mixed = [good | {"time": now_ms - 60_000}, {"pm25": None, "RH": 1, "temp": 1}]
    reply = running.call("post", "/api/ingest/pam-qt-01", data=orjson.dumps(mixed))
    assert reply.status_code == 200
    assert (reply.get_json()["accepted"], reply.get_json()["rejected"]) == (1, 1)
    coc = {"ts": datetime.now(UTC).isoformat(), "water_level_cm": 120.0}
    assert running.call("post", "/api/ingest/flood-01", data=orjson.dumps(coc)).get_json()["accepted"] == 1
    assert running.call("post", "/api/ingest/nobody", data=orjson.dumps(coc)).status_code == 404
    assert running.call("post", "/api/ingest/pam-qt-01", data=b"{", token=OPERATOR).status_code == 422
    assert running.call("post", "/api/ingest/pam-qt-01", data=b"{}", token=None).status_code == 401
    assert running.call("post", "/api/ingest/pam-qt-01", data=b"{}", token=POLICE).status_code == 403
    assert running.ingest.wait_connected(1)  # the service keeps running


def test_risk_level_is_set_by_staff_and_survives_a_restart(running: Running) -> None:
    assert running.call("get", "/api/flood/risk-level").get_json()["level"] is None
    body = {"level": 3, "note": "Bản tin 14h: lũ trên sông Bồ lên BĐ2–BĐ3"}
    assert running.call("put", "/api/flood/risk-level", json=body, token=POLICE).status_code == 403
    assert running.call("put", "/api/flood/risk-level", json={"level": 6}).status_code == 400
    assert running.call("put", "/api/flood/risk-level", json={"note": "x"}).status_code == 400
    doc = running.call("put", "/api/flood/risk-level", json=body, token=OPERATOR).get_json()
    assert (doc["level"], doc["label_vi"], doc["colour_vi"]) == (3, "Rủi ro lớn", "Da cam")
    assert doc["set_by"] == "desk"
    assert running.call("get", "/api/flood/risk-level", token=POLICE).get_json()["note"] == body["note"]
    reopened = RiskBoard(running.ctx.config.storage.state_path).view()
    assert reopened.level == 3 and reopened.note == body["note"]
    assert running.call("put", "/api/flood/risk-level", json={"level": None}).get_json()["level"] is None


def test_aqi_history_parameters(running: Running) -> None:
    assert running.call("get", "/api/sensors/flood-01/aqi").status_code == 400
    assert running.call("get", "/api/sensors/nobody/aqi").status_code == 404
    assert running.call("get", "/api/sensors/pam-qt-01/aqi?standard=cn").status_code == 400
    assert running.call("get", "/api/sensors/pam-qt-01/aqi?period=week").status_code == 400
    assert running.call("get", "/api/sensors/pam-qt-01/aqi?start=yesterday").status_code == 400
    assert running.call("get", "/api/sensors/pam-qt-01/aqi", token=None).status_code == 401


def test_storm_scenario_reports_alarm_levels_one_two_three_in_order(running: Running) -> None:
    devices = [d for d in make_devices(running.ctx.config.sensors) if d.id == "flood-01"]
    # 360× faster: one scenario minute every 1/6 s, the rise through the three lines in about 10 s
    publisher = SimulatorPublisher("127.0.0.1", running.port, "coc/quang-tho", devices, "storm", None, 4,
                                   time_scale=360.0)
    seen: list[int] = []
    publisher.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not seen or seen[-1] < 3):
            flood = running.sensors()["flood-01"].get("flood") or {}
            level = flood.get("alarm_level")
            if level is not None and (not seen or seen[-1] != level):
                seen.append(level)
            time.sleep(0.05)
    finally:
        publisher.stop()
    rises = [lv for i, lv in enumerate(seen) if lv > max(seen[:i], default=0)]
    assert rises == [1, 2, 3], seen
    flood = running.sensors()["flood-01"]["flood"]
    assert flood["thresholds"] == [150, 250, 350] and flood["thresholds_from"] == "2020-03-20"
    assert flood["trend_cm_per_h"] is not None


def test_sensor_extras_pure() -> None:
    air = SensorConfig(id="pam", kind="air", name="A")
    now = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    hourly = {"pm25": [(hour_start(now) - timedelta(hours=i), 60.0) for i in range(12)]}
    extras = sensor_extras(air, hourly, [], now)
    assert extras["aqi"]["vn"]["value"] == 117 and extras["aqi"]["us"]["value"] == 154
    assert extras["aqi"]["vn"]["label_vi"] == "Kém" and extras["aqi"]["us"]["label_vi"] == "Xấu"
    assert sensor_extras(air, {}, [], now) == {"aqi": {"vn": None, "us": None}}
    flood = SensorConfig(id="f", kind="flood", name="F", alarm_levels_cm=(150, 250, 350))
    levels = [(now - timedelta(minutes=10 * i), 240.0 - 5 * i) for i in range(6)]  # rising 30 cm/h
    doc = sensor_extras(flood, {}, levels, now)["flood"]
    assert (doc["water_level_cm"], doc["alarm_level"], doc["trend_cm_per_h"]) == (240.0, 1, 30.0)
    assert doc["minutes_to_next_level"] == 20 and doc["thresholds"] == [150, 250, 350]
