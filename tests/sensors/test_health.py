"""Device health: connectivity from interval and status, stuck values, low battery, hourly completeness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sensors.health import assess, battery_low, completeness, connectivity, expected_per_hour, is_stuck
from sensors.models import Connectivity
from sensors.settings import SensorConfig

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age_s", "status", "expected"),
    [(0, None, Connectivity.ONLINE), (90, "online", Connectivity.ONLINE), (91, None, Connectivity.STALE),
     (180, None, Connectivity.STALE), (181, "online", Connectivity.OFFLINE),
     (5, "offline", Connectivity.OFFLINE), (None, None, Connectivity.NEVER),
     (None, "offline", Connectivity.OFFLINE)],
)
def test_connectivity(age_s: float | None, status: str | None, expected: Connectivity) -> None:
    last_seen = None if age_s is None else NOW - timedelta(seconds=age_s)
    assert connectivity(60, last_seen, status, NOW) is expected


def test_stuck_value() -> None:
    assert is_stuck([1.0, 2.0] + [5.0] * 10, 10)
    assert not is_stuck([5.0] * 9 + [5.1], 10)
    assert not is_stuck([5.0] * 9, 10)  # not enough readings yet
    assert not is_stuck([5.0] * 50, None)  # check disabled


def test_battery_low() -> None:
    assert battery_low(3.3, 3.5)
    assert not battery_low(3.5, 3.5)
    assert not battery_low(None, 3.5)


def test_completeness_per_hour() -> None:
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    stamps = [start + timedelta(minutes=m) for m in range(0, 60)]  # full hour at 60 s
    stamps += [start + timedelta(hours=1, minutes=m) for m in range(0, 60, 2)]  # half
    stamps += [stamps[0]]  # a duplicate counts once
    rows = completeness(stamps, 60, start, start + timedelta(hours=3))
    assert [(r.received, r.expected, r.ratio) for r in rows] == [(60, 60, 1.0), (30, 60, 0.5), (0, 60, 0.0)]
    assert expected_per_hour(300) == 12 and expected_per_hour(7200) == 1


def test_assess_flood_monitor() -> None:
    sensor = SensorConfig(id="flood-01", kind="flood", name="Cầu Phò Nam", interval_s=300,
                          alarm_levels_cm=(150, 250, 350), stuck_readings=6, battery_low_v=11.8)
    hour = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    fields = {"water_level_cm": 120.0, "battery_v": 11.6}
    recent = [(hour + timedelta(minutes=5 * i), fields) for i in range(0, 12, 2)]
    health = assess(sensor, recent[-1][0], "online", recent, NOW)
    assert health.connectivity is Connectivity.OFFLINE  # last reading 09:50, now 10:30 > 3 × 5 min
    assert health.stuck and health.battery_low
    assert health.completeness == 0.5  # 6 of 12 in 09:00–10:00
    air = SensorConfig(id="pam-01", kind="air", name="Trung tâm xã")
    ok = assess(air, NOW - timedelta(seconds=30), None, [(NOW, {"pm25": 10.0, "battery_v": 1.0})], NOW)
    assert ok.connectivity is Connectivity.ONLINE and not ok.stuck and not ok.battery_low
    assert ok.completeness == 0.0 and ok.age_s == 30
