"""VN_AQI and US AQI: every band boundary, the 1459 worked example, NowCast gaps, truncation, daily rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sensors.aqi import (
    DailyInputs,
    category_for,
    daily_aqi,
    daily_inputs,
    hourly_aqi,
    hourly_means,
    last_hours,
    nowcast,
    round_half_up,
    sub_index,
    sub_index_exact,
    truncate,
)
from sensors.aqi_tables import CATEGORIES, VN_COLUMNS, VN_INDICES, Pollutant, Standard

VN, US = Standard.VN, Standard.US
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 1459 worked example: PM2.5 hourly means 09:00 → 20:00; c1 is the 20:00 value.
EXAMPLE_0920 = [26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6, 20.6]


VN_BOUNDARIES = [
    (pollutant, conc, index)
    for pollutant, column in VN_COLUMNS.items()
    for conc, index in zip(column, VN_INDICES, strict=False)
]


@pytest.mark.parametrize(("pollutant", "conc", "index"), VN_BOUNDARIES)
def test_vn_every_breakpoint_maps_to_its_index(pollutant: Pollutant, conc: float, index: int) -> None:
    assert sub_index(VN, pollutant, conc) == index


@pytest.mark.parametrize(
    ("pollutant", "conc", "index"),
    [
        (Pollutant.PM25, 25.4, 51),  # 50.8: just inside Trung bình, no gap after 25
        (Pollutant.PM25, 50.3, 101),  # 100.5 → 101 half-up
        (Pollutant.PM25, 50.29, 100),
        (Pollutant.PM10, 50.5, 50),  # 50.25
        (Pollutant.PM10, 151, 101),  # 100.5
        (Pollutant.NO2, 110, 55),
    ],
)
def test_vn_values_beside_breakpoints(pollutant: Pollutant, conc: float, index: int) -> None:
    assert sub_index(VN, pollutant, conc) == index


@pytest.mark.parametrize("pollutant", [p for p in VN_COLUMNS if p is not Pollutant.O3_8H])
def test_vn_caps_at_500_above_the_top(pollutant: Pollutant) -> None:
    assert sub_index(VN, pollutant, VN_COLUMNS[pollutant][-1] * 3) == 500


def test_vn_o3_8h_has_no_index_above_400() -> None:
    assert sub_index(VN, Pollutant.O3_8H, 400) == 300
    assert sub_index(VN, Pollutant.O3_8H, 400.1) is None


US_PM25 = [(0.0, 0), (9.0, 50), (9.1, 51), (35.4, 100), (35.5, 101), (55.4, 150), (55.5, 151),
           (125.4, 200), (125.5, 201), (225.4, 300), (225.5, 301), (325.4, 500), (400.0, 500)]
US_PM10 = [(0, 0), (54, 50), (55, 51), (154, 100), (155, 101), (254, 150), (255, 151), (354, 200),
           (355, 201), (424, 300), (425, 301), (604, 500), (700, 500)]


@pytest.mark.parametrize(("conc", "index"), US_PM25)
def test_us_pm25_band_edges(conc: float, index: int) -> None:
    assert sub_index(US, Pollutant.PM25, conc) == index


@pytest.mark.parametrize(("conc", "index"), US_PM10)
def test_us_pm10_band_edges(conc: float, index: int) -> None:
    assert sub_index(US, Pollutant.PM10, conc) == index


@pytest.mark.parametrize(
    ("pollutant", "conc", "same_as"),
    [(Pollutant.PM25, 9.09, 9.0), (Pollutant.PM25, 35.49, 35.4), (Pollutant.PM25, 55.46, 55.4),
     (Pollutant.PM25, 2.3, 2.3), (Pollutant.PM10, 54.9, 54), (Pollutant.PM10, 154.99, 154)],
)
def test_us_truncates_before_lookup(pollutant: Pollutant, conc: float, same_as: float) -> None:
    assert sub_index(US, pollutant, conc) == sub_index(US, pollutant, same_as)
    assert sub_index_exact(US, pollutant, conc) == sub_index_exact(US, pollutant, same_as)


def test_truncate_and_round_are_decimal_exact() -> None:
    assert truncate(2.3, 1) == 2.3  # float 2.3 * 10 would floor to 22
    assert truncate(35.49, 1) == 35.4
    assert round_half_up(109.5) == 110
    assert round_half_up(44.65) == 45
    assert round_half_up(59.35) == 59
    assert round_half_up(0.5) == 1


def test_no_sub_index_for_missing_or_negative() -> None:
    assert sub_index(VN, Pollutant.PM25, None) is None
    assert sub_index(VN, Pollutant.PM25, -1.0) is None
    assert sub_index(VN, Pollutant.PM25, float("nan")) is None
    assert sub_index(US, Pollutant.NO2, 50) is None  # the US table here covers PM only


@pytest.mark.parametrize(("value", "key"), [(0, "good"), (50, "good"), (51, "moderate"), (100, "moderate"),
                                             (101, "poor"), (150, "poor"), (151, "bad"), (200, "bad"),
                                             (201, "very_bad"), (300, "very_bad"), (301, "hazardous"),
                                             (500, "hazardous")])
def test_category_edges(value: int, key: str) -> None:
    assert category_for(value).key == key


def test_categories_have_vietnamese_labels_colours_and_advice() -> None:
    assert [c.label_vi for c in CATEGORIES] == ["Tốt", "Trung bình", "Kém", "Xấu", "Rất xấu", "Nguy hại"]
    colours = ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#8F3F97", "#7E0023"]
    assert [c.colour for c in CATEGORIES] == colours
    assert all(c.effect_vi and c.advice_public_vi and c.advice_sensitive_vi for c in CATEGORIES)


# --- the 1459 worked example -------------------------------------------------------------------------------


def test_1459_nowcast_example() -> None:
    c = list(reversed(EXAMPLE_0920))  # c1 = 20:00
    value = nowcast(c)
    assert value == pytest.approx(20.27, abs=0.005)
    assert round(value, 1) == 20.3
    assert sub_index(VN, Pollutant.PM25, value) == 41
    assert sub_index(VN, Pollutant.PM25, 20.3) == 41


def test_1459_hourly_example_gases() -> None:
    assert sub_index(VN, Pollutant.O3_1H, 136.1) == 43
    assert sub_index(VN, Pollutant.NO2, 118.7) == 59  # the decision prints 60; its own formula gives 59.35
    result = hourly_aqi(VN, {"pm25": list(reversed(EXAMPLE_0920)), "o3": [136.1], "no2": [118.7]})
    assert result is not None
    assert result.value == 59
    assert result.dominant == "no2"
    assert result.sub_indices == {"pm25": 41, "o3_1h": 43, "no2": 59}
    assert result.nowcast == 20.3


def test_1459_daily_example() -> None:
    assert sub_index(VN, Pollutant.O3_8H, 89.3) == 45
    assert sub_index(VN, Pollutant.O3_1H, 114.6) == 36
    assert sub_index(VN, Pollutant.NO2, 130.8) == 65
    assert sub_index(VN, Pollutant.PM25, 55.7) == 110
    inputs = DailyInputs(pm_24h={"pm25": 55.7}, max_1h={"o3": 114.6, "no2": 130.8}, o3_8h_max=89.3)
    result = daily_aqi(VN, inputs)
    assert result is not None
    assert (result.value, result.dominant, result.category, result.label_vi) == (110, "pm25", "poor", "Kém")
    assert result.sub_indices == {"pm25": 110, "o3_8h": 45, "no2": 65}


def test_daily_o3_8h_dropped_above_400() -> None:
    inputs = DailyInputs(pm_24h={"pm25": 10}, max_1h={"o3": 500}, o3_8h_max=450)
    result = daily_aqi(VN, inputs)
    assert result is not None
    assert result.sub_indices == {"pm25": 20, "o3_1h": 225}
    assert result.value == 225


def test_no_index_without_pm() -> None:
    assert hourly_aqi(VN, {"o3": [136.1]}) is None
    assert daily_aqi(VN, DailyInputs(max_1h={"no2": 130.8})) is None


# --- NowCast rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "valid"),
    [([10, 10, None], True), ([None, 10, 10], True), ([10, None, 10], True),
     ([10, None, None, 10, 10], False), ([None, None, 10, 10, 10], False),
     ([None, None, None] + [10] * 9, False), ([], False)],
)
def test_nowcast_needs_two_of_the_three_latest_hours(hours: list[float | None], valid: bool) -> None:
    assert (nowcast(hours) is not None) is valid


def test_nowcast_missing_hours_get_no_weight() -> None:
    # c1=40, c2 missing, c3=20: w* = 0.5 → (40 + 0.25·20) / (1 + 0.25) = 36
    assert nowcast([40, None, 20]) == pytest.approx(36.0)
    assert nowcast([30, 30, None, 30]) == pytest.approx(30.0)


def test_nowcast_weight_floor_is_one_half() -> None:
    # min/max = 0.1 → w = 0.5; normalised: (100 + 0.5·10) / 1.5 = 70
    assert nowcast([100, 10]) == pytest.approx(70.0)
    assert nowcast([0, 0, 0]) == 0.0


def test_us_nowcast_is_truncated_before_lookup() -> None:
    # NowCast of [35.49, 35.49] is 35.49 → 35.4 → 100 (not 101)
    result = hourly_aqi(US, {"pm25": [35.49, 35.49]})
    assert result is not None and result.value == 100
    assert result.label_en == "Moderate"
    smog = hourly_aqi(US, {"pm25": [60.0] * 12})
    assert smog is not None  # 49/69.9·(60−55.5)+151 = 154.2
    assert (smog.value, smog.category, smog.label_en) == (154, "bad", "Unhealthy")


def test_same_air_scores_higher_on_the_us_scale() -> None:
    hours = {"pm25": list(reversed(EXAMPLE_0920))}
    vn, us = hourly_aqi(VN, hours), hourly_aqi(US, hours)
    assert vn is not None and us is not None
    assert (vn.value, us.value) == (41, 72)  # US: 20.27 → 20.2 → 49/26.3·(20.2−9.1)+51 = 71.7


# --- hourly means, windows and daily inputs -----------------------------------------------------------------


def test_hourly_means_bucket_by_utc_hour_and_skip_bad_values() -> None:
    t0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    readings = [(t0 + timedelta(minutes=m), float(m)) for m in range(0, 60, 10)]  # 0..50 → mean 25
    readings += [(t0 + timedelta(minutes=65), 40.0), (t0 + timedelta(minutes=70), float("nan")),
                 (t0 + timedelta(minutes=75), -3.0)]
    assert hourly_means(readings) == [(t0, 25.0), (t0 + timedelta(hours=1), 40.0)]


def test_last_hours_puts_the_current_hour_first_and_marks_gaps() -> None:
    t0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    hourly = [(t0 + timedelta(hours=h), float(h)) for h in (0, 1, 3)]
    now = t0 + timedelta(hours=3, minutes=20)
    assert last_hours(hourly, now, 5) == [3.0, None, 1.0, 0.0, None]


def test_1459_example_through_hourly_means() -> None:
    # the decision labels hours by their end (09:00 … 20:00); buckets start one hour earlier
    end_09 = datetime(2026, 11, 23, 9, 0, tzinfo=HCM)
    readings = [(end_09 - timedelta(hours=1) + timedelta(hours=i, minutes=m), v)
                for i, v in enumerate(EXAMPLE_0920) for m in (0, 30)]
    now = end_09 + timedelta(hours=10, minutes=59)
    window = last_hours(hourly_means(readings), now)
    assert window[0] == 20.6 and window[-1] == 26.9
    result = hourly_aqi(VN, {"pm25": window})
    assert result is not None and (result.value, result.nowcast, result.dominant) == (41, 20.3, "pm25")


def test_daily_inputs_use_the_local_day_and_o3_eight_hour_windows() -> None:
    day = date(2026, 11, 23)
    start = datetime(2026, 11, 23, 0, 0, tzinfo=HCM)  # bucket 00:00–01:00 local = the "01:00" hour
    pm = [(start + timedelta(hours=h), 50.0 if h < 12 else 70.0) for h in range(24)]
    pm += [(start - timedelta(hours=1), 500.0), (start + timedelta(hours=24), 500.0)]  # other days: ignored
    o3 = [(start + timedelta(hours=h), 80.0 if 10 <= h < 18 else 40.0) for h in range(-8, 24)]
    no2 = [(start + timedelta(hours=5), 130.8), (start + timedelta(hours=6), 20.0)]
    inputs = daily_inputs({"pm25": pm, "o3": o3, "no2": no2}, day, HCM)
    assert inputs.pm_24h == {"pm25": 60.0}
    assert inputs.max_1h == {"o3": 80.0, "no2": 130.8}
    assert inputs.o3_8h_max == 80.0
    result = daily_aqi(VN, inputs)
    assert result is not None and result.value == 117 and result.dominant == "pm25"  # 60 → 116.7
