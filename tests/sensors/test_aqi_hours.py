"""Hourly index labels: an hour is named by its end (13:00–14:00 is "14:00"), and an index whose newest NowCast
hour is still being measured is provisional ("tạm tính")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sensors.aqi import hour_end, provisional

H = datetime(2026, 11, 23, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ts", "label"),
    [(H, H + timedelta(hours=1)), (H + timedelta(minutes=59, seconds=59), H + timedelta(hours=1)),
     (H + timedelta(hours=1), H + timedelta(hours=2)),
     (datetime(2026, 11, 23, 20, 30, tzinfo=timezone(timedelta(hours=7))), H + timedelta(hours=1))],
)
def test_hour_is_labelled_by_its_end(ts: datetime, label: datetime) -> None:
    assert hour_end(ts) == label


@pytest.mark.parametrize(
    ("hour", "now", "expected"),
    [(H, H + timedelta(minutes=5), True), (H, H + timedelta(minutes=59, seconds=59), True),
     (H, H + timedelta(hours=1), False), (H - timedelta(hours=1), H + timedelta(minutes=1), False),
     (H + timedelta(minutes=30), H + timedelta(minutes=40), True)],
)
def test_an_unfinished_hour_is_provisional(hour: datetime, now: datetime, expected: bool) -> None:
    assert provisional(hour, now) is expected
