"""Store and state faults against real servers: a torn spool tail at start, a state database that cannot be written,
an InfluxDB that refuses one batch (HTTP 400), and an SQLite path that cannot be used at start. Each counts sent,
stored, lost and duplicated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from dashboard.pages.admin import loss_rows, part_rows
from dashboard.read_model import ReadModel
from ingest.spool import Spool
from sensors.models import Reading
from tests.faults.conftest import (
    PREFIX,
    StreamPublisher,
    config_text,
    fill,
    health,
    running,
    sqlite_values,
    tally_values,
    tmpfs,
)
from tests.polling import wait_until


def test_a_torn_spool_tail_is_quarantined_and_coc_starts(tmp_path: Path, mosquitto) -> None:
    spool_dir = tmp_path / "spool"
    base = datetime.now(UTC) - timedelta(hours=1)
    Spool(spool_dir).append([Reading(f"pam-{i:02d}", "air", base + timedelta(seconds=i), {"pm25": i / 100})
                             for i in range(5)])
    Spool(spool_dir).append([Reading("pam-05", "air", base + timedelta(seconds=5), {"pm25": 0.05})])
    segment = next(spool_dir.glob("*.spool"))
    with segment.open("ab") as fh:  # a crash in the middle of the next append
        fh.write(b'[["pam-06","air",17000000')
    with running(config_text(tmp_path, mosquitto.port)) as rt:
        wait_until(lambda: rt.writer.stats().pending_spool == 0, "the spool replayed")
        tally = tally_values(set(range(6)), sqlite_values(tmp_path / "readings.sqlite"))
        assert (tally.stored, tally.lost, tally.duplicated) == (6, 0, 0)
        assert rt.writer.stats().quarantined_spool_lines == 1
        status, doc = health(rt)
        assert doc["losses"] == {"spool lines unreadable (quarantined; never acknowledged)": 1}
        assert status == 200
        admin = ReadModel(rt.context)  # what /admin shows, in Vietnamese
        assert loss_rows(admin, "vi") == [{"reason": "dòng hỏng trong hàng đợi đĩa (để riêng; chưa xác nhận nên "
                                                     "broker gửi lại)", "count": "1"}]
        writer_row = next(r for r in part_rows(admin, "vi") if r["part"] == "Bộ ghi dữ liệu")
        assert writer_row == {"part": "Bộ ghi dữ liệu", "state": "Đang chạy", "restarts": "0", "detail": ""}
    assert b"17000000" in next(spool_dir.glob("*.torn")).read_bytes()  # kept for a person to look at


def test_state_database_unwritable_then_bad_messages_keep_ingest_running(tmp_path: Path, mosquitto,
                                                                          root_only) -> None:
    state_dir = tmp_path / "state"
    with tmpfs(state_dir, "4m"):
        text = config_text(tmp_path, mosquitto.port, state_path=state_dir / "state.sqlite")
        with running(text) as rt:
            publisher = StreamPublisher(mosquitto.port)
            filler = fill(state_dir)  # the state database's disk is full
            for n in range(50):
                publisher.client.publish(f"{PREFIX}/air/pam-01/state", b"{not json " + b"x" * 900 + str(n).encode(),
                                         qos=1)
            publisher.publish(range(100))
            assert publisher.wait_acked(150) == 150
            wait_until(lambda: len(sqlite_values(tmp_path / "readings.sqlite")) == 100, "the good readings stored")
            wait_until(lambda: rt.ingest.stats().rejected == 50, "every bad message counted")
            status, doc = health(rt)
            lost = doc["losses"].get("dead letter could not be recorded", 0)
            assert lost >= 1 and lost + rt.ingest.state_db.dead_letter_count() == 50  # each recorded or counted
            assert status == 503 and any("dead letters cannot be recorded" in p for p in doc["problems"])
            assert doc["mqtt"]["connected"] and rt.ingest.health().state.value == "degraded"
            filler.unlink()
            publisher.client.publish(f"{PREFIX}/air/pam-01/state", b"{still not json", qos=1)
            publisher.publish(range(100, 200))
            wait_until(lambda: len(sqlite_values(tmp_path / "readings.sqlite")) == 200, "ingest still reading")
            wait_until(lambda: rt.ingest.stats().fault is None, "the fault cleared once a dead letter was written")
            assert rt.ingest.dead_letters(1)[0].payload == b"{still not json"
            tally = tally_values(set(range(200)), sqlite_values(tmp_path / "readings.sqlite"))
            assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (200, 200, 0, 0)
            publisher.close()


def test_influxdb_refusing_one_batch_dead_letters_only_the_refused_points(tmp_path: Path, mosquitto,
                                                                          influxdb_server) -> None:
    database = "refuse_one_batch"
    url = influxdb_server.url
    requests.post(f"{url}/query", data={"q": f'CREATE DATABASE "{database}"'}, timeout=10).raise_for_status()
    requests.post(f"{url}/query", data={"q": f'CREATE RETENTION POLICY "one_hour" ON "{database}" DURATION 1h '
                                             "REPLICATION 1"}, timeout=10).raise_for_status()
    text = config_text(tmp_path, mosquitto.port, "influxdb", url, database, retention_policy="one_hour")
    with running(text) as rt:
        publisher = StreamPublisher(mosquitto.port, base=datetime.now(UTC) - timedelta(minutes=10))
        old = {n for n in range(3000) if n % 300 == 7}  # 3 h old: COC takes up to 7 days, this policy keeps 1 h
        for n in range(3000):
            publisher.publish(range(n, n + 1), age=timedelta(hours=3) if n in old else timedelta(0))
        assert publisher.wait_acked(3000) == 3000

        def stored() -> list[float]:
            doc = influxdb_server.query('SELECT "pm25" FROM "one_hour"."air"', database)
            return [row[1] for s in doc["results"][0].get("series", []) for row in s["values"]]

        wait_until(lambda: len(stored()) == 3000 - len(old), "every fresh reading stored", 60)
        wait_until(lambda: rt.writer.stats().refused == len(old), "the old points set aside", 30)
        tally = tally_values(set(range(3000)) - old, stored())
        assert (tally.stored, tally.lost, tally.duplicated) == (3000 - len(old), 0, 0)
        letters = [d for d in rt.ingest.dead_letters(100) if d.topic.startswith("store:")]
        assert len(letters) == len(old)
        assert all("points beyond retention policy" in d.reason for d in letters)
        status, doc = health(rt)
        assert doc["losses"] == {"store refused the points": len(old)} and doc["store"]["refused"] == len(old)
        assert rt.writer.stats().store_ok and rt.writer.stats().pending_spool == 0  # nothing queued behind them
        publisher.close()


def test_an_unusable_sqlite_path_at_start_spools_and_says_why(tmp_path: Path, mosquitto) -> None:
    path = tmp_path / "readings.sqlite"
    path.mkdir()  # a folder where the database file should be: SQLite cannot open it
    with running(config_text(tmp_path, mosquitto.port, sqlite_path=path)) as rt:
        publisher = StreamPublisher(mosquitto.port)
        publisher.publish(range(500))
        assert publisher.wait_acked(500) == 500
        wait_until(lambda: rt.writer.stats().pending_spool == 500, "the readings spooled")
        status, doc = health(rt)
        assert status == 503 and any(f"cannot open the database file at {path}" in p for p in doc["problems"])
        path.rmdir()  # the operator fixes the path; COC notices by itself
        wait_until(lambda: len(sqlite_values(path)) == 500, "the spool replayed into SQLite", 60)
        tally = tally_values(set(range(500)), sqlite_values(path))
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (500, 500, 0, 0)
        wait_until(lambda: health(rt)[0] == 200, "healthy again")
        publisher.close()
