"""Air-quality index arithmetic (VN_AQI, US EPA AQI): hourly means, NowCast, sub-indices, station index."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sensors.aqi_tables import (
    CATEGORIES,
    INDEX_CAP,
    NOWCAST_POLLUTANTS,
    SEGMENTS,
    US_TRUNCATE_DIGITS,
    Category,
    Pollutant,
    Standard,
)
from sensors.models import AqiResult

HOUR = timedelta(hours=1)
NOWCAST_HOURS = 12
O3_8H_LIMIT = 400.0  # above this 8-hour mean the 8-hour O3 sub-index is skipped (1459 §2.2.2)

# Payload / store field name → the pollutant its hourly mean is scored as.
FIELD_POLLUTANT: dict[str, Pollutant] = {
    "pm25": Pollutant.PM25, "pm10": Pollutant.PM10, "o3": Pollutant.O3_1H,
    "co": Pollutant.CO, "so2": Pollutant.SO2, "no2": Pollutant.NO2,
}
# Preference when two sub-indices tie: particulate matter first.
DOMINANCE_ORDER = (Pollutant.PM25, Pollutant.PM10, Pollutant.O3_1H, Pollutant.O3_8H,
                   Pollutant.NO2, Pollutant.SO2, Pollutant.CO)


def round_half_up(value: float) -> int:
    """Round to an integer, halves away from zero (109.5 → 110), ignoring float noise below 1e-9."""
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def truncate(value: float, digits: int) -> float:
    """Cut a concentration to `digits` decimals without rounding (35.49 → 35.4), as the US AQI requires."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN))


def _valid(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def sub_index_exact(standard: Standard, pollutant: Pollutant, concentration: float | None) -> float | None:
    """The unrounded sub-index of one concentration; None when missing, negative or without a table row.

    Above the top breakpoint the index is capped at 500 (the 8-hour O3 column has no top: None above 400).
    """
    segments = SEGMENTS[Standard(standard)].get(Pollutant(pollutant))
    if segments is None or not _valid(concentration):
        return None
    c = float(concentration)  # type: ignore[arg-type]
    if standard == Standard.US:
        c = truncate(c, US_TRUNCATE_DIGITS.get(Pollutant(pollutant), 1))
    for seg in segments:
        if c <= seg.c_hi:
            c_from = max(c, seg.c_lo)  # only float noise can fall into a US 0.1 gap
            return (seg.i_hi - seg.i_lo) / (seg.c_hi - seg.c_lo) * (c_from - seg.c_lo) + seg.i_lo
    if segments[-1].i_hi < INDEX_CAP:
        return None
    return float(INDEX_CAP)


def sub_index(standard: Standard, pollutant: Pollutant, concentration: float | None) -> int | None:
    """The sub-index rounded half-up to an integer and capped at 500."""
    exact = sub_index_exact(standard, pollutant, concentration)
    return None if exact is None else min(INDEX_CAP, round_half_up(exact))


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """NowCast of up to 12 hourly means, c1 (this hour) first; None unless 2 of c1, c2, c3 have data.

    w = max(min/max, 1/2) over the hours with data; NowCast = Σ w^(i−1)·c_i / Σ w^(i−1) over those hours
    (the normalised form, for w = 1/2 too). The value is not rounded or truncated here.
    """
    values = list(hourly[:NOWCAST_HOURS])
    if sum(1 for v in values[:3] if _valid(v)) < 2:
        return None
    present = [(i, float(v)) for i, v in enumerate(values) if _valid(v)]  # type: ignore[arg-type]
    high = max(v for _, v in present)
    if high == 0:
        return 0.0
    w = max(min(v for _, v in present) / high, 0.5)
    weights = [(w**i, v) for i, v in present]
    return sum(wt * v for wt, v in weights) / sum(wt for wt, _ in weights)


def category_for(value: int) -> Category:
    """The band an (integer) index falls into; values above 500 stay in the top band."""
    for category in CATEGORIES:
        if value <= category.high:
            return category
    return CATEGORIES[-1]


def _dominant(subs: Mapping[Pollutant, int]) -> Pollutant:
    best = max(subs.values())
    return next(p for p in DOMINANCE_ORDER if subs.get(p) == best)


def make_result(standard: Standard, subs: Mapping[Pollutant, int], pm25: float | None,
                indicative: bool = False) -> AqiResult | None:
    """The station index from its sub-indices: the highest one, its band and dominant pollutant.

    No index without PM2.5 or PM10 (1459 §2.1).
    """
    if not any(p in subs for p in NOWCAST_POLLUTANTS):
        return None
    value = min(INDEX_CAP, max(subs.values()))
    cat = category_for(value)
    label_en = cat.label_en if standard == Standard.VN else cat.label_us_en
    return AqiResult(
        Standard(standard).value, value, cat.key, cat.label_vi, label_en, cat.colour, _dominant(subs).value,
        None if pm25 is None else round(pm25, 1), indicative, {p.value: v for p, v in subs.items()},
    )


def hourly_aqi(standard: Standard, hours: Mapping[str, Sequence[float | None]],
               indicative: bool = False) -> AqiResult | None:
    """The hourly index from hourly means per field (``pm25``, ``pm10``, ``o3``, ``co``, ``so2``, ``no2``),
    each list most recent hour first: PM on the NowCast of 12 hours, gases on this hour's mean."""
    subs: dict[Pollutant, int] = {}
    pm25_nowcast: float | None = None
    for name, values in hours.items():
        pollutant = FIELD_POLLUTANT.get(name)
        if pollutant is None or not values:
            continue
        if pollutant in NOWCAST_POLLUTANTS:
            concentration = nowcast(values)
            if pollutant is Pollutant.PM25:
                pm25_nowcast = concentration
        else:
            concentration = values[0]
        value = sub_index(standard, pollutant, concentration)
        if value is not None:
            subs[pollutant] = value
    return make_result(standard, subs, pm25_nowcast, indicative)


@dataclass(frozen=True, slots=True)
class DailyInputs:
    """What one day's index is computed from: PM 24-hour means, gases' highest 1-hour means, O3's highest
    8-hour mean (all µg/m³, keyed by field name: pm25, pm10, o3, co, so2, no2)."""

    pm_24h: Mapping[str, float] = field(default_factory=dict)
    max_1h: Mapping[str, float] = field(default_factory=dict)
    o3_8h_max: float | None = None


def daily_aqi(standard: Standard, inputs: DailyInputs, indicative: bool = False) -> AqiResult | None:
    """The daily index (1459 §2.2.2): PM on the 24-hour mean, SO2/NO2/CO on the day's highest hourly mean,
    O3 the larger of its 1-hour and 8-hour sub-indices (8-hour dropped above 400 µg/m³)."""
    subs: dict[Pollutant, int] = {}
    candidates = [(FIELD_POLLUTANT[n], c) for n, c in inputs.pm_24h.items() if n in ("pm25", "pm10")]
    candidates += [(FIELD_POLLUTANT[n], c) for n, c in inputs.max_1h.items()
                   if n in FIELD_POLLUTANT and n not in ("pm25", "pm10")]
    if inputs.o3_8h_max is not None and inputs.o3_8h_max <= O3_8H_LIMIT:
        candidates.append((Pollutant.O3_8H, inputs.o3_8h_max))
    for pollutant, concentration in candidates:
        value = sub_index(standard, pollutant, concentration)
        if value is not None:
            subs[pollutant] = value
    if Pollutant.O3_8H in subs:  # O3 is one parameter: keep the larger of its two sub-indices
        o3 = max(subs.pop(Pollutant.O3_8H), subs.get(Pollutant.O3_1H, -1))
        key = Pollutant.O3_1H if subs.get(Pollutant.O3_1H) == o3 else Pollutant.O3_8H
        subs.pop(Pollutant.O3_1H, None)
        subs[key] = o3
    return make_result(standard, subs, inputs.pm_24h.get("pm25"), indicative)


def hour_start(ts: datetime) -> datetime:
    """The UTC hour a timestamp falls in (hours aligned to the epoch, as the store buckets them)."""
    utc = ts.astimezone(UTC)
    return utc.replace(minute=0, second=0, microsecond=0)


def hourly_means(readings: Iterable[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """Mean of the readings inside each UTC hour, labelled by the hour's start, oldest first."""
    sums: dict[datetime, list[float]] = {}
    for ts, value in readings:
        if _valid(value):
            bucket = sums.setdefault(hour_start(ts), [0.0, 0])
            bucket[0] += float(value)
            bucket[1] += 1
    return [(hour, total / n) for hour, (total, n) in sorted(sums.items())]


def last_hours(hourly: Iterable[tuple[datetime, float]], now: datetime,
               count: int = NOWCAST_HOURS) -> list[float | None]:
    """Hourly means of the `count` hours up to `now`, this (partial) hour first; None for a missing hour."""
    by_hour = {hour_start(ts): v for ts, v in hourly}
    current = hour_start(now)
    return [by_hour.get(current - i * HOUR) for i in range(count)]


def hour_end(ts: datetime) -> datetime:
    """The label of the hour a time falls in, as Vietnamese portals write hourly values: by the hour's end
    (the mean of 13:00–14:00 is "14:00")."""
    return hour_start(ts) + HOUR


def provisional(hour: datetime, now: datetime) -> bool:
    """True while the hour that starts at `hour` is not over: an index whose newest NowCast hour is still being
    measured is provisional ("tạm tính") and will change until the hour ends."""
    return now < hour_start(hour) + HOUR


def day_hours(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """UTC start and end of a local calendar day. Its 24 hourly buckets (labelled by their start) are the
    1459 hours "from 01:00 to 00:00" (labelled by their end)."""
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)


def eight_hour_max(hourly: Iterable[tuple[datetime, float]], start: datetime, end: datetime) -> float | None:
    """Highest mean of 8 consecutive hourly means over windows ending in [start, end) (all 8 needed)."""
    by_hour = {hour_start(ts): v for ts, v in hourly}
    best: float | None = None
    last = hour_start(start)
    while last < end:
        window = [by_hour.get(last - i * HOUR) for i in range(8)]
        if all(v is not None for v in window):
            mean = sum(window) / 8  # type: ignore[arg-type]
            best = mean if best is None else max(best, mean)
        last += HOUR
    return best


def daily_inputs(hourly: Mapping[str, Sequence[tuple[datetime, float]]], day: date,
                 tz: tzinfo) -> DailyInputs:
    """One local day's inputs from hourly means per field (O3 8-hour windows reach into the day before)."""
    start, end = day_hours(day, tz)
    pm: dict[str, float] = {}
    peaks: dict[str, float] = {}
    for name, points in hourly.items():
        inside = [v for ts, v in points if start <= ts < end and _valid(v)]
        if not inside or name not in FIELD_POLLUTANT:
            continue
        if name in ("pm25", "pm10"):
            pm[name] = sum(inside) / len(inside)
        else:
            peaks[name] = max(inside)
    o3 = hourly.get("o3")
    return DailyInputs(pm, peaks, eight_hour_max(o3, start, end) if o3 else None)
