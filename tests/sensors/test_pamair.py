"""The PAM Air adapter: a table of good and bad station payloads, arrays, humidity flag, format detection."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sensors.pamair import decode_pamair, decode_pamair_items, is_indicative, is_pamair, to_coc_items
from sensors.settings import SensorConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sensors"
TABLE = json.loads((FIXTURES / "pamair_payloads.json").read_text())
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("case", TABLE["good"], ids=[c["name"] for c in TABLE["good"]])
def test_good_payloads(case: dict[str, Any]) -> None:
    [(ts, fields)] = decode_pamair(case["payload"], NOW)
    assert ts == datetime.fromisoformat(case["ts"])
    assert fields == case["fields"]


@pytest.mark.parametrize("case", TABLE["bad"], ids=[c["name"] for c in TABLE["bad"]])
def test_bad_payloads_are_refused_with_a_reason(case: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as refused:
        decode_pamair(case["payload"], NOW)
    assert case["reason"] in str(refused.value)


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        decode_pamair({"pm25": math.nan, "humidity": 70, "temperature": 30}, NOW)


def test_array_keeps_good_items_and_names_bad_ones() -> None:
    good = TABLE["good"][0]["payload"]
    doc = [good, {"pm25": "x", "humidity": 1, "temperature": 1}, good | {"time": 1795400060000}]
    readings, reasons = decode_pamair_items(doc, NOW)
    assert len(readings) == 2
    assert reasons == ["item 1: pm25 (pm25) must be a number, got str 'x'"]
    assert decode_pamair_items([], NOW) == ([], ["empty array"])
    with pytest.raises(ValueError, match="item 1"):
        decode_pamair(doc, NOW)


def test_humidity_above_the_limit_is_indicative() -> None:
    assert is_indicative({"pm25": 10, "humidity": 90.5})
    assert not is_indicative({"pm25": 10, "humidity": 90.0})
    assert not is_indicative({"pm25": 10})
    assert is_indicative({"humidity": 85}, humidity_limit_pct=80)
    sensor = SensorConfig(id="pam-qt-01", kind="air", name="Trung tâm xã")
    assert sensor.humidity_indicative_pct == 90.0


@pytest.mark.parametrize(
    ("doc", "expected"),
    [({"pm25": 1, "humidity": 2, "temperature": 3, "ts": 1}, False),  # COC's own JSON
     ([{"pm25": 1, "ts": "2026-11-23T08:00:00+07:00"}], False),
     ({"PM2.5": 1, "humidity": 2, "temperature": 3}, True),
     ({"pm25": 1, "humidity": 2, "temperature": 3, "time": 1795400000000}, True),
     ([{"pm2_5": 1, "hum": 2, "temp": 3}], True),
     ({"water_level_cm": 10}, False), ({"ts": 1, "water_level_cm": 10, "rain_mm": 0}, False),
     ("text", False), ([], False)],
)
def test_format_detection(doc: Any, expected: bool) -> None:
    assert is_pamair(doc) is expected


def test_to_coc_items() -> None:
    readings = decode_pamair(TABLE["good"][1]["payload"], NOW)
    [item] = to_coc_items(readings)
    assert item["ts"] == "2026-11-23T02:13:20+00:00"
    assert item["pm25"] == 40.0 and item["pm10"] == 61.0 and set(item) == {"ts", "pm25", "pm1", "pm10",
                                                                           "humidity", "temperature"}


def test_pamair_topic_setting() -> None:
    sensor = SensorConfig(id="pam-qt-01", kind="air", name="Trung tâm xã", pamair_topic="pamair/qt-01")
    assert sensor.pamair_topic == "pamair/qt-01"
    with pytest.raises(ValueError, match="string_pattern_mismatch|should match"):
        SensorConfig(id="pam-qt-01", kind="air", name="x", pamair_topic="pamair/+")
    with pytest.raises(ValueError, match="air devices only"):
        SensorConfig(id="f1", kind="flood", name="x", alarm_levels_cm=(1, 2, 3), pamair_topic="pamair/f1")
