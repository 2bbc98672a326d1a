"""Integration with a real InfluxDB (Debian's influxd 1.x) through the v1 HTTP API, and the spool around it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.influx_store import InfluxStore
from ingest.settings import InfluxConfig
from ingest.store import StoreUnavailable
from sensors.models import Reading
from tests.ingest.conftest import Publisher, make_config, start_pipeline
from tests.polling import wait_until
from tests.servers import InfluxDB

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)


def fresh_db() -> str:
    return "coc_" + uuid.uuid4().hex[:10]


@pytest.fixture
def influx_store(influxdb_server: InfluxDB) -> InfluxStore:
    store = InfluxStore(InfluxConfig(url=influxdb_server.url, database=fresh_db()), "quang-tho")
    store.open()
    return store


def test_writes_are_idempotent_and_series_aggregate(influx_store: InfluxStore) -> None:
    readings = [Reading("pam-01", "air", T0 + timedelta(minutes=m), {"pm25": float(m)}) for m in range(120)]
    influx_store.write(readings)
    influx_store.write(readings[:60])  # re-sent: overwrites, never doubles
    assert influx_store.count("air") == 120
    hourly = influx_store.series("air", "pam-01", "pm25", T0, T0 + timedelta(hours=2), 3600, "mean")
    assert len(hourly) >= 2 and sum(p.value for p in hourly) > 0
    minute = influx_store.series("air", "pam-01", "pm25", T0, T0 + timedelta(minutes=3), 60, "max")
    assert [p.value for p in minute] == [0.0, 1.0, 2.0]
    latest = influx_store.latest()
    assert latest["pam-01"].fields["pm25"] == 119.0 and latest["pam-01"].ts == T0 + timedelta(minutes=119)


def test_hostile_device_ids_are_escaped_not_injected(influx_store: InfluxStore,
                                                     influxdb_server: InfluxDB) -> None:
    hostile = 'evil "one",device=x pm25=999\nair,device=y pm25=1'
    influx_store.write([Reading(hostile, "air", T0, {"pm25": 5.0})])
    assert influx_store.count("air") == 1
    assert influx_store.count("air", hostile) == 1
    assert influx_store.count("air", "x") == 0 and influx_store.count("air", "y") == 0
    tags = influxdb_server.query('SHOW TAG VALUES FROM "air" WITH KEY = "device"', influx_store.settings.database)
    assert [v[1] for v in tags["results"][0]["series"][0]["values"]] == [hostile.replace("\n", "\\n")]


def test_grafana_style_query_works_on_coc_names(influx_store: InfluxStore, influxdb_server: InfluxDB) -> None:
    influx_store.write([Reading("pam-qt-01", "air", T0 + timedelta(minutes=m), {"pm25": 10.0}) for m in range(5)])
    result = influxdb_server.query(
        """SELECT mean("pm25") FROM "air" WHERE "device" = 'pam-qt-01' AND "commune" = 'quang-tho' GROUP BY time(1h)""",
        influx_store.settings.database)
    assert any(row[1] == 10.0 for row in result["results"][0]["series"][0]["values"])


def test_an_unreachable_influxdb_is_reported_as_unavailable() -> None:
    store = InfluxStore(InfluxConfig(url="http://127.0.0.1:9", database="coc", timeout_s=1), "qt")
    with pytest.raises(StoreUnavailable):
        store.write([Reading("d", "air", T0, {"pm25": 1.0})])


def test_published_readings_reach_influxdb_and_the_api(tmp_path: Path, mosquitto: Any, publisher: Publisher,
                                                      influxdb_server: InfluxDB) -> None:
    config = make_config(tmp_path, mosquitto.port, "influxdb", influxdb_server.url, fresh_db())
    pipe = start_pipeline(config, InfluxStore(config.storage.influxdb, config.commune.id))
    try:
        for m in range(30):
            publisher.send("coc/quang-tho/flood/flood-01/state",
                           json.dumps({"ts": (T0 + timedelta(minutes=m)).isoformat(), "water_level_cm": 100 + m}))
        wait_until(lambda: pipe.store.count("flood") == 30, what="30 points in InfluxDB")
        start = T0.isoformat().replace("+00:00", "Z")
        series = pipe.api(f"/api/sensors/flood-01/series?field=water_level_cm&every=10m&agg=max&start={start}").json
        assert [p["value"] for p in series["points"]] == [109.0, 119.0, 129.0]
    finally:
        pipe.stop()


def test_influxdb_down_mid_stream_spools_and_replays_every_reading_exactly_once(
        tmp_path: Path, mosquitto: Any, publisher: Publisher) -> None:
    influx = InfluxDB(tmp_path / "influx").start()  # our own server: this test stops it
    config = make_config(tmp_path, mosquitto.port, "influxdb", influx.url, "coc")
    pipe = start_pipeline(config, InfluxStore(config.storage.influxdb, config.commune.id))
    try:
        def send(first: int, last: int) -> None:
            for i in range(first, last):
                ts = (T0 + timedelta(seconds=10 * i)).isoformat()
                publisher.send("coc/quang-tho/air/pam-qt-01/state", json.dumps({"ts": ts, "pm25": float(i % 400)}))

        send(0, 300)
        wait_until(lambda: pipe.store.count("air") == 300, what="first part stored")
        influx.stop()
        send(300, 700)
        wait_until(lambda: pipe.writer.stats().pending_spool == 400, what="400 readings spooled")
        assert pipe.api("/api/health").status_code == 503
        assert pipe.api("/api/health").json["store"]["spooled"] == 400
        influx.start()
        send(700, 800)
        wait_until(lambda: pipe.writer.stats().pending_spool == 0 and pipe.writer.stats().store_ok,
                   timeout_s=60, what="spool replayed")
        wait_until(lambda: pipe.store.count("air") == 800, what="all 800 in InfluxDB")
        rows = influx.query('SELECT "pm25" FROM "air"', "coc")["results"][0]["series"][0]["values"]
        times = [row[0] for row in rows]
        assert len(times) == len(set(times)) == 800  # every reading once, none twice
        assert pipe.api("/api/health").status_code == 200
    finally:
        pipe.stop()
        influx.stop()
