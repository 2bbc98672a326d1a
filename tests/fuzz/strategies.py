"""Hypothesis strategies for hostile input: device payloads (broken, deep, overflowing, near-valid JSON) and
topics, and HTTP query values and bodies."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

FIELDS = ["pm25", "pm10", "pm1", "temperature", "humidity", "co2", "water_level_cm", "rain_mm", "battery_v",
          "PM2.5", "hum", "temp", "time", "rssi", "ts", "type", "phase", "score", "zone", "snapshot", "event_id"]
HUGE_NUMBERS = ["1e400", "-1e400", "1e309", "1" + "0" * 400, "-" + "9" * 300, "1e20", "-0", "0.0e0",
                "99999999999", "253402300800", "1e-400", "NaN", "Infinity", "-Infinity"]
TIMESTAMPS = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59+14:00",
              "0001-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-23T07:00:00", "+10000-01-01T00:00:00Z",
              "2026-11-23T07:00:00+24:00", "2026-11-23T07:00:00.999999999Z", "", " ", "yesterday", "\u0000"]
IDS = ['cam-01-x";filename="evil.exe', "cam-01-a\r\nb", "../../etc/passwd", "e" * 129, "Sân\nUBND", "cam-01/a b.jpg"]


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(TIMESTAMPS),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
                           max_leaves=12)


@st.composite
def timestamp_texts(draw: st.DrawFn) -> str:
    """A `ts` as JSON text: ISO times at the edges of the calendar with any offset, or odd epochs."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        moment = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
        minutes = draw(st.integers(-1439, 1439))
        return json.dumps(moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat())
    if kind == 1:
        return json.dumps(draw(st.sampled_from(TIMESTAMPS)))
    if kind == 2:
        return draw(st.sampled_from(HUGE_NUMBERS))
    return json.dumps(draw(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))))


@st.composite
def reading_objects(draw: st.DrawFn) -> str:
    """A JSON object that looks like a reading: known and unknown fields, odd numbers, odd times."""
    parts = []
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        value = draw(st.one_of(st.sampled_from(HUGE_NUMBERS), timestamp_texts(),
                               json_values.map(json.dumps), st.floats(-50, 1200).map(repr)))
        parts.append(f"{json.dumps(name)}: {value}")
    if draw(st.booleans()):
        parts.append(f'"ts": {draw(timestamp_texts())}')
    if draw(st.booleans()):
        parts.append(f'"pm25": {draw(st.floats(0, 999).map(repr))}')
    return "{" + ", ".join(parts) + "}"


@st.composite
def near_valid_readings(draw: st.DrawFn) -> str:
    """A reading of a configured device's own fields, plausible but for edge numbers and edge times."""
    names = draw(st.sampled_from([["pm25", "pm10", "pm1", "temperature", "humidity", "co2"],
                                  ["water_level_cm", "rain_mm", "battery_v"]]))
    chosen = [names[0], *draw(st.lists(st.sampled_from(names[1:]), max_size=3, unique=True))]
    number = st.one_of(st.floats(-100, 2000).map(repr), st.integers(-10, 1100).map(str), st.sampled_from(HUGE_NUMBERS))
    parts = [f'"{name}": {draw(number)}' for name in chosen]
    if draw(st.booleans()):
        parts.append(f'"ts": {draw(timestamp_texts())}')
    return "{" + ", ".join(parts) + "}"


@st.composite
def deep_json(draw: st.DrawFn) -> bytes:
    """Arrays and objects nested from a few to thousands of levels, closed or not."""
    depth = draw(st.sampled_from([17, 65, 900, 1023, 1025, 3000]) | st.integers(0, 5000))
    opener = draw(st.sampled_from(['[', '{"a":', '[{"pm25":', '{"pm25": [']))
    closer = {'[': ']', '{"a":': '}', '[{"pm25":': '}]', '{"pm25": [': ']}'}[opener]
    inner = draw(st.sampled_from(["1", "1e400", "", '"x"', "null"]))
    tail = closer * depth if draw(st.booleans()) else ""
    return (opener * depth + inner + tail).encode()


payloads = st.one_of(
    near_valid_readings().map(str.encode),
    st.lists(near_valid_readings(), min_size=1, max_size=5).map(lambda items: ("[" + ", ".join(items) + "]").encode()),
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    reading_objects().map(str.encode),
    st.lists(reading_objects(), min_size=1, max_size=6).map(lambda items: ("[" + ", ".join(items) + "]").encode()),
    deep_json(),
    st.sampled_from([b"online", b"offline", b'"ONLINE"', b"", b"sleeping", b"\xff\xfe"]),
    st.fixed_dictionaries({"type": st.sampled_from(["intrusion", "motion"]), "event_id": st.sampled_from(IDS),
                           "zone": st.sampled_from(["Sân UBND", *IDS]), "snapshot": st.sampled_from(IDS)})
    .map(lambda d: json.dumps(d).encode()),
)


def topics(prefix: str, devices: list[str], broker_safe: bool = False) -> st.SearchStrategy[str]:
    """Topics the ingester may see: mostly the state topics of configured devices and the configured camera's
    event topic, then status topics and unknown ids; with `broker_safe` only topics the ingester subscribes to
    (no wildcards, control characters or non-characters, which a broker refuses)."""
    letters = st.characters(codec="utf-8", exclude_characters="/+#\x00")
    if broker_safe:  # Mosquitto disconnects a client publishing control characters or non-characters in a topic
        letters = st.characters(codec="utf-8", exclude_characters="/+#", exclude_categories=("Cc", "Cs", "Cn"))
    segment = st.text(letters, min_size=1, max_size=12)
    known = st.sampled_from([f"{prefix}/air/pam-qt-01/state", f"{prefix}/flood/flood-01/state",
                             f"{prefix}/camera/cam-01/event"])
    device = st.sampled_from(devices) | segment
    kind = st.sampled_from(["air", "flood", "camera"]) | segment
    state = st.builds(lambda k, d: f"{prefix}/{k}/{d}/state", kind, device)
    status = st.builds(lambda k, d: f"{prefix}/{k}/{d}/status", kind, device)
    event = st.builds(lambda d: f"{prefix}/camera/{d}/event", device)
    if broker_safe:
        return st.one_of(known, known, known, known, state, status, event)
    odd = st.one_of(st.text(max_size=40), st.builds(lambda k, d, c: f"{prefix}/{k}/{d}/{c}", kind, device, segment))
    return st.one_of(known, known, known, known, state, status, event, odd)


_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_STRING = re.compile(rb'"[^"\\]{0,40}"')


def mutations(payload: bytes, rng: random.Random, count: int) -> list[bytes]:
    """`count` variants of a payload, made fast with a seeded Random: bytes flipped, cut or spliced, numbers
    replaced by huge ones, strings by edge timestamps, the whole wrapped in brackets or repeated in an array."""
    out = []
    for _ in range(count):
        data, step = payload, rng.randrange(7)
        if step == 0 and data:
            i = rng.randrange(len(data))
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
        elif step == 1:
            data = data[: rng.randrange(len(data) + 1)]
        elif step == 2:
            data = _NUMBER.sub(lambda _m: rng.choice(HUGE_NUMBERS).encode(), data, count=rng.randrange(1, 4))
        elif step == 3:  # strings become edge timestamps or ids outside the identifier set (quotes, CR/LF, '..')
            data = _STRING.sub(lambda _m: json.dumps(rng.choice(TIMESTAMPS + IDS)).encode(), data,
                               count=rng.randrange(1, 4))
        elif step == 4:
            depth = rng.choice([1, 2, 15, 16, 17, 63, 64, 65, 1023, 1025, 2000])
            data = b"[" * depth + data + b"]" * depth
        elif step == 5:
            data = b"[" + b", ".join([data] * rng.randrange(1, 5) + [b'{"pm25": 5}']) + b"]"
        else:
            i = rng.randrange(len(data) + 1)
            data = data[:i] + rng.choice([b"\x00", b"\xff", b"}", b"]", b",", b'"', b"\\", b"1e400"]) + data[i:]
        out.append(data)
    return out
