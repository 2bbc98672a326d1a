"""Identifiers at the MQTT edge: topics with ids outside the set and camera events with a quoted, multi-line or
over-long event_id, zone or snapshot are refused with a reason, and through a real Mosquitto land in the dead
letters, not in the events."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.decode import decode_event, parse_topic
from ingest.sqlite_store import SqliteStore
from tests.ingest.conftest import Publisher, make_config, start_pipeline
from tests.polling import wait_until

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
PREFIX = "coc/quang-tho"
EVIL = 'cam-01-x";filename="evil.exe'


@pytest.mark.parametrize("topic", [
    "coc/qt/air/pam 01/state", 'coc/qt/air/pam"01/state', "coc/qt/air/pam\r\n01/state", "coc/qt/air/ñ/state",
    "coc/qt/air/" + "x" * 65 + "/state", "coc/qt/air/.hidden/state", "coc/qt/air/pam-01/st ate",
    "coc/qt/a'ir/pam-01/state",
])
def test_topics_with_ids_outside_the_set_are_not_coc_topics(topic: str) -> None:
    assert parse_topic(topic, "coc/qt") is None
    assert parse_topic("coc/qt/air/pam-01.b_2/state", "coc/qt") is not None


@pytest.mark.parametrize(("fields", "reason"), [
    ({"event_id": EVIL}, "event_id"),
    ({"event_id": "cam-01-x\r\nX-Evil: 1"}, "event_id"),
    ({"event_id": "e" * 129}, "event_id"),
    ({"event_id": "../e1"}, "event_id"),
    ({"zone": "Sân\nUBND"}, "zone"),
    ({"zone": "z" * 101}, "zone"),
    ({"snapshot": "cam-01/a\u0000.jpg"}, "relative path"),
    ({"snapshot": "cam-01/" + "x" * 5000 + ".jpg"}, "relative path"),
    ({"snapshot": "cam-01/a b.jpg"}, "relative path"),
])
def test_events_with_bad_ids_are_refused_with_the_field_named(fields: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_event(json.dumps({"type": "intrusion", **fields}).encode(), "cam-01", NOW)


def test_good_event_ids_zones_and_snapshots_pass() -> None:
    event = decode_event(json.dumps({"type": "intrusion", "event_id": "cam-01-20261123T070000Z-a1b2c3",
                                     "zone": 'Cổng "A"', "snapshot": "cam-01/2026-11-23/cam-01-e1.jpg"}).encode(),
                         "cam-01", NOW)
    assert (event.event_id, event.zone, event.snapshot) == (
        "cam-01-20261123T070000Z-a1b2c3", 'Cổng "A"', "cam-01/2026-11-23/cam-01-e1.jpg")


def test_an_injected_event_id_through_mosquitto_is_a_dead_letter(tmp_path: Path, mosquitto: Any,
                                                                  publisher: Publisher) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    try:
        for event_id in (EVIL, "cam-01-a\r\nb", "cam-01-good"):
            publisher.send(f"{PREFIX}/camera/cam-01/event", json.dumps({"type": "intrusion", "event_id": event_id}))
        publisher.send(f"{PREFIX}/air/pam\"01/state", b'{"pm25": 1}')
        wait_until(lambda: len(pipe.ctx.state_db.camera_events(camera="cam-01")) == 1, what="the good event")
        wait_until(lambda: pipe.ingest.stats().rejected == 3, what="three refusals")
        assert [e.event_id for e in pipe.ctx.state_db.camera_events(camera="cam-01")] == ["cam-01-good"]
        reasons = sorted(letter.reason for letter in pipe.ingest.dead_letters(10))
        assert sum("event_id" in r and "A-Z a-z 0-9 - _ ." in r for r in reasons) == 2, reasons
        assert any(r.startswith("topic is not") for r in reasons), reasons
        assert all('"' not in d.device_id for d in pipe.ingest.unknown_devices())
    finally:
        pipe.stop()
