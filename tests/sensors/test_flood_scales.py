"""Flood scales (báo động I–III at river gauges, mức ngập 1–3 at local depth points), earlier alarm lines and
when a time to the next line is worth showing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from sensors.flood import FloodScale, eta_worth_showing, flood_status, level_row
from sensors.models import DeviceKind
from sensors.settings import EarlierLevels, SensorConfig

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("scale", "level", "label"),
    [(FloodScale.RIVER_GAUGE, 0, "Dưới báo động I"), (FloodScale.RIVER_GAUGE, 3, "Báo động III"),
     (FloodScale.LOCAL_DEPTH, 1, "Mức ngập 1"), (FloodScale.LOCAL_DEPTH, 3, "Mức ngập 3"),
     ("local_depth", 2, "Mức ngập 2")],
)
def test_labels_follow_the_scale(scale: FloodScale | str, level: int, label: str) -> None:
    assert level_row(level, scale).label_vi == label


def test_flood_status_on_a_local_depth_point() -> None:
    status = flood_status((20, 40, 60), [(NOW, 45.0)], FloodScale.LOCAL_DEPTH)
    assert (status.alarm_level, status.label_vi) == (2, "Mức ngập 2")
    assert flood_status((20, 40, 60), [(NOW, 45.0)]).label_vi == "Báo động II"


@pytest.mark.parametrize(
    ("trend", "minutes", "show"),
    [(None, None, False), (0.4, 4000.0, False), (0.6, 300.0, True), (0.49, 300.0, False), (12.0, 90.0, True),
     (3.0, 2000.0, False), (3.0, 1440.0, True)],
)
def test_eta_only_for_a_meaningful_rise_within_a_day(trend: float | None, minutes: float | None,
                                                     show: bool) -> None:
    assert eta_worth_showing(trend, minutes) is show


def point(**extra: object) -> SensorConfig:
    return SensorConfig(id="kim-long", kind=DeviceKind.FLOOD, name="Kim Long", alarm_levels_cm=(100, 200, 350),
                        alarm_levels_from=date(2020, 3, 20), **extra)


def test_past_days_are_judged_by_the_lines_in_force_then() -> None:
    sensor = point(alarm_levels_before=[EarlierLevels(valid_from=None, levels_cm=(100, 200, 300))])
    assert sensor.levels_on(date(2019, 11, 1)) == (100, 200, 300)
    assert sensor.levels_on(date(2020, 3, 20)) == (100, 200, 350)
    assert sensor.levels_on(date.today() + timedelta(days=1)) == (100, 200, 350)
    assert point().levels_on(date(2019, 1, 1)) is None  # before the first known lines
    assert point(flood_scale="local_depth").flood_scale is FloodScale.LOCAL_DEPTH


def test_earlier_lines_must_be_older_and_increasing() -> None:
    with pytest.raises(ValidationError, match="older than alarm_levels_from"):
        point(alarm_levels_before=[EarlierLevels(valid_from=date(2021, 1, 1), levels_cm=(1, 2, 3))])
    with pytest.raises(ValidationError, match="must increase"):
        point(alarm_levels_before=[EarlierLevels(valid_from=None, levels_cm=(3, 2, 1))])
