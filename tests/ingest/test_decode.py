"""Decoding of device payloads: a table of good and bad payloads, and the reason each bad one gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config.section import Location
from ingest.decode import decode_event, decode_state, decode_status, parse_topic, parse_ts
from sensors.models import DeviceKind
from sensors.settings import SensorConfig

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
AIR = SensorConfig(id="pam-01", kind=DeviceKind.AIR, name="Trung tâm", location=Location(lat=16.5, lon=107.5))
FLOOD = SensorConfig(id="flood-01", kind=DeviceKind.FLOOD, name="Cầu", alarm_levels_cm=(150, 250, 350),
                     water_level_range_cm=(0, 600))

GOOD = [
    (AIR, b'{"pm25": 35.2, "pm10": 50, "temperature": 28.1, "humidity": 81}', 1, {"pm25": 35.2, "pm10": 50.0}),
    (AIR, b'{"ts": "2026-11-23T13:59:00+07:00", "pm25": 12}', 1, {"pm25": 12.0}),
    (AIR, b'{"ts": "2026-11-23T06:59:00Z", "pm1": 5, "co2": 420}', 1, {"pm1": 5.0, "co2": 420.0}),
    (AIR, b'{"ts": 1795417140, "pm25": 9}', 1, {"pm25": 9.0}),
    (AIR, b'{"ts": 1795417140000, "pm25": 9}', 1, {"pm25": 9.0}),
    (AIR, b'[{"ts": 1795417000, "pm25": 9}, {"ts": 1795417060, "pm25": 10}]', 2, {"pm25": 10.0}),
    (FLOOD, b'{"water_level_cm": 180, "rain_mm": 12.5, "battery_v": 12.1}', 1, {"water_level_cm": 180.0}),
    (FLOOD, b'{"water_level_cm": 0}', 1, {"water_level_cm": 0.0}),
]


@pytest.mark.parametrize(("sensor", "payload", "count", "expected"), GOOD)
def test_good_payloads_give_readings(sensor: SensorConfig, payload: bytes, count: int, expected: dict) -> None:
    result = decode_state(payload, sensor, NOW)
    assert result.rejects == []
    assert len(result.readings) == count
    last = result.readings[-1]
    assert last.device_id == sensor.id and last.kind == sensor.kind.value
    assert last.ts.tzinfo is not None and last.ts.utcoffset() == timedelta(0)
    for name, value in expected.items():
        assert last.fields[name] == value


def test_missing_ts_means_now_and_offsets_become_utc() -> None:
    assert decode_state(b'{"pm25": 1}', AIR, NOW).readings[0].ts == NOW
    ts = decode_state(b'{"ts": "2026-11-23T13:59:00+07:00", "pm25": 1}', AIR, NOW).readings[0].ts
    assert ts == datetime(2026, 11, 23, 6, 59, tzinfo=UTC)


BAD = [
    (AIR, b"not json", "not valid JSON"),
    (AIR, b"", "not valid JSON"),
    (AIR, b"[]", "empty array"),
    (AIR, b"42", "expected a JSON object"),
    (AIR, b'"text"', "expected a JSON object"),
    (AIR, b'{"pm25": "35"}', "pm25 must be a number"),
    (AIR, b'{"pm25": true}', "pm25 must be a number"),
    (AIR, b'{"pm25": null}', "pm25 must be a number"),
    (AIR, b'{"pm25": NaN}', "not valid JSON"),
    (AIR, b'{"pm25": Infinity}', "not valid JSON"),
    (AIR, b'{"pm25": 1e400}', "infinity"),
    (AIR, b'{"pm25": -1}', "outside 0..1000"),
    (AIR, b'{"pm25": 1000.1}', "outside 0..1000"),
    (AIR, b'{"humidity": 101}', "outside 0..100"),
    (AIR, b'{"temperature": 99}', "outside -20..60"),
    (AIR, b'{"rssi": -70, "pm25": 3}', "unknown field 'rssi'"),
    (AIR, b"{}", "no measurement fields"),
    (AIR, b'{"ts": "2026-11-23T07:00:00"}', "has no UTC offset"),
    (AIR, b'{"ts": "yesterday", "pm25": 1}', "is not ISO 8601"),
    (AIR, b'{"ts": true, "pm25": 1}', "not true/false"),
    (AIR, b'{"ts": -5, "pm25": 1}', "not a valid epoch time"),
    (AIR, b'{"ts": "2026-11-23T07:06:00Z", "pm25": 1}', "in the future"),
    (AIR, b'{"ts": "2026-11-15T07:00:00Z", "pm25": 1}', "more than 7 days old"),
    (AIR, b'{"ts": [1], "pm25": 1}', "ts must be text or a number"),
    (FLOOD, b'{"rain_mm": 3}', "missing required field water_level_cm"),
    (FLOOD, b'{"water_level_cm": 601}', "outside 0..600"),
    (FLOOD, b'{"water_level_cm": -1}', "outside 0..600"),
    (FLOOD, b'{"water_level_cm": 100, "pm25": 3}', "unknown field 'pm25'"),
    (AIR, b"{" + b" " * (64 * 1024) + b"}", "over the 64 KiB limit"),
]


@pytest.mark.parametrize(("sensor", "payload", "reason"), BAD)
def test_bad_payloads_are_refused_with_a_reason(sensor: SensorConfig, payload: bytes, reason: str) -> None:
    result = decode_state(payload, sensor, NOW)
    assert result.readings == []
    assert len(result.rejects) == 1
    assert reason in result.rejects[0]


def test_a_mixed_array_keeps_its_good_items() -> None:
    payload = b'[{"pm25": 5}, {"pm25": "x"}, 7, {"pm25": 6, "ts": "2026-11-23T06:00:00Z"}, {"pm25": -3}]'
    result = decode_state(payload, AIR, NOW)
    assert [r.fields["pm25"] for r in result.readings] == [5.0, 6.0]
    assert len(result.rejects) == 3
    assert result.rejects[0].startswith("item 1: ") and result.rejects[1].startswith("item 2: ")


def test_epoch_milliseconds_and_seconds_agree() -> None:
    assert parse_ts(1795417140, NOW) == parse_ts(1795417140000, NOW) == parse_ts(1795417140.0, NOW)


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("coc/qt/air/pam-01/state", ("air", "pam-01", "state")),
        ("coc/qt/flood/f1/status", ("flood", "f1", "status")),
        ("coc/qt/camera/cam-01/event", ("camera", "cam-01", "event")),
        ("coc/other/air/pam-01/state", None),
        ("coc/qt/air/state", None),
        ("coc/qt/air/a/b/state", None),
        ("coc/qt//pam/state", None),
    ],
)
def test_topics(topic: str, expected: tuple | None) -> None:
    parsed = parse_topic(topic, "coc/qt")
    assert (parsed.kind, parsed.device_id, parsed.channel) == expected if expected else parsed is None


def test_status_payloads() -> None:
    assert decode_status(b"online") == "online"
    assert decode_status(b'"OFFLINE"\n') == "offline"
    assert decode_status(b"") is None
    with pytest.raises(ValueError, match="must be 'online' or 'offline'"):
        decode_status(b"sleeping")


def test_camera_events() -> None:
    event = decode_event(b'{"type": "intrusion", "zone": "San UBND", "score": 0.8, "snapshot": "cam-01/a.jpg",'
                         b' "event_id": "e1"}', "cam-01", NOW)
    assert (event.type, event.zone, event.score, event.snapshot, event.ts) == (
        "intrusion", "San UBND", 0.8, "cam-01/a.jpg", NOW)
    for payload, reason in [(b'{"type": "party"}', "type must be one of"),
                            (b'{"type": "motion", "score": 2}', "score must be a number from 0 to 1"),
                            (b'{"type": "motion", "snapshot": "../../etc/passwd"}', "relative path"),
                            (b'[{"type": "motion"}]', "must be a JSON object")]:
        with pytest.raises(ValueError, match=reason):
            decode_event(payload, "cam-01", NOW)


OVERFLOWING_TS = [
    ('"0001-01-01T00:00:00+01:00"', "out of range in UTC"),
    ('"9999-12-31T23:59:59-01:00"', "out of range in UTC"),
    ('"9999-12-31T23:59:59+00:00"', "in the future"),
    ('"0001-01-01T00:00:00Z"', "more than 7 days old"),
    ("1e20", "out of range"),
    ("1e300", "out of range"),
    ("1e400", "not a finite number"),
    ("-1e400", "not a finite number"),
    ("1" + "0" * 400, "not a finite number"),
    ("-1", "negative"),
    ("-1e20", "negative"),
    ("0", "more than 7 days old"),
    ("253402300800", "more than 7 days old"),  # read as epoch ms: 1978
    ("99999999999", "in the future"),  # epoch s: year 5138
    ('"+10000-01-01T00:00:00Z"', "not ISO 8601"),
    ('"2026-11-23T07:00:00+24:00"', "not ISO 8601"),
]


@pytest.mark.parametrize(("ts", "reason"), OVERFLOWING_TS)
def test_overflowing_timestamps_are_refused_and_the_rest_of_the_array_kept(ts: str, reason: str) -> None:
    payload = f'[{{"pm25": 5}}, {{"ts": {ts}, "pm25": 6}}, {{"pm25": 7}}]'.encode()
    result = decode_state(payload, AIR, NOW)
    assert [r.fields["pm25"] for r in result.readings] == [5.0, 7.0]
    assert len(result.rejects) == 1 and result.rejects[0].startswith("item 1: ts ")
    assert reason in result.rejects[0]


@pytest.mark.parametrize(("ts", "reason"), OVERFLOWING_TS)
def test_overflowing_timestamps_of_camera_events_are_refused(ts: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_event(f'{{"type": "motion", "ts": {ts}}}'.encode(), "cam-01", NOW)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("1e400", "overflows to infinity"), ("-1e400", "overflows to infinity"),
     ("1" + "0" * 400, "overflows to infinity"), ("[" * 900 + "]" * 900, "must be a number, got list"),
     ('{"a": ' * 500 + "1" + "}" * 500, "must be a number, got dict")],
)
def test_overflowing_and_nested_values_refuse_only_their_item(value: str, reason: str) -> None:
    result = decode_state(f'[{{"pm25": {value}}}, {{"pm25": 8}}]'.encode(), AIR, NOW)
    assert [r.fields["pm25"] for r in result.readings] == [8.0]
    assert len(result.rejects) == 1 and reason in result.rejects[0]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"[" * 2000 + b"]" * 2000, "depth limit exceeded"),
        (b"[" * 5000, "depth limit exceeded"),
        (b"[1e400, " + b"[" * 2000 + b"]" * 2000 + b"]", "nested more than 16 levels"),
        (b'{"PM2.5": ' + b"[" * 900 + b"]" * 900 + b', "hum": 1, "temp": 1}', "nested more than 16 levels"),
        (b"[NaN, 1e400]", "not valid JSON"),
        (b'{"pm25": 1e400, "pm10": Infinity}', "not valid JSON"),
        (b'["\xff", 1e400]', "not valid JSON"),
    ],
)
def test_deep_or_broken_json_is_one_reason_never_an_exception(payload: bytes, reason: str) -> None:
    result = decode_state(payload, AIR, NOW)
    assert result.readings == [] and len(result.rejects) == 1
    assert reason in result.rejects[0]


def test_deep_camera_event_is_refused() -> None:
    with pytest.raises(ValueError, match="nested more than 16 levels"):
        decode_event(b'{"type": ' + b"[" * 900 + b"]" * 900 + b"}", "cam-01", NOW)


def test_pamair_times_that_overflow_are_refused() -> None:
    for time, reason in [("1e20", "out of range"), ("1e400", "not a finite number"), ("-5", "before 2000")]:
        payload = f'{{"PM2.5": 12, "hum": 70, "temp": 28, "time": {time}}}'.encode()
        result = decode_state(payload, AIR, NOW)
        assert result.readings == [] and reason in result.rejects[0], result
