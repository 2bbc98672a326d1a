"""TLS towards the broker (`mqtt.tls` with a CA file): the ingester and the camera workers' publisher both use
the configured files against a real Mosquitto whose only listener speaks TLS."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from camera.models import CameraEvent, EventType
from camera.publisher import EventPublisher
from configfile.loader import parse_config
from ingest.sqlite_store import SqliteStore
from run_coc import camera_link
from tests.ingest.conftest import CONFIG, start_pipeline
from tests.polling import wait_until
from tests.servers import Mosquitto
from tests.tls_files import make_tls_files


def test_ingest_and_camera_publisher_reach_a_tls_broker_with_the_configured_ca(tmp_path: Path) -> None:
    files = make_tls_files(tmp_path / "tls")
    text = CONFIG.replace("client_id: ${CLIENT}}", "client_id: ${CLIENT}, tls: {ca_file: ${CA}}}")
    broker = Mosquitto(tmp_path / "mosquitto", tls=files)
    env = {"PORT": str(broker.port), "DIR": str(tmp_path), "BACKEND": "sqlite", "INFLUX_URL": "http://127.0.0.1:1",
           "INFLUX_DB": "coc", "CLIENT": "coc-tls", "CA": str(files.ca_file)}
    config = parse_config(text, "test.yaml", environ=env)
    link = camera_link(config.mqtt)
    assert link.tls and link.ca_file == str(files.ca_file) and link.cert_file is None
    camera = EventPublisher(link, config.mqtt.topic_prefix, "tls")
    stranger = EventPublisher(camera_link(config.mqtt.model_copy(update={"tls": True})), "coc/x", "no-ca")
    broker.start()
    try:
        pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))  # asserts the SUBACK over TLS
        try:
            camera.start()
            stranger.start()
            event = CameraEvent("cam-01", datetime.now(UTC).replace(microsecond=0), EventType.INTRUSION,
                                event_id="cam-01-tls-1", zone="Sân UBND", score=0.9)
            camera.publish_event(event)
            wait_until(lambda: [e.event_id for e in pipe.ctx.state_db.camera_events()] == ["cam-01-tls-1"],
                       "the camera event over TLS")
            time.sleep(2.0)  # the system CAs do not know our CA: this one must still be refused
            assert camera.client.is_connected() and not stranger.client.is_connected()
        finally:
            camera.stop()
            stranger.stop()
            pipe.stop()
    finally:
        broker.stop()
