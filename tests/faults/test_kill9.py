"""`kill -9` of `run_coc.py run` in the middle of a 20,000-reading QoS 1 stream, then a restart: every reading the
broker acknowledged to the publisher is stored once (SQLite and InfluxDB, killed at three points of the stream)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.conftest import CocProcess, StreamPublisher, config_text, influx_values, sqlite_values, tally_values
from tests.servers import free_port

TOTAL = 20_000


@pytest.mark.parametrize("backend", ["sqlite", "influxdb"])
@pytest.mark.parametrize("kill_at", [0.1, 0.45, 0.8])
def test_kill_9_mid_stream_loses_and_duplicates_nothing(backend, kill_at, tmp_path: Path, mosquitto,
                                                        influxdb_server) -> None:
    database = f"kill_{backend}_{int(kill_at * 100)}"
    web_port = free_port()
    config = tmp_path / "coc.yaml"
    config.write_text(config_text(tmp_path, mosquitto.port, backend, influxdb_server.url, database,
                                  web_port=web_port, client_id=f"coc-kill-{database}"))

    def values() -> list[float]:
        if backend == "sqlite":
            return sqlite_values(tmp_path / "readings.sqlite")
        try:
            return influx_values(influxdb_server, database)
        except (OSError, KeyError, IndexError):
            return []

    coc = CocProcess(config, web_port, tmp_path / "coc.log").start()
    coc.wait_subscribed()
    publisher = StreamPublisher(mosquitto.port)
    try:
        publisher.publish_in_background(range(TOTAL))
        deadline = time.monotonic() + 120
        while len(values()) < kill_at * TOTAL and time.monotonic() < deadline:
            time.sleep(0.02)
        stored_at_kill = len(values())
        coc.kill()
        assert stored_at_kill < TOTAL, "the stream was stored before the kill: nothing was tested"
        assert publisher.wait_acked(TOTAL) == TOTAL
        coc.start()
        deadline = time.monotonic() + 180
        while len(set(values())) < TOTAL and time.monotonic() < deadline:
            time.sleep(0.2)
        tally = tally_values(set(range(TOTAL)), values())
        print(f"{backend} killed at {stored_at_kill} stored: {tally}")
        assert tally.sent == TOTAL
        assert (tally.stored, tally.lost, tally.duplicated) == (TOTAL, 0, 0)
    finally:
        publisher.close()
        coc.stop()
