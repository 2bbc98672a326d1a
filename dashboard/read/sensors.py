"""The sensors' read side: a device's reading now (values, last seen, age, online), its index (VN_AQI, US EPA AQI)
and flood status, its history and trends, as frozen views made from the live state and the store. GET /api/sensors
serialises them (dashboard.api.sensors), the wall and the device pages render them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from config.section import Location
from dashboard.context import AppContext
from dashboard.services import LiveReads, StoreReads
from ingest.live_state import DeviceState
from ingest.store import Aggregate, StoreUnavailable
from sensors.aqi import daily_aqi, daily_inputs, hour_end, hourly_aqi, last_hours, provisional
from sensors.aqi_tables import CATEGORIES, Category, Standard
from sensors.flood import LINE_NAMES, FloodScale, eta_worth_showing, flood_status, rain_totals
from sensors.models import AqiResult, DeviceKind, FloodStatus
from sensors.settings import SensorConfig

log = logging.getLogger(__name__)
Points = Sequence[tuple[datetime, float]]
AQI_FIELDS = ("pm25", "pm10", "o3", "co", "so2", "no2")
HOURLY_FIELDS = ("pm25", "pm10", "humidity")  # what the store gives the index (the gases come from nowhere yet)
TREND_TTL_S = 60.0  # a wall's trend chart: read again once a minute
EXTRAS_TTL_S = 15.0  # a device's index and flood status: again on a new reading, at the latest after 15 s
CACHE_MAX = 2000
MAX_HOURS = 24 * 92
MAX_DAYS = 731
T = TypeVar("T")


class SensorSite(Protocol):
    """The configuration the sensors' read side reads (configfile.schema.CocConfig satisfies it)."""

    @property
    def sensors(self) -> Sequence[SensorConfig]: ...

    def sensor(self, device_id: str) -> SensorConfig | None: ...


class TooLong(ValueError):
    """A history asked for over a longer span than one answer may hold; the message says the limit."""


# -- views --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AqiView:
    """An air device's hourly index now on both scales (None where no hour has data) and the hour it belongs to."""

    vn: AqiResult | None
    us: AqiResult | None
    hour_end: datetime
    provisional: bool  # the hour is still being measured

    @property
    def band(self) -> Category | None:
        """The VN_AQI category of the index (its names, colour and the 1459 advice)."""
        key = self.vn.category if self.vn is not None else None
        return next((c for c in CATEGORIES if c.key == key), None)

    @property
    def advice_vi(self) -> str:
        band = self.band
        return band.advice_public_vi if band else ""

    @property
    def advice_sensitive_vi(self) -> str:
        band = self.band
        return band.advice_sensitive_vi if band else ""


@dataclass(frozen=True, slots=True)
class FloodView:
    """A flood point now against its lines (sensors.flood.flood_status), with its scale and rain."""

    status: FloodStatus
    scale: FloodScale
    lines_from: date | None  # the day the lines in force took effect (None: always)
    rain_mm_1h: float | None = None  # None: no rain gauge readings in the last 24 h
    rain_mm_24h: float | None = None

    @property
    def lines_cm(self) -> tuple[float, float, float]:
        return self.status.thresholds_cm

    @property
    def line_names(self) -> tuple[tuple[str, str], ...]:
        """(Vietnamese, English) short names of lines 1..3 on this point's scale: ("BĐ II", "Alarm II")."""
        return LINE_NAMES[self.scale]

    @property
    def next_level(self) -> int | None:
        """The next line above the water (None: no level, or above the highest)."""
        level = self.status.alarm_level
        return level + 1 if self.status.water_level_cm is not None and level < len(self.lines_cm) else None

    @property
    def eta_min(self) -> float | None:
        """Minutes to the next line when worth showing (rising fast enough, within a day)."""
        trend, eta = self.status.trend_cm_per_h, self.status.minutes_to_next_level
        return eta if eta_worth_showing(trend, eta) else None


@dataclass(frozen=True, slots=True)
class SensorView:
    """One configured device now: its configuration, what the live state knows, and its domain extras (`aqi` for
    an air device, `flood` for a flood point; None when the store could not give them)."""

    id: str
    kind: DeviceKind
    name: str
    location: Location | None
    interval_s: int
    former_unit: str | None
    online: bool
    status: str | None  # the device's last `status` message (online / offline)
    last_seen: datetime | None
    last_ts: datetime | None
    age_s: float | None  # since last_seen
    values: Mapping[str, float]
    aqi: AqiView | None = None
    flood: FloodView | None = None
    lines_configured: bool = False  # a flood point with its own alarm lines (the screens show only those)

    @property
    def state(self) -> str:
        """online, offline (seen before) or never (no reading yet)."""
        return "online" if self.online else ("offline" if self.last_seen else "never")

    @property
    def index(self) -> AqiResult | None:
        """The VN_AQI now (None: not an air device, or no index)."""
        return self.aqi.vn if self.aqi is not None else None

    @property
    def flood_on_screen(self) -> FloodView | None:
        """The flood status the screens show: a flood point's with its own lines."""
        return self.flood if self.lines_configured else None


@dataclass(frozen=True, slots=True)
class TrendView:
    """One field of one device over the last hours, in buckets (UTC times, oldest first)."""

    device_id: str
    field: str
    points: tuple[tuple[datetime, float], ...]

    def on_screen(self, tz: ZoneInfo) -> list[tuple[str, float]]:
        """The points with local wall-clock text times (Plotly shows the clock time of the string)."""
        return [(screen_time(ts, tz), value) for ts, value in self.points]


@dataclass(frozen=True, slots=True)
class AqiHour:
    """The hourly index of one hour (starting at `hour`)."""

    hour: datetime
    result: AqiResult
    provisional: bool


@dataclass(frozen=True, slots=True)
class AqiDay:
    """The daily index of one local day."""

    day: date
    result: AqiResult


def screen_time(ts: datetime, tz: ZoneInfo) -> str:
    """A UTC time as local wall-clock text for charts."""
    return ts.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S")


# -- pure domain functions ----------------------------------------------------------------------------------------
def humid_hour(hourly: Mapping[str, Points], at: datetime, limit_pct: float) -> bool:
    """True when the newest hourly humidity of the last 3 hours is over the limit (wet air: PM over-reads)."""
    recent = [v for v in last_hours(hourly.get("humidity", ()), at, 3) if v is not None]
    return bool(recent) and recent[0] > limit_pct


def air_index(standard: Standard, sensor: SensorConfig, hourly: Mapping[str, Points],
              at: datetime) -> AqiResult | None:
    """The hourly index of an air device at `at` from hourly means per field."""
    hours = {f: last_hours(hourly[f], at) for f in AQI_FIELDS if hourly.get(f)}
    return hourly_aqi(standard, hours, humid_hour(hourly, at, sensor.humidity_indicative_pct))


def aqi_now(sensor: SensorConfig, hourly: Mapping[str, Points], now: datetime) -> AqiView:
    """An air device's index now from its hourly means (the live index's newest NowCast hour is being measured)."""
    return AqiView(air_index(Standard.VN, sensor, hourly, now), air_index(Standard.US, sensor, hourly, now),
                   hour_end(now), provisional(now, now))


def flood_now(sensor: SensorConfig, recent_levels: Points, recent_rain: Points | None = None,
              now: datetime | None = None) -> FloodView:
    """A flood point now from its last readings (time, level in cm) and rain amounts over the last 24 h."""
    status = flood_status(sensor.alarm_levels_cm or (0.0, 0.0, 0.0), recent_levels, sensor.flood_scale)
    rain = rain_totals(recent_rain, now) if recent_rain and now is not None else (None, None)
    return FloodView(status, sensor.flood_scale, sensor.alarm_levels_from, *rain)


def device_view(sensor: SensorConfig, state: DeviceState | None, now: datetime | None,
                extras: tuple[AqiView | None, FloodView | None] = (None, None)) -> SensorView:
    """One device from its configuration, its live state (None: never heard of) and its extras."""
    last_seen = state.last_seen if state else None
    return SensorView(
        id=sensor.id, kind=sensor.kind, name=sensor.name, location=sensor.location, interval_s=sensor.interval_s,
        former_unit=sensor.former_unit, online=bool(state and now and state.online(now)),
        status=state.status if state else None, last_seen=last_seen, last_ts=state.last_ts if state else None,
        age_s=(now - last_seen).total_seconds() if last_seen and now else None,
        values=dict(state.values) if state else {}, aqi=extras[0], flood=extras[1],
        lines_configured=sensor.kind is not DeviceKind.AIR and bool(sensor.alarm_levels_cm),
    )


# -- the reader ---------------------------------------------------------------------------------------------------
Extras = tuple[AqiView | None, FloodView | None]


class SensorReads:
    """Reads the devices through the live state and the store; a missing store gives no extras, no series."""

    def __init__(self, site: SensorSite, store: StoreReads | None, live: LiveReads | None, tz: ZoneInfo) -> None:
        self.site = site
        self.tz = tz
        self._store = store
        self._live = live
        self._cache: dict[tuple[object, ...], tuple[float, object]] = {}
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The live state's clock (the one `online` is judged by)."""
        return self._live.now() if self._live is not None else datetime.now(UTC)

    def sensor(self, device_id: str) -> SensorConfig | None:
        return self.site.sensor(device_id)

    # -- devices --------------------------------------------------------------------------------------------------
    def sensors(self, unit: str | None = None, fresh: bool = False) -> list[SensorView]:
        """Every configured device (of former unit `unit` only, when given), in the configuration's order. Their
        extras are computed at most once per device and new reading, or every EXTRAS_TTL_S (`fresh`: now)."""
        now = self.now()
        return [self._view(s, now, fresh) for s in self.site.sensors if unit is None or s.former_unit == unit]

    def device(self, device_id: str, fresh: bool = False) -> SensorView | None:
        sensor = self.site.sensor(device_id)
        return self._view(sensor, self.now(), fresh) if sensor is not None else None

    def _view(self, sensor: SensorConfig, now: datetime, fresh: bool) -> SensorView:
        state = self._live.get(sensor.id) if self._live is not None else None
        if fresh:
            extras = self._extras(sensor, now)
        else:
            stamp = state.last_ts if state else None
            extras = self._cached(("extras", sensor.id, stamp), lambda: self._extras(sensor, now), EXTRAS_TTL_S)
        return device_view(sensor, state, now if self._live is not None else None, extras)

    def _extras(self, sensor: SensorConfig, now: datetime) -> Extras:
        """The index of an air device, the status of a flood point (None, None without a store or when it fails)."""
        if self._store is None:
            return None, None
        end = now + timedelta(seconds=1)
        try:
            if sensor.kind is DeviceKind.AIR:
                return aqi_now(sensor, self.hourly(sensor, now - timedelta(hours=13), end), now), None
            levels = self.points(sensor, "water_level_cm", now - timedelta(hours=1), end, 1)
            rain = self.points(sensor, "rain_mm", now - timedelta(hours=24), end, 1)
            return None, flood_now(sensor, levels, rain, now)
        except StoreUnavailable:
            return None, None

    # -- series ---------------------------------------------------------------------------------------------------
    def series(self, device_id: str, field: str, start: datetime, end: datetime, every_s: int,
               agg: Aggregate = "mean") -> list[tuple[datetime, float]]:
        """One field of one device in buckets; empty when the device or the store is missing or the store fails."""
        sensor = self.site.sensor(device_id)
        if sensor is None or self._store is None:
            return []
        try:
            return self.points(sensor, field, start, end, every_s, agg)
        except Exception as exc:  # the store being down (or refusing) must not break a page
            log.warning("series %s/%s unavailable: %s", device_id, field, exc)
            return []

    def points(self, sensor: SensorConfig, field: str, start: datetime, end: datetime, every_s: int,
                agg: Aggregate = "mean") -> list[tuple[datetime, float]]:
        """The store's buckets (StoreUnavailable passes through: the API answers 503)."""
        if self._store is None:
            raise StoreUnavailable("store is not running")
        points = self._store.series(sensor.kind.value, sensor.id, field, start, end, every_s, agg)
        return [(p.ts, p.value) for p in points]

    def hourly(self, sensor: SensorConfig, start: datetime, end: datetime) -> dict[str, Points]:
        """Hourly means of the fields the index reads (PM2.5, PM10, humidity) between start and end."""
        return {f: self.points(sensor, f, start, end, 3600) for f in HOURLY_FIELDS}

    def trend(self, device_id: str, field: str, hours: int = 24, every_s: int = 900) -> TrendView:
        """The last `hours` of one field in buckets, cached for a minute."""

        def build() -> TrendView:
            end = self.now()
            points = self.series(device_id, field, end - timedelta(hours=hours), end + timedelta(seconds=1), every_s)
            return TrendView(device_id, field, tuple(points))

        return self._cached(("trend", device_id, field, hours, every_s), build, TREND_TTL_S)

    # -- index history --------------------------------------------------------------------------------------------
    def aqi_hours(self, sensor: SensorConfig, standard: Standard, start: datetime, end: datetime) -> list[AqiHour]:
        """The hourly index of every hour starting in [start, end) that has one (TooLong over MAX_HOURS)."""
        first = start.replace(minute=0, second=0, microsecond=0)
        if (end - first) > timedelta(hours=MAX_HOURS):
            raise TooLong(f"at most {MAX_HOURS} hours at a time; use period=day for longer spans")
        hourly = self.hourly(sensor, first - timedelta(hours=12), end)
        rows, hour, now = [], first, datetime.now(UTC)
        while hour < end:
            result = air_index(standard, sensor, hourly, hour)
            if result is not None:
                rows.append(AqiHour(hour, result, provisional(hour, now)))
            hour += timedelta(hours=1)
        return rows

    def aqi_days(self, sensor: SensorConfig, standard: Standard, start: datetime, end: datetime) -> list[AqiDay]:
        """The daily index of every local day from start's day to end's day (TooLong over MAX_DAYS)."""
        tz = self.tz
        first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
        if (last - first).days >= MAX_DAYS:
            raise TooLong(f"at most {MAX_DAYS} days at a time")
        hourly = self.hourly(sensor, start - timedelta(days=1), end + timedelta(days=1))
        rows, day = [], first
        while day <= last:
            humid = [v for ts, v in hourly.get("humidity", ()) if ts.astimezone(tz).date() == day]
            indicative = bool(humid) and sum(humid) / len(humid) > sensor.humidity_indicative_pct
            result = daily_aqi(standard, daily_inputs(hourly, day, tz), indicative)
            if result is not None:
                rows.append(AqiDay(day, result))
            day += timedelta(days=1)
        return rows

    def vn_history(self, device_id: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """Hourly VN_AQI (NowCast over the 12 hours up to each hour) from the store's hourly PM means, each value
        placed at its hour's end as Vietnamese portals label hourly values."""
        hourly = {f: dict(self.series(device_id, f, start - timedelta(hours=12), end, 3600)) for f in ("pm25", "pm10")}
        out = []
        for ts in sorted(hourly["pm25"] or hourly["pm10"]):
            if ts < start:
                continue
            window = {f: [by_hour.get(ts - timedelta(hours=i)) for i in range(12)] for f, by_hour in hourly.items()}
            result = hourly_aqi(Standard.VN, window)
            if result is not None:
                out.append((ts + timedelta(hours=1), result.value))
        return out

    # -- cache ----------------------------------------------------------------------------------------------------
    def _cached(self, key: tuple[object, ...], build: Callable[[], T], ttl_s: float) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < ttl_s:
            return hit[1]  # type: ignore[return-value]  # the key names what `build` made for it
        value = build()
        with self._lock:
            self._cache[key] = (now, value)
            if len(self._cache) > CACHE_MAX:  # keys carry reading times: drop what no refresh can hit again
                self._cache = {k: v for k, v in self._cache.items() if now - v[0] < 2 * TREND_TTL_S}
        return value


def sensor_reads(ctx: AppContext) -> SensorReads:
    """The sensors' reader of this context, made once (kept in ctx.extras: it holds the configuration, the store and
    the live state, which a request's scoped copy of the context shares)."""
    reads = ctx.extras.get("sensor_reads")
    if not isinstance(reads, SensorReads):
        reads = SensorReads(ctx.config, ctx.store, ctx.live, ZoneInfo(ctx.config.commune.timezone))
        ctx.extras["sensor_reads"] = reads
    return reads
