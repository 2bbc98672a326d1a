"""Integration with a real Mosquitto: publish → validated → stored → read back through the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.sqlite_store import SqliteStore
from tests.ingest.conftest import Publisher, make_config, start_pipeline
from tests.polling import wait_until

PREFIX = "coc/quang-tho"


def test_published_readings_are_stored_and_served_by_the_api(tmp_path: Path, mosquitto: Any,
                                                             publisher: Publisher) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        for minute in range(10):
            ts = (now - timedelta(minutes=10 - minute)).isoformat()
            publisher.send(f"{PREFIX}/air/pam-qt-01/state", json.dumps({"ts": ts, "pm25": 20.0 + minute}))
        publisher.send(f"{PREFIX}/flood/flood-01/state", json.dumps({"water_level_cm": 180, "rain_mm": 3}))
        publisher.send(f"{PREFIX}/flood/flood-01/status", "offline", retain=True)
        wait_until(lambda: pipe.store.count("air") == 10 and pipe.store.count("flood") == 1, what="stored readings")
        wait_until(lambda: pipe.ctx.live.get("flood-01").status == "offline", what="status")
        sensors = {s["id"]: s for s in pipe.api("/api/sensors").json["sensors"]}
        assert sensors["pam-qt-01"]["values"]["pm25"] == 29.0 and sensors["pam-qt-01"]["online"] is True
        assert sensors["flood-01"]["values"] == {"water_level_cm": 180.0, "rain_mm": 3.0}
        assert sensors["flood-01"]["online"] is False  # its retained status says offline
        series = pipe.api("/api/sensors/pam-qt-01/series?field=pm25&every=1h&start="
                          + (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")).json
        assert sum(p["value"] for p in series["points"]) > 0
        assert pipe.api("/api/health").status_code == 200
    finally:
        pipe.stop()


def test_a_broker_restart_in_the_middle_of_a_stream_loses_nothing(tmp_path: Path, mosquitto: Any) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    base = datetime.now(UTC) - timedelta(hours=1)
    try:
        pub = Publisher(mosquitto.port)
        for i in range(200):
            pub.send(f"{PREFIX}/flood/flood-01/state",
                     json.dumps({"ts": (base + timedelta(seconds=i)).isoformat(), "water_level_cm": i}))
        pub.close()
        pipe.ingest.stop()  # COC goes down; its persistent session keeps what is published meanwhile
        pub = Publisher(mosquitto.port)
        for i in range(200, 400):
            pub.send(f"{PREFIX}/flood/flood-01/state",
                     json.dumps({"ts": (base + timedelta(seconds=i)).isoformat(), "water_level_cm": i}))
        pub.close()
        mosquitto.restart()  # the broker restarts too, keeping its persisted queue
        pipe.ingest.start()
        assert pipe.ingest.wait_subscribed(20)
        pub = Publisher(mosquitto.port)
        for i in range(400, 500):
            pub.send(f"{PREFIX}/flood/flood-01/state",
                     json.dumps({"ts": (base + timedelta(seconds=i)).isoformat(), "water_level_cm": i}))
        pub.close()
        wait_until(lambda: pipe.store.count("flood") == 500, what="all 500 readings stored")
    finally:
        pipe.stop()


def bad_payloads() -> list[tuple[str, bytes]]:
    """At least 50 malformed or impossible messages, each with the reason it must get."""
    air, flood = f"{PREFIX}/air/pam-qt-01/state", f"{PREFIX}/flood/flood-01/state"
    corpus: list[tuple[str, bytes]] = [
        (air, b"not json"), (air, b""), (air, b"[]"), (air, b"null"), (air, b"42"), (air, b'"pm25"'),
        (air, b"{"), (air, b'{"pm25": NaN}'), (air, b'{"pm25": Infinity}'), (air, b'{"pm25": -Infinity}'),
        (air, b'{"pm25": 1e999}'), (air, b'{"pm25": "12"}'), (air, b'{"pm25": null}'), (air, b'{"pm25": [1]}'),
        (air, b'{"pm25": {"v": 1}}'), (air, b'{"pm25": true}'), (air, b'{"pm25": -0.1}'), (air, b'{"pm25": 5000}'),
        (air, b'{"humidity": 150}'), (air, b'{"temperature": -80}'), (air, b'{"co2": 1}'), (air, b"{}"),
        (air, b'{"ts": "2026-13-45T00:00:00Z", "pm25": 1}'), (air, b'{"ts": "2026-11-23 07:00", "pm25": 1}'),
        (air, b'{"ts": "2099-01-01T00:00:00Z", "pm25": 1}'), (air, b'{"ts": "2000-01-01T00:00:00Z", "pm25": 1}'),
        (air, b'{"ts": 99999999999999999999, "pm25": 1}'), (air, b'{"ts": false, "pm25": 1}'),
        (air, b'{"ts": {}, "pm25": 1}'), (air, b'{"bogus": 1}'), (air, b"\xff\xfe\x00garbage"),
        (air, b"x" * (65 * 1024)), (air, b"[1]"), (air, b'[[{"pm25": 1}]]'),
        (flood, b'{"rain_mm": 3}'), (flood, b'{"water_level_cm": "high"}'), (flood, b'{"water_level_cm": 1e6}'),
        (flood, b'{"water_level_cm": -500}'), (flood, b'{"water_level_cm": 10, "battery_v": 99}'),
        (flood, b'{"water_level_cm": 10, "rain_mm": -1}'), (flood, b'{"water_level_cm": 10, "pm25": 1}'),
        (f"{PREFIX}/air/unknown-device/state", b'{"pm25": 1}'),
        (f"{PREFIX}/air/flood-01/state", b'{"pm25": 1}'),
        (f"{PREFIX}/radar/x1/state", b'{"v": 1}'),
        (f"{PREFIX}/air/pam-qt-01/status", b"sleeping"),
        (f"{PREFIX}/camera/cam-01/event", b'{"type": "party"}'),
        (f"{PREFIX}/camera/cam-01/event", b"not json"),
        (f"{PREFIX}/camera/cam-99/event", b'{"type": "motion"}'),
        (f"{PREFIX}/camera/cam-01/event", b'{"type": "motion", "score": 7}'),
        (f"{PREFIX}/air/evil device,x=1/state", b'{"pm25": 1}'),
    ]
    corpus += [(air, json.dumps({"pm25": 10, f"field{i}": i}).encode()) for i in range(5)]
    return corpus


def test_bad_payloads_are_dead_lettered_and_the_good_ones_in_between_stored(tmp_path: Path, mosquitto: Any,
                                                                               publisher: Publisher) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    corpus = bad_payloads()
    assert len(corpus) >= 50
    base = datetime.now(UTC) - timedelta(hours=2)
    try:
        for i, (topic, payload) in enumerate(corpus):
            publisher.send(topic, payload)
            good = {"ts": (base + timedelta(minutes=i)).isoformat(), "pm25": float(i)}
            publisher.send(f"{PREFIX}/air/pam-qt-01/state", json.dumps(good))
        wait_until(lambda: pipe.store.count("air") == len(corpus), what="every good reading stored")
        wait_until(lambda: pipe.ingest.stats().rejected >= len(corpus), what="every bad payload counted")
        assert pipe.ingest.stats().rejected == len(corpus), [d.reason for d in pipe.ingest.dead_letters(1000)]
        letters = pipe.ingest.dead_letters(limit=1000)
        assert len(letters) == len(corpus)
        assert all(letter.reason and len(letter.payload) <= 1024 for letter in letters)
        reasons = " | ".join(letter.reason for letter in letters)
        for expected in ("not valid JSON", "over the 64 KiB limit", "unknown device 'unknown-device'",
                         "configured as flood", "more than 5 minutes in the future", "more than 7 days old",
                         "missing required field water_level_cm", "unknown camera 'cam-99'", "unknown field"):
            assert expected in reasons
        assert {d.device_id for d in pipe.ingest.unknown_devices()} >= {"unknown-device", "x1", "cam-99"}
        assert pipe.api("/api/health").json["mqtt"]["rejected"] == len(corpus)
        metrics = pipe.api("/metrics").data.decode()
        assert f"coc_messages_rejected_total {len(corpus)}" in metrics
    finally:
        pipe.stop()


def test_camera_events_are_recorded(tmp_path: Path, mosquitto: Any, publisher: Publisher) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    seen: list[Any] = []
    pipe.ingest.add_event_listener(seen.append)
    try:
        publisher.send(f"{PREFIX}/camera/cam-01/event",
                       json.dumps({"type": "intrusion", "zone": "Sân UBND", "score": 0.9, "event_id": "e-1"}))
        wait_until(lambda: len(seen) == 1, what="event listener")
        events = pipe.ctx.state_db.camera_events(camera="cam-01")
        assert [(e.type, e.zone, e.event_id) for e in events] == [("intrusion", "Sân UBND", "e-1")]
    finally:
        pipe.stop()
