"""The SQLite store: idempotent writes, latest per device, series aggregated into buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.sqlite_store import SqliteStore
from sensors.models import Reading

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore(tmp_path / "readings.sqlite")
    s.open()
    return s


def air(minute: int, pm25: float, device: str = "pam-01") -> Reading:
    return Reading(device, "air", T0 + timedelta(minutes=minute), {"pm25": pm25, "humidity": 70.0})


def test_the_same_device_and_time_never_makes_two_rows(store: SqliteStore) -> None:
    store.write([air(0, 10), air(1, 11)])
    store.write([air(0, 10), air(1, 11)])
    store.write([air(1, 99)])  # a re-sent reading with a correction overwrites itself
    assert store.count("air") == 2
    points = store.series("air", "pam-01", "pm25", T0, T0 + timedelta(hours=1), 60, "mean")
    assert [p.value for p in points] == [10.0, 99.0]


def test_series_buckets_and_aggregates(store: SqliteStore) -> None:
    store.write([air(m, float(m)) for m in range(0, 120)])  # one reading a minute for 2 hours
    start, end = T0, T0 + timedelta(hours=2)
    hourly = store.series("air", "pam-01", "pm25", start, end, 3600, "mean")
    assert [(p.ts, p.value) for p in hourly] == [(T0, 29.5), (T0 + timedelta(hours=1), 89.5)]
    assert [p.value for p in store.series("air", "pam-01", "pm25", start, end, 3600, "max")] == [59.0, 119.0]
    assert [p.value for p in store.series("air", "pam-01", "pm25", start, end, 3600, "min")] == [0.0, 60.0]
    assert [p.value for p in store.series("air", "pam-01", "pm25", start, end, 3600, "last")] == [59.0, 119.0]
    assert [p.value for p in store.series("air", "pam-01", "pm25", start, end, 1800, "count")] == [30.0] * 4


def test_series_window_is_start_inclusive_end_exclusive_and_per_device(store: SqliteStore) -> None:
    store.write([air(0, 1), air(10, 2), air(20, 3), air(10, 50, device="pam-02")])
    points = store.series("air", "pam-01", "pm25", T0 + timedelta(minutes=10), T0 + timedelta(minutes=20), 60)
    assert [p.value for p in points] == [2.0]
    assert store.series("air", "pam-01", "co2", T0, T0 + timedelta(hours=1), 60) == []


def test_latest_is_the_newest_reading_per_device_even_when_older_ones_arrive_late(store: SqliteStore) -> None:
    store.write([air(5, 5), air(3, 3, device="pam-02")])
    store.write([air(1, 1)])  # a late reading does not replace the newer latest
    latest = store.latest()
    assert latest["pam-01"].ts == T0 + timedelta(minutes=5) and latest["pam-01"].fields["pm25"] == 5.0
    assert latest["pam-02"].fields == {"pm25": 3.0, "humidity": 70.0}


def test_the_series_query_uses_the_primary_key_index(store: SqliteStore) -> None:
    plan = store._conn().execute(
        "EXPLAIN QUERY PLAN SELECT AVG(value) FROM points WHERE kind = 'air' AND device = 'd' AND field = 'pm25' "
        "AND ts_ms >= 0 AND ts_ms < 10").fetchall()
    detail = " ".join(row[-1] for row in plan)
    assert "USING PRIMARY KEY" in detail and "SCAN" not in detail
