"""Points of a device that belongs to a former commune carry the InfluxDB tag `former_unit` beside `commune`: in the
line protocol, in a real InfluxDB, and through the whole MQTT → ingest → InfluxDB path built from the configuration."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from configfile.loader import parse_config
from ingest.influx_store import InfluxStore
from ingest.line_protocol import readings_to_lines
from ingest.settings import InfluxConfig
from ingest.stores import make_store
from sensors.models import Reading
from tests.ingest.conftest import CONFIG, Publisher, start_pipeline
from tests.polling import wait_until
from tests.servers import InfluxDB

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
UNITS = {"flood-01": "quang-phuoc"}


def fresh_db() -> str:
    return "coc_" + uuid.uuid4().hex[:10]


def series_tags(influx: InfluxDB, database: str, measurement: str) -> list[dict[str, str]]:
    """The tag sets of every series of a measurement, as InfluxDB stored them."""
    result = influx.query(f'SHOW SERIES FROM "{measurement}"', database)["results"][0]
    keys = [row[0] for s in result.get("series", []) for row in s["values"]]
    return [dict(part.split("=", 1) for part in key.split(",")[1:]) for key in keys]


def test_the_line_protocol_tags_only_devices_of_a_former_unit() -> None:
    body = readings_to_lines([Reading("flood-01", "flood", T0, {"water_level_cm": 120.0}),
                              Reading("pam-qt-01", "air", T0, {"pm25": 12.0})], "quang-tho", UNITS)
    flood, air = body.split("\n")
    assert flood.startswith("flood,commune=quang-tho,device=flood-01,former_unit=quang-phuoc water_level_cm=120.0 ")
    assert air.startswith("air,commune=quang-tho,device=pam-qt-01 pm25=12.0 ")
    assert readings_to_lines([Reading("flood-01", "flood", T0, {"water_level_cm": 1.0})], "quang-tho") \
        .startswith("flood,commune=quang-tho,device=flood-01 ")  # no units given: as before


def test_influxdb_stores_the_tag_and_grafana_can_group_by_it(influxdb_server: InfluxDB) -> None:
    store = InfluxStore(InfluxConfig(url=influxdb_server.url, database=fresh_db()), "quang-tho", UNITS)
    store.open()
    store.write([Reading("flood-01", "flood", T0 + timedelta(minutes=m), {"water_level_cm": 100.0 + m})
                 for m in range(10)])
    store.write([Reading("flood-02", "flood", T0 + timedelta(minutes=m), {"water_level_cm": 50.0}) for m in range(4)])
    db = store.settings.database
    assert sorted(series_tags(influxdb_server, db, "flood"), key=lambda t: t["device"]) == [
        {"commune": "quang-tho", "device": "flood-01", "former_unit": "quang-phuoc"},
        {"commune": "quang-tho", "device": "flood-02"},
    ]
    grouped = influxdb_server.query('SELECT count("water_level_cm") FROM "flood" GROUP BY "former_unit"', db)
    counts = {s["tags"]["former_unit"]: s["values"][0][1] for s in grouped["results"][0]["series"]}
    assert counts == {"quang-phuoc": 10, "": 4}
    assert store.count("flood", "flood-01") == 10  # the store's own reads are unchanged by the extra tag


def test_published_readings_reach_influxdb_with_the_units_of_the_configuration(
        tmp_path: Path, mosquitto: Any, publisher: Publisher, influxdb_server: InfluxDB) -> None:
    text = CONFIG.replace(
        'households: 1959}',
        'households: 1959,\n'
        '          former_units: [{id: quang-phuoc, name: "Xã Quảng Phước (cũ)", merged_on: 2025-07-01}]}',
    ).replace("water_level_range_cm: [0, 1000]}", "water_level_range_cm: [0, 1000], former_unit: quang-phuoc}")
    env = {"PORT": str(mosquitto.port), "DIR": str(tmp_path), "BACKEND": "influxdb", "INFLUX_URL": influxdb_server.url,
           "INFLUX_DB": fresh_db(), "CLIENT": "coc-unit-test"}
    config = parse_config(text, "test.yaml", environ=env)
    assert config.sensor_units() == UNITS
    store = make_store(config.storage, config.commune.id, config.sensor_units())
    assert isinstance(store, InfluxStore) and store.units == UNITS
    pipe = start_pipeline(config, store)
    try:
        for m in range(5):
            ts = (T0 + timedelta(minutes=m)).isoformat()
            publisher.send("coc/quang-tho/flood/flood-01/state", json.dumps({"ts": ts, "water_level_cm": 90 + m}))
            publisher.send("coc/quang-tho/air/pam-qt-01/state", json.dumps({"ts": ts, "pm25": 20.0}))
        wait_until(lambda: pipe.store.count("flood") == 5 and pipe.store.count("air") == 5, what="10 points stored")
        db = config.storage.influxdb.database
        assert series_tags(influxdb_server, db, "flood") == [
            {"commune": "quang-tho", "device": "flood-01", "former_unit": "quang-phuoc"}]
        assert series_tags(influxdb_server, db, "air") == [{"commune": "quang-tho", "device": "pam-qt-01"}]
        unit = influxdb_server.query(
            """SELECT max("water_level_cm") FROM "flood" WHERE "former_unit" = 'quang-phuoc'""", db)
        assert unit["results"][0]["series"][0]["values"][0][1] == 94.0
    finally:
        pipe.stop()
