"""Fixtures for ingest tests: a configuration bound to a real broker, and a running ingest pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from configfile.loader import parse_config
from configfile.schema import CocConfig
from dashboard.app import create_server
from dashboard.context import AppContext
from ingest.service import IngestService
from ingest.store import Store
from ingest.writer import BatchWriter

TOKEN = "test-token-0123456789"
CONFIG = """
commune: {id: quang-tho, name: "Xã Quảng Thọ", timezone: Asia/Ho_Chi_Minh, households: 1959}
mqtt: {host: 127.0.0.1, port: ${PORT}, topic_prefix: coc/quang-tho, embedded: never, client_id: ${CLIENT}}
storage:
  backend: ${BACKEND}
  sqlite: {path: ${DIR}/readings.sqlite}
  influxdb: {url: "${INFLUX_URL}", database: "${INFLUX_DB}"}
  state_path: ${DIR}/state.sqlite
  spool_dir: ${DIR}/spool
  flush_interval_s: 0.1
web: {secret_key: test-secret-key-0123456789}
sensors:
  - {id: pam-qt-01, kind: air, name: "Trung tâm xã", interval_s: 60}
  - {id: flood-01, kind: flood, name: "Cầu Phò Nam", interval_s: 60, alarm_levels_cm: [150, 250, 350],
     water_level_range_cm: [0, 1000]}
cameras:
  - {id: cam-01, name: "Chợ", url: "synthetic:", enabled: false}  # events come from the tests, not a worker
auth:
  api_tokens: [{name: test, role: admin, token: test-token-0123456789}]
"""


def make_config(tmp_path: Path, port: int, backend: str = "sqlite", influx_url: str = "http://127.0.0.1:1",
                influx_db: str = "coc", client: str = "coc-test") -> CocConfig:
    env = {"PORT": str(port), "DIR": str(tmp_path), "BACKEND": backend, "INFLUX_URL": influx_url,
           "INFLUX_DB": influx_db, "CLIENT": client}
    return parse_config(CONFIG, "test.yaml", environ=env)


@dataclass
class Pipeline:
    """The ingest path as run_coc.py wires it (its build_runtime, without the web server): store, spool, writer,
    live state, ingester, the parts they feed, and the API through Flask's test client."""

    config: CocConfig
    store: Store
    writer: BatchWriter
    ingest: IngestService
    ctx: AppContext
    runtime: Any = None

    def api(self, path: str) -> Any:
        client = create_server(self.ctx).test_client()
        return client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})

    def stop(self) -> None:
        self.runtime.stop()


def start_pipeline(config: CocConfig, store: Store) -> Pipeline:
    from run_coc import build_runtime

    runtime = build_runtime(config, store=store, web=False)
    runtime.start()
    assert runtime.ingest.wait_subscribed(10), "ingest did not subscribe at the broker"
    return Pipeline(config, runtime.store, runtime.writer, runtime.ingest, runtime.context, runtime)


class Publisher:
    """A QoS 1 publisher that waits until the broker acknowledged every message."""

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def send(self, topic: str, payload: bytes | str, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(mosquitto: Any) -> Iterator[Publisher]:
    pub = Publisher(mosquitto.port)
    yield pub
    pub.close()


