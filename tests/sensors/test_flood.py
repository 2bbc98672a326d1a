"""Flood points: alarm levels, Theil–Sen trend on a recorded series with a spike, time to next line, rain."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sensors.flood import (
    ALARM_LEVELS,
    RISK_LEVELS,
    Thresholds,
    alarm_level,
    flood_status,
    minutes_to_next_level,
    rain_band,
    rain_totals,
    risk_level,
    thresholds_on,
    trend_cm_per_h,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sensors"
LINES = (150.0, 250.0, 350.0)
T0 = datetime(2026, 10, 28, 1, 0, tzinfo=UTC)


def recorded(name: str) -> list[tuple[datetime, float]]:
    with (FIXTURES / name).open() as handle:
        return [(datetime.fromisoformat(r["ts"]), float(r["water_level_cm"])) for r in csv.DictReader(handle)]


@pytest.mark.parametrize(
    ("level", "expected"),
    [(None, 0), (-20, 0), (149.9, 0), (150, 1), (249.9, 1), (250, 2), (349.9, 2), (350, 3), (900, 3)],
)
def test_alarm_level_edges(level: float | None, expected: int) -> None:
    assert alarm_level(level, LINES) == expected


def test_alarm_level_rows() -> None:
    labels = ["Dưới báo động I", "Báo động I", "Báo động II", "Báo động III"]
    assert [a.label_vi for a in ALARM_LEVELS] == labels


def test_thresholds_follow_their_dates() -> None:
    # Kim Long (Huế): báo động III was 3.0 m before 2020, 3.5 m after Decision 05/2020 (effective 20/03/2020)
    history = [Thresholds((100, 200, 300), None), Thresholds((100, 200, 350), date(2020, 3, 20))]
    assert thresholds_on(history, date(2019, 11, 1)).levels_cm == (100, 200, 300)
    assert thresholds_on(history, date(2020, 3, 20)).levels_cm == (100, 200, 350)
    assert thresholds_on([Thresholds((1, 2, 3), date(2030, 1, 1))], date(2026, 1, 1)) is None
    assert alarm_level(320, thresholds_on(history, date(2019, 1, 1)).levels_cm) == 3
    assert alarm_level(320, thresholds_on(history, date(2024, 1, 1)).levels_cm) == 2


def test_trend_ignores_a_single_spike_in_a_recorded_series() -> None:
    series = recorded("flood_rising_spike.csv")
    assert max(v for _, v in series) > 300  # the spike is in the data
    trend = trend_cm_per_h(series)
    assert trend == pytest.approx(30.0, abs=1.5)


def test_status_on_the_recorded_series() -> None:
    status = flood_status(LINES, recorded("flood_rising_spike.csv"))
    assert status.water_level_cm == 150.0
    assert status.alarm_level == 1
    assert status.label_vi == "Báo động I"
    assert status.trend_cm_per_h == pytest.approx(30.0, abs=1.5)
    assert status.minutes_to_next_level == pytest.approx(200, abs=10)  # 100 cm to line II at ~30 cm/h
    assert status.thresholds_cm == LINES


def test_trend_uses_the_last_hour_only() -> None:
    old = [(T0 + timedelta(minutes=m), 500.0) for m in range(0, 60, 10)]
    new = [(T0 + timedelta(hours=2, minutes=m), 100.0 - m / 6) for m in range(0, 60, 10)]  # −10 cm/h
    assert trend_cm_per_h(old + new) == pytest.approx(-10.0)
    assert trend_cm_per_h(new[:1]) is None
    assert trend_cm_per_h([]) is None


@pytest.mark.parametrize(
    ("level", "trend", "minutes"),
    [(100, 25, 120), (240, 20, 30), (340, 60, 10), (360, 50, None), (100, 0.0, None), (100, -5, None),
     (100, None, None), (None, 10, None)],
)
def test_minutes_to_next_level(level: float | None, trend: float | None, minutes: float | None) -> None:
    result = minutes_to_next_level(level, trend, LINES)
    assert result == (None if minutes is None else pytest.approx(minutes))


def test_falling_water_has_no_eta() -> None:
    falling = [(T0 + timedelta(minutes=5 * i), 280 - 2.0 * i) for i in range(10)]
    status = flood_status(LINES, falling)
    assert status.alarm_level == 2 and status.trend_cm_per_h < 0 and status.minutes_to_next_level is None
    empty = flood_status(LINES, [])
    assert (empty.water_level_cm, empty.alarm_level, empty.trend_cm_per_h) == (None, 0, None)


def test_rain_per_hour_and_per_day() -> None:
    now = T0 + timedelta(hours=30)
    points = [(now - timedelta(minutes=10 * i), 2.0) for i in range(0, 6 * 30)]  # 2 mm every 10 min for 30 h
    hour, day = rain_totals(points, now)
    assert (hour, day) == (12.0, 288.0)
    assert rain_band(day) == "200–400 mm"
    assert rain_band(99) is None and rain_band(100) == "100–200 mm" and rain_band(450) == "trên 400 mm"


def test_risk_levels() -> None:
    assert [r.level for r in RISK_LEVELS] == [1, 2, 3, 4, 5]
    assert risk_level(5).label_vi == "Thảm họa"
    assert risk_level(3).colour_vi == "Da cam"
    with pytest.raises(ValueError, match="1..5"):
        risk_level(6)
