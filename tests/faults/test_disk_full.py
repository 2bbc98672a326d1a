"""Full disks (tmpfs mounts filled up, then freed): the spool's disk while InfluxDB is down, and the one data folder
holding SQLite, state and spool. Nothing is acknowledged that is not durable, /api/health says why, COC recovers by
itself, and every reading the broker acknowledged to the publisher ends up stored once."""

from __future__ import annotations

import time
from pathlib import Path

from tests.faults.conftest import (
    StreamPublisher,
    config_text,
    fill,
    health,
    influx_values,
    running,
    sqlite_values,
    tally_values,
    tmpfs,
)
from tests.polling import wait_until
from tests.servers import InfluxDB

TOTAL = 6_000


def test_spool_disk_full_while_influxdb_is_down(tmp_path: Path, mosquitto, root_only) -> None:
    influx = InfluxDB(tmp_path / "influx").start()
    text = config_text(tmp_path, mosquitto.port, "influxdb", influx.url, "coc", spool_dir=tmp_path / "spool-disk")
    with tmpfs(tmp_path / "spool-disk", "2m") as spool_disk, running(text) as rt:
        influx.stop()  # the store goes away
        filler = fill(spool_disk, leave_bytes=96 * 1024)  # room for about a sixth of the stream
        publisher = StreamPublisher(mosquitto.port)
        publisher.publish_in_background(range(TOTAL))
        assert publisher.wait_acked(TOTAL) == TOTAL  # the broker has them all
        wait_until(lambda: rt.writer.stats().fault is not None, "the writer reports the full disk", 30)
        status, doc = health(rt)
        assert status == 503 and any(f"disk full at {spool_disk}" in p for p in doc["problems"]), doc["problems"]
        # held unacknowledged, not dropped: the broker stops at its in-flight window and keeps the rest
        assert rt.writer.alive() and rt.writer.stats().queued > 0 and rt.ingest.stats().readings < TOTAL
        filler.unlink()  # space comes back: the spool takes the rest without anyone restarting COC
        wait_until(lambda: rt.writer.stats().pending_spool == TOTAL, "the whole stream spooled", 60)
        influx.start()  # the store comes back: the spool is replayed in order
        wait_until(lambda: rt.writer.stats().pending_spool == 0 and rt.writer.stats().store_ok, "replayed", 60)
        tally = tally_values(set(range(TOTAL)), influx_values(influx, "coc"))
        print(f"spool disk full, InfluxDB down: {tally}")
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (TOTAL, TOTAL, 0, 0)
        assert health(rt)[0] == 200
        publisher.close()
    influx.stop()


def test_data_folder_full_with_sqlite_state_and_spool_on_one_disk(tmp_path: Path, mosquitto, root_only) -> None:
    data = tmp_path / "data"
    with tmpfs(data, "8m"):
        text = config_text(data, mosquitto.port)
        with running(text) as rt:
            publisher = StreamPublisher(mosquitto.port)
            publisher.publish(range(1000))
            wait_until(lambda: len(sqlite_values(data / "readings.sqlite")) == 1000, "the first readings stored")
            filler = fill(data)
            publisher.publish_in_background(range(1000, TOTAL))
            assert publisher.wait_acked(TOTAL) == TOTAL
            wait_until(lambda: rt.writer.stats().fault is not None, "the writer reports the full disk", 30)
            status, doc = health(rt)
            assert status == 503 and any("disk full at" in p for p in doc["problems"]), doc["problems"]
            assert rt.writer.alive()
            time.sleep(1)
            filler.unlink()
            wait_until(lambda: len(set(sqlite_values(data / "readings.sqlite"))) == TOTAL, "all stored", 90)
            wait_until(lambda: rt.writer.stats().fault is None, "the fault cleared", 30)
            tally = tally_values(set(range(TOTAL)), sqlite_values(data / "readings.sqlite"))
            print(f"data folder full: {tally}")
            assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (TOTAL, TOTAL, 0, 0)
            publisher.close()
