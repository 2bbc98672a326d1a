"""Line-protocol escaping: names and values from devices can never break or inject a point."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.line_protocol import (
    escape_key,
    escape_measurement,
    format_field_value,
    format_point,
    readings_to_lines,
)
from sensors.models import Reading


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("plain", "plain"), ("a b", r"a\ b"), ("a,b", r"a\,b"), ("a=b", r"a\=b"), ("a\nb", r"a\nb"),
     ("x\\y", "x/y"), ('q"uote', 'q"uote')],
)
def test_tag_escaping(raw: str, escaped: str) -> None:
    assert escape_key(raw) == escaped


def test_measurement_keeps_equals_but_escapes_commas_and_spaces() -> None:
    assert escape_measurement("air quality,x=1") == r"air\ quality\,x=1"


def test_field_values() -> None:
    assert format_field_value(3) == "3.0"
    assert format_field_value(2.5) == "2.5"
    assert format_field_value(True) == "true"
    assert format_field_value('say "hi"\n') == '"say \\"hi\\"\\n"'
    with pytest.raises(ValueError):
        format_field_value(float("nan"))


def test_a_hostile_device_id_stays_one_point() -> None:
    line = format_point("air", {"device": "evil\nair,device=x pm25=999 1", "commune": "qt"}, {"pm25": 1.0}, 5)
    assert "\n" not in line
    assert line == r"air,commune=qt,device=evil\nair\,device\=x\ pm25\=999\ 1 pm25=1.0 5"


def test_readings_become_one_line_each_with_exact_nanoseconds() -> None:
    ts = datetime(2026, 11, 23, 7, 0, 0, 123456, tzinfo=UTC)
    body = readings_to_lines([Reading("pam-01", "air", ts, {"pm25": 12.0, "humidity": 80.0}),
                              Reading("f-1", "flood", ts, {"water_level_cm": 150.0})], "quang-tho")
    assert body.splitlines() == [
        "air,commune=quang-tho,device=pam-01 pm25=12.0,humidity=80.0 1795417200123456000",
        "flood,commune=quang-tho,device=f-1 water_level_cm=150.0 1795417200123456000",
    ]
