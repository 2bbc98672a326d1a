"""Sensor-derived figures from a real SQLite store: VN_AQI hours, PM2.5 exceedance days, flood hours,
camera availability and acknowledgement times through their small interfaces."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from indicators.sensor_figures import SensorSources, compute_month
from indicators.sensor_kpis import Device, month_bounds, pm25_limit
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LIMITS = {2023: 50.0, 2026: 45.0}
JUNE_START = datetime(2025, 5, 31, 17, tzinfo=UTC)  # 1 June 2025 00:00 in Vietnam
H = timedelta(hours=1)


class Cameras:
    def __init__(self) -> None:
        self.calls: list[tuple[datetime, datetime]] = []

    def camera_availability(self, start: datetime, end: datetime) -> float | None:
        self.calls.append((start, end))
        return 97.25


class Acks:
    def median_ack_minutes(self, start: datetime, end: datetime) -> float | None:
        return None  # nothing acknowledged: no figure, not 0


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore(tmp_path / "ts.sqlite")
    s.open()
    # Air: 1 June 24 h at 60 µg/m³ (exceedance day), 2 June 24 h at 20, 3 June 10 h at 90 (too few hours).
    hourly = [60.0] * 24 + [20.0] * 24 + [90.0] * 10
    readings = [
        Reading("pam-01", "air", JUNE_START + i * H + timedelta(minutes=m), {"pm25": v})
        for i, v in enumerate(hourly)
        for m in (10, 40)
    ]
    # Flood (lines 150/250/350 cm): hourly maxima 200 ×3, 300 ×2, 400 ×1, 100 ×4.
    levels = [200, 200, 200, 300, 300, 400, 100, 100, 100, 100]
    readings += [
        Reading("flood-01", "flood", JUNE_START + i * H + timedelta(minutes=5), {"water_level_cm": v})
        for i, v in enumerate(levels)
    ]
    readings += [
        Reading("flood-01", "flood", JUNE_START + 5 * H + timedelta(minutes=50), {"water_level_cm": 90.0})
    ]
    s.write(readings)
    yield s
    s.close()


DEVICES = (Device("pam-01", "air"), Device("flood-01", "flood", (150.0, 250.0, 350.0)))


def test_month_of_sensor_figures(store: SqliteStore) -> None:
    cameras = Cameras()
    figures = compute_month(
        SensorSources(store, DEVICES, cameras, Acks()), "quang-tho", "2025-06", TZ, LIMITS
    )
    values = {f.metric: f.value for f in figures}
    assert {f.period for f in figures} == {"2025-06"} and {f.source for f in figures} == {"computed"}
    # 58 hours of data; the first has no NowCast (needs 2 of the last 3 hours), the hour after the data ends
    # has one (its 2 previous hours exist): 58 indexed hours. Ok (≤ 100): the 24 hours of 2 June (NowCast
    # falls below 50 µg/m³ at once); 1 and 3 June are above.
    assert values["air_hours_measured"] == 58
    assert values["air_hours_aqi_ok"] == 24
    assert values["pm25_days_over_limit"] == 1
    assert values["flood_hours_level_1"] == 6
    assert values["flood_hours_level_2"] == 3
    assert values["flood_hours_level_3"] == 1
    assert values["camera_online_pct"] == 97.25
    assert "alert_ack_median_minutes" not in values
    assert cameras.calls == [month_bounds("2025-06", TZ)]
    assert cameras.calls[0] == (JUNE_START, datetime(2025, 6, 30, 17, tzinfo=UTC))


def test_no_data_gives_no_figures(store: SqliteStore) -> None:
    assert compute_month(SensorSources(store, DEVICES), "quang-tho", "2025-08", TZ, LIMITS) == []


def test_exceedance_limit_tightens_in_2026() -> None:
    assert pm25_limit(LIMITS, date(2025, 12, 31)) == 50
    assert pm25_limit(LIMITS, date(2026, 1, 1)) == 45


def test_running_month_stops_at_now(store: SqliteStore) -> None:
    now = JUNE_START + 30 * H + timedelta(minutes=20)  # during 2 June, hour 30
    figures = compute_month(SensorSources(store, DEVICES), "quang-tho", "2025-06", TZ, LIMITS, now)
    values = {f.metric: f.value for f in figures}
    assert values["air_hours_measured"] == 30  # hours 1..30 have an index


def test_past_days_are_judged_by_the_lines_in_force_then(store: SqliteStore) -> None:
    """The flood point's lines were raised on 1 June 2025 (local): the hours of that day and before keep the old,
    lower lines; a day judged by today's lines would count fewer hours at each level."""
    def lines(day: date) -> tuple[float, float, float]:
        return (50.0, 60.0, 70.0) if day <= date(2025, 6, 1) else (150.0, 250.0, 350.0)

    then = (Device("pam-01", "air"), Device("flood-01", "flood", (150.0, 250.0, 350.0), lines))
    values = {f.metric: f.value for f in compute_month(SensorSources(store, then), "quang-tho", "2025-06", TZ,
                                                       LIMITS)}
    today = {f.metric: f.value for f in compute_month(SensorSources(store, DEVICES), "quang-tho", "2025-06", TZ,
                                                      LIMITS)}
    assert today["flood_hours_level_3"] == 1  # by today's lines: one hour over 350 cm
    assert values["flood_hours_level_3"] == 10  # by the lines of 1 June: every hour of data was over 70 cm
