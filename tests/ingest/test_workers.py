"""Several ingest processes (mqtt.workers = 2) sharing the stream through an MQTT shared subscription."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from configfile.loader import parse_config
from ingest.sqlite_store import SqliteStore
from ingest.workers import pack, unpack
from sensors.models import Reading
from tests.ingest.conftest import CONFIG, Publisher, start_pipeline
from tests.polling import wait_until


def test_two_processes_share_the_stream_and_lose_nothing(tmp_path: Path, mosquitto: Any,
                                                         publisher: Publisher) -> None:
    text = CONFIG.replace("client_id: ${CLIENT}}", "client_id: ${CLIENT}, workers: 2}")
    env = {"PORT": str(mosquitto.port), "DIR": str(tmp_path), "BACKEND": "sqlite",
           "INFLUX_URL": "http://127.0.0.1:1", "INFLUX_DB": "coc", "CLIENT": "coc-shared"}
    config = parse_config(text, "test.yaml", environ=env)
    assert config.mqtt.workers == 2
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    pool = pipe.runtime.workers  # build_runtime made and started the subscriber process
    try:
        log = mosquitto.directory / "mosquitto.log"
        wait_until(lambda: "coc-shared-w1" in log.read_text(errors="replace"), timeout_s=60,
                   what="the worker process connected")
        assert pool.alive() == 1
        assert pool.wait_subscribed(30) and pool.subscribed() == 1
        assert pipe.api("/api/health").json["mqtt"]["workers"] == {"configured": 1, "alive": 1, "subscribed": 1}
        base = datetime.now(UTC) - timedelta(hours=1)
        for i in range(600):
            publisher.send("coc/quang-tho/flood/flood-01/state",
                           json.dumps({"ts": (base + timedelta(seconds=i)).isoformat(), "water_level_cm": i}))
        publisher.send("coc/quang-tho/flood/flood-01/state", b"not json")
        wait_until(lambda: pipe.store.count("flood") == 600, timeout_s=60, what="600 stored")
        wait_until(lambda: pipe.ingest.stats().readings == 600 and pipe.ingest.stats().rejected == 1,
                   timeout_s=30, what="counts from both processes")
        assert pipe.ctx.live.get("flood-01").values["water_level_cm"] == 599.0
        assert len(pipe.ingest.dead_letters()) == 1
    finally:
        pipe.stop()


def test_readings_cross_the_process_queue_unchanged() -> None:
    readings = [Reading("flood-01", "flood", datetime(2026, 11, 23, 7, 5, 9, 999_999, tzinfo=UTC),
                        {"water_level_cm": 212.5, "battery_v": 3.71}),
                Reading("pam-qt-01", "air", datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC), {"pm25": 0.0})]
    assert [unpack(pack(r)) for r in readings] == readings
    assert all(type(v) in (str, int, dict) for v in pack(readings[0]))
