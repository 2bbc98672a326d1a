"""Flood points: alarm level against báo động I–III, robust trend, time to next line, rain, risk levels."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sensors.models import FloodStatus, RiskAnnouncement

TREND_WINDOW = timedelta(hours=1)
TREND_MAX_POINTS = 24
RISING_MIN_CM_PER_H = 0.5  # slower than this the water counts as steady: no time-to-next-level


@dataclass(frozen=True, slots=True)
class AlarmLevel:
    """One alarm level of a flood point (Decision 05/2020/QĐ-TTg: báo động I, II, III; 0 = below I)."""

    level: int
    label_vi: str
    label_en: str
    colour: str


ALARM_LEVELS: tuple[AlarmLevel, ...] = (
    AlarmLevel(0, "Dưới báo động I", "Below alarm I", "#2E9D4F"),
    AlarmLevel(1, "Báo động I", "Alarm level I", "#F0C419"),
    AlarmLevel(2, "Báo động II", "Alarm level II", "#F08C00"),
    AlarmLevel(3, "Báo động III", "Alarm level III", "#E03131"),
)
# Local depth points (a road, a school yard): lines chosen by the commune or province, not the legal river
# levels of Decision 05/2020, so they are named "mức ngập 1–3".
DEPTH_LEVELS: tuple[AlarmLevel, ...] = (
    AlarmLevel(0, "Chưa ngập đáng kể", "Below flood depth 1", "#2E9D4F"),
    AlarmLevel(1, "Mức ngập 1", "Flood depth 1", "#F0C419"),
    AlarmLevel(2, "Mức ngập 2", "Flood depth 2", "#F08C00"),
    AlarmLevel(3, "Mức ngập 3", "Flood depth 3", "#E03131"),
)


class FloodScale(StrEnum):
    """What a flood point's three lines are: a river gauge's báo động I–III or a local depth's mức ngập 1–3."""

    RIVER_GAUGE = "river_gauge"
    LOCAL_DEPTH = "local_depth"


SCALE_LEVELS: dict[FloodScale, tuple[AlarmLevel, ...]] = {
    FloodScale.RIVER_GAUGE: ALARM_LEVELS,
    FloodScale.LOCAL_DEPTH: DEPTH_LEVELS,
}
# The short names of the three lines on charts: "BĐ I" (báo động) or "Mức 1" (mức ngập).
LINE_NAMES: dict[FloodScale, tuple[tuple[str, str], ...]] = {
    FloodScale.RIVER_GAUGE: (("BĐ I", "Alarm I"), ("BĐ II", "Alarm II"), ("BĐ III", "Alarm III")),
    FloodScale.LOCAL_DEPTH: (("Ngập 1", "Depth 1"), ("Ngập 2", "Depth 2"), ("Ngập 3", "Depth 3")),
}
MEANINGFUL_RISE_CM_PER_H = 1.0  # slower than this, a time to the next line is not worth showing
ETA_HORIZON_MIN = 24 * 60  # nor one further away than a day


def level_row(level: int, scale: FloodScale | str = FloodScale.RIVER_GAUGE) -> AlarmLevel:
    """The label row of level 0..3 on a point's scale."""
    return SCALE_LEVELS[FloodScale(scale)][level]


def eta_worth_showing(trend: float | None, minutes: float | None) -> bool:
    """Show "expected to reach the next line in …" only for a real rise and a time within a day."""
    return (trend is not None and minutes is not None and round(trend) >= MEANINGFUL_RISE_CM_PER_H
            and 0 <= minutes <= ETA_HORIZON_MIN)


@dataclass(frozen=True, slots=True)
class RiskLevel:
    """A natural-disaster risk level (Decision 18/2021/QĐ-TTg, Điều 4), announced by the authorities."""

    level: int
    label_vi: str
    label_en: str
    colour_vi: str
    colour: str  # the decision names the colours; these hex values are COC's choice (RGB not published)


RISK_LEVELS: tuple[RiskLevel, ...] = (
    RiskLevel(1, "Rủi ro thấp", "Low risk", "Xanh dương nhạt", "#8FD3FE"),
    RiskLevel(2, "Rủi ro trung bình", "Medium risk", "Vàng nhạt", "#FFF176"),
    RiskLevel(3, "Rủi ro lớn", "Large risk", "Da cam", "#FF9800"),
    RiskLevel(4, "Rủi ro rất lớn", "Very large risk", "Đỏ", "#F44336"),
    RiskLevel(5, "Thảm họa", "Catastrophe", "Tím", "#8E24AA"),
)

# 24-hour rain bands used by the flash-flood and landslide risk rules (Decision 18/2021, Điều 46), in mm.
RAIN_24H_BANDS_MM: tuple[tuple[float, float, str], ...] = (
    (100, 200, "100–200 mm"),
    (200, 400, "200–400 mm"),
    (400, float("inf"), "trên 400 mm"),
)


def risk_level(level: int) -> RiskLevel:
    """The row of a risk level 1..5; ValueError otherwise."""
    for row in RISK_LEVELS:
        if row.level == level:
            return row
    raise ValueError(f"risk level must be 1..5, got {level!r}")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The three alarm lines of a point in cm, and the date they apply from (None: since always)."""

    levels_cm: tuple[float, float, float]
    valid_from: date | None = None


def thresholds_on(history: Iterable[Thresholds], day: date) -> Thresholds | None:
    """The lines in force on `day`: the latest `valid_from` not after it (lines change between decisions)."""
    valid = [t for t in history if t.valid_from is None or t.valid_from <= day]
    if not valid:
        return None
    return max(valid, key=lambda t: t.valid_from or date.min)


def alarm_level(level_cm: float | None, levels_cm: Sequence[float]) -> int:
    """0 below báo động I, 1..3 at or above line I, II, III."""
    if level_cm is None:
        return 0
    return sum(1 for line in levels_cm if level_cm >= line)


def trend_cm_per_h(points: Sequence[tuple[datetime, float]], window: timedelta = TREND_WINDOW,
                   max_points: int = TREND_MAX_POINTS) -> float | None:
    """Water-level trend in cm/h over the last `window` before the newest point: the median of the slopes of
    all pairs of points (Theil–Sen), so a single spike does not move it. None with fewer than 2 points."""
    ordered = sorted(points)
    if not ordered:
        return None
    newest = ordered[-1][0]
    recent = [(ts, v) for ts, v in ordered if newest - ts <= window][-max_points:]
    slopes = [
        (b[1] - a[1]) / ((b[0] - a[0]).total_seconds() / 3600)
        for i, a in enumerate(recent) for b in recent[i + 1:]
        if b[0] > a[0]
    ]
    return statistics.median(slopes) if slopes else None


def minutes_to_next_level(level_cm: float | None, trend: float | None, levels_cm: Sequence[float],
                          rising_min: float = RISING_MIN_CM_PER_H) -> float | None:
    """Minutes until the next line above is reached at this trend; None unless rising below line III."""
    if level_cm is None or trend is None or trend < rising_min:
        return None
    above = [line for line in levels_cm if line > level_cm]
    if not above:
        return None
    return (min(above) - level_cm) / trend * 60


def rain_totals(points: Iterable[tuple[datetime, float]], now: datetime) -> tuple[float, float]:
    """Rain in mm over the last hour and the last 24 hours, from per-reading amounts (`rain_mm` is the rain
    since the device's previous reading)."""
    hour = day = 0.0
    for ts, mm in points:
        age = now - ts
        if timedelta(0) <= age < timedelta(hours=24):
            day += mm
            if age < timedelta(hours=1):
                hour += mm
    return round(hour, 1), round(day, 1)


def rain_band(mm_24h: float) -> str | None:
    """The Decision 18/2021 24-hour rain band a total falls in, None below 100 mm."""
    for low, high, label in RAIN_24H_BANDS_MM:
        if low <= mm_24h <= high or (low < mm_24h and high == float("inf")):
            return label
    return None


def flood_status(levels_cm: tuple[float, float, float], recent: Sequence[tuple[datetime, float]],
                 scale: FloodScale | str = FloodScale.RIVER_GAUGE) -> FloodStatus:
    """Everything a screen shows about a flood point, from its lines and its recent (time, level) readings;
    labels on the point's scale (báo động I–III or mức ngập 1–3)."""
    ordered = sorted(recent)
    level = ordered[-1][1] if ordered else None
    alarm = alarm_level(level, levels_cm)
    trend = trend_cm_per_h(ordered)
    row = level_row(alarm, scale)
    return FloodStatus(
        level, alarm, None if trend is None else round(trend, 1),
        None if (eta := minutes_to_next_level(level, trend, levels_cm)) is None else round(eta),
        tuple(levels_cm), row.label_vi, row.label_en, row.colour,  # type: ignore[arg-type]
    )


def announce(level: object, note: str, hazard: str, set_by: str, now: datetime) -> RiskAnnouncement:
    """A checked announcement: level 1..5 (or None to clear), a short note and hazard."""
    if level is not None and (isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5):
        raise ValueError(f"level must be an integer 1..5 (Decision 18/2021) or null, got {level!r}")
    if not isinstance(note, str) or len(note) > 500 or not isinstance(hazard, str) or len(hazard) > 100:
        raise ValueError("note must be text of at most 500 characters and hazard at most 100")
    return RiskAnnouncement(level, note.strip(), hazard.strip(), set_by, now)
