"""The sensor page's flood chart across a change of alarm lines: each period drawn with the lines in force then."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dashboard import figures
from dashboard.context import AppContext
from dashboard.pages.sensor import line_periods
from dashboard.read.sensors import sensor_reads
from sensors.models import DeviceKind
from sensors.settings import EarlierLevels, SensorConfig

KIM_LONG = SensorConfig(id="kim-long", kind=DeviceKind.FLOOD, name="Kim Long", alarm_levels_cm=(100, 200, 350),
                        alarm_levels_from=date(2020, 3, 20),
                        alarm_levels_before=[EarlierLevels(valid_from=None, levels_cm=(100, 200, 300))])


def test_a_range_across_a_new_decision_shows_both_sets_of_lines(config) -> None:
    rm = sensor_reads(AppContext(config=config))
    start, end = datetime(2020, 3, 1, tzinfo=UTC), datetime(2020, 4, 1, tzinfo=UTC)
    periods = line_periods(rm, KIM_LONG, start, end)
    assert periods == [("2020-03-01T07:00:00", "2020-03-20T00:00:00", (100, 200, 300)),
                       ("2020-03-20T00:00:00", "2020-04-01T07:00:00", (100, 200, 350))]
    fig = figures.flood_figure([["2020-03-02T00:00:00", 120.0]], (100, 200, 350), 14, ["BĐ I", "BĐ II", "BĐ III"])
    figures.lines_by_period(fig, periods)
    tops = [(s["x0"], s["y0"]) for s in fig["layout"]["shapes"] if s["line"]["color"] == "#e03131"]
    assert tops == [("2020-03-01T07:00:00", 300), ("2020-03-20T00:00:00", 350)]
    assert [a["y"] for a in fig["layout"]["annotations"]] == [100, 200, 350]


def test_a_range_inside_one_decision_keeps_one_set(config) -> None:
    rm = sensor_reads(AppContext(config=config))
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    assert [p[2] for p in line_periods(rm, KIM_LONG, start, end)] == [(100, 200, 350)]
