"""`kill -9` of `run_coc.py run` three times in one 20,000-reading QoS 1 stream (at about 10, 45 and 80 % of it
stored), each followed by a restart: every reading the broker acknowledged to the publisher is stored once (SQLite
and InfluxDB)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.conftest import CocProcess, StreamPublisher, config_text, influx_values, sqlite_values, tally_values
from tests.servers import free_port

TOTAL = 20_000
KILL_AT = (0.1, 0.45, 0.8)


@pytest.mark.parametrize("backend", ["sqlite", "influxdb"])
def test_kill_9_three_times_mid_stream_loses_and_duplicates_nothing(backend, tmp_path: Path, mosquitto,
                                                                     influxdb_server) -> None:
    database = f"kill_{backend}"
    web_port = free_port()
    config = tmp_path / "coc.yaml"
    config.write_text(config_text(tmp_path, mosquitto.port, backend, influxdb_server.url, database,
                                  web_port=web_port, client_id=f"coc-kill-{backend}"))

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
        publisher.publish_in_background(range(TOTAL), per_second=2500)  # the kills land while it streams
        stored_at_kills = []
        for fraction in KILL_AT:
            deadline = time.monotonic() + 120
            while len(values()) < fraction * TOTAL and time.monotonic() < deadline:
                time.sleep(0.02)
            stored_at_kills.append(len(values()))
            coc.kill()
            coc.start()
            coc.wait_subscribed()
        assert stored_at_kills[-1] < TOTAL, f"the stream was stored before the last kill: {stored_at_kills}"
        assert publisher.wait_acked(TOTAL) == TOTAL
        deadline = time.monotonic() + 180
        while len(set(values())) < TOTAL and time.monotonic() < deadline:
            time.sleep(0.2)
        tally = tally_values(set(range(TOTAL)), values())
        print(f"{backend} killed with {stored_at_kills} stored: {tally}")
        assert tally.sent == TOTAL
        assert (tally.stored, tally.lost, tally.duplicated) == (TOTAL, 0, 0)
    finally:
        publisher.close()
        coc.stop()
