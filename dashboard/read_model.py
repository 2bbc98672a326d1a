"""The one read model the pages call: live state, store, alerts, cameras and KPIs as JSON-ready dicts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast
from zoneinfo import ZoneInfo

from dashboard import sensor_view as sv
from dashboard.api.air_flood import announce_risk, context_extras, risk_board
from dashboard.api.sensors import sensor_document
from dashboard.context import AppContext, ProvinceReads
from dashboard.json_types import JsonObject, JsonValue
from dashboard.scoped import seen_through_scope
from dashboard.site import SiteConfig
from dashboard.sources import alert_rows, camera_rows, kpi_rows
from dashboard.takeover import takeover as critical_takeover
from ingest.live_state import DeviceState
from ingest.store import Aggregate
from sensors.settings import SensorConfig

log = logging.getLogger(__name__)
TREND_TTL_S = 60.0
EXTRAS_TTL_S = 15.0
CACHE_MAX = 2000
R = TypeVar("R")
T = TypeVar("T")


class ReadModel:
    """Reads every data source through the app context; a missing source gives an empty answer and a note."""

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] | None = None) -> None:
        self._ctx = ctx
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tz = ZoneInfo(ctx.config.commune.timezone)
        self._cache: dict[tuple[object, ...], tuple[float, object]] = {}
        self._lock = threading.Lock()

    @property
    def ctx(self) -> AppContext:
        """The context as the current request may read it (at a province: narrowed to the caller's communes)."""
        return seen_through_scope(self._ctx)

    @property
    def config(self) -> SiteConfig:
        """The configuration the pages read (the same for every scope)."""
        return self._ctx.config

    @property
    def province(self) -> ProvinceReads | None:
        """At a province center, its communes as this request may see them (None at a commune's COC)."""
        return self.ctx.province

    def reads(self, reader: Callable[[AppContext], R]) -> R:
        """A domain's reader of the context this request reads, e.g. `rm.reads(system_reads)`: pages and panels
        get their typed reader this way, never the context itself."""
        return reader(self.ctx)

    def now(self) -> datetime:
        return self._clock()

    def local(self, ts: datetime) -> datetime:
        return ts.astimezone(self._tz)

    def screen_time(self, ts: datetime) -> str:
        """A UTC time as local wall-clock text for charts (Plotly shows the clock time of the string)."""
        return ts.astimezone(self._tz).strftime("%Y-%m-%dT%H:%M:%S")

    def missing(self) -> list[str]:
        """Names of the data sources that are not running."""
        names = ("live", "store", "alerts", "cameras", "indicators")
        return [n for n in names if getattr(self.ctx, n) is None]

    # -- time series -------------------------------------------------------------------------------------
    def series(
        self, device_id: str, field: str, start: datetime, end: datetime, every_s: int, agg: Aggregate = "mean"
    ) -> list[tuple[datetime, float]]:
        sensor = self.ctx.config.sensor(device_id)
        if self.ctx.store is None or sensor is None:
            return []
        try:
            points = self.ctx.store.series(sensor.kind.value, device_id, field, start, end, every_s, agg)
        except Exception as exc:  # the store being down must not break a page
            log.warning("series %s/%s unavailable: %s", device_id, field, exc)
            return []
        return [(p.ts, p.value) for p in points]

    def _cached(self, key: tuple[object, ...], build: Callable[[], T], ttl_s: float = TREND_TTL_S) -> T:
        """`build()`'s value, kept for `ttl_s` under `key` (each key is built by one caller, so of one type)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < ttl_s:
                return cast(T, hit[1])
        value = build()
        with self._lock:
            self._cache[key] = (now, value)
            if len(self._cache) > CACHE_MAX:  # keys carry reading times: drop what no refresh can hit again
                self._cache = {k: v for k, v in self._cache.items() if now - v[0] < 2 * TREND_TTL_S}
        return value

    def trend(self, device_id: str, field: str, hours: int = 24, every_s: int = 900) -> list[list[JsonValue]]:
        """The last `hours` of one field in buckets, cached for a minute: [[local time, value], ...]."""

        def build() -> list[list[JsonValue]]:
            end = self.now()
            pts = self.series(
                device_id, field, end - timedelta(hours=hours), end + timedelta(seconds=1), every_s
            )
            return [[self.screen_time(ts), v] for ts, v in pts]

        return self._cached(("trend", device_id, field, hours, every_s), build)

    # -- devices -------------------------------------------------------------------------------------------
    def sensors(self) -> list[JsonObject]:
        """Every configured device as GET /api/sensors shows it, plus `age_s`; `aqi` and `flood` flattened for
        the screens. The extras hook (dashboard.api.air_flood.context_extras when run_coc.py installed none)
        runs at most once per device and new reading, or every EXTRAS_TTL_S for the trend."""
        now = self.now()
        view = replace(self.ctx, sensor_extras=self._extras)
        rows = []
        for sensor in self.ctx.config.sensors:
            row = sensor_document(view, sensor)
            last_seen = row.get("last_seen")
            row["age_s"] = (now - datetime.fromisoformat(last_seen)).total_seconds() if last_seen else None
            if sensor.kind.value == "air":
                row["aqi"] = sv.normalise_aqi(row.get("aqi"))
            elif sensor.alarm_levels_cm:
                row["flood"] = sv.normalise_flood(row.get("flood"), sensor.alarm_levels_cm)
            rows.append(row)
        return rows

    def _extras(self, ctx: AppContext, sensor: SensorConfig, state: DeviceState | None) -> JsonObject:
        hook = self.ctx.sensor_extras or context_extras
        stamp = getattr(state, "last_ts", None)
        return self._cached(("extras", sensor.id, stamp), lambda: hook(self.ctx, sensor, state), EXTRAS_TTL_S)

    # -- alerts, cameras, KPIs -----------------------------------------------------------------------------
    def alerts(self, status: str = "open", limit: int = 500) -> list[JsonObject]:
        """Alerts as GET /api/alerts shows them; open ones most severe first, then newest first."""
        return [{**a.to_json(), "opened_local": self.local(a.opened_at).strftime("%d/%m %H:%M")}
                for a in alert_rows(self.ctx.alerts, status, limit)]

    def cameras(self) -> list[JsonObject]:
        """Camera rows: id, name, online, last_frame age, area, open alert count."""
        return camera_rows(self.ctx, self.now())

    def kpis(self, period: str | None = None, commune: str | None = "own") -> list[JsonObject]:
        """KPI records as GET /api/kpis shows them (this commune unless `commune` is None: all)."""
        own = self.ctx.config.commune.id if commune == "own" else commune
        return kpi_rows(self.ctx.indicators, period, own)

    def kpi_period(self) -> str | None:
        """The newest month with this commune's figures (the newest month may hold only sensor figures)."""

        def build() -> str | None:
            latest = self.ctx.indicators.latest_month() if self.ctx.indicators is not None else None
            if not latest:
                return None
            from indicators.periods import shift

            months = [shift(latest, -back) for back in range(4)]
            counts = [sum(1 for r in self.kpis(m) if r.get("value") is not None) for m in months]
            return next(m for m, n in zip(months, counts, strict=True) if n >= max(counts) / 2)

        return self._cached(("kpi_period",), build)

    def kpi_tiles(self, count: int = 8) -> list[JsonObject]:
        """The KPIs of the default period with a value, for the wall (cached for a minute)."""
        period = self.kpi_period()
        return self._cached(
            ("kpi_tiles", period, count),
            lambda: [r for r in self.kpis(period) if r.get("value") is not None][:count],
        )

    def risk_level(self) -> JsonObject:
        """The announced disaster risk level (Decision 18/2021) as GET /api/flood/risk-level shows it."""
        return risk_board(self.ctx).document()

    def announce_risk(self, level: int | None, note: str, who: str) -> JsonObject:
        """Set the announced risk level (ValueError for a level outside 1..5); as PUT /api/flood/risk-level."""
        announce_risk(self.ctx, level, note, who, "lũ, ngập lụt")
        return self.risk_level()

    # -- critical alerts that take over a wall ------------------------------------------------------------
    def takeover(
        self, alerts: list[JsonObject], sensors: list[JsonObject], takeover_s: int = 0
    ) -> JsonObject | None:
        """The critical alarms taking over a wall (dashboard.takeover): until each is acknowledged or shelved;
        `takeover_s` no longer ends it (kept for older callers)."""
        candidates = alerts
        if (
            self.ctx.alerts is None
        ):  # without the alerts service, a flood point at báo động III still takes over
            candidates = [
                {
                    "id": f"flood-{s['id']}",
                    "severity": "critical",
                    "status": "open",
                    "title": s["name"],
                    "message": f"{s['name']}: {s['flood']['water_level_cm']:.0f} cm",
                    "source": s["id"],
                    "ackable": False,
                }
                for s in sensors
                if (s.get("flood") or {}).get("alarm_level") == 3
            ]
        return critical_takeover(candidates, self.now(), self.local)


def read_model_of(ctx: AppContext) -> ReadModel:
    """The read model of a context (the app's, or a commune's at a province), made once: kept in ctx.extras."""
    made = ctx.extras.get("read_model")
    if not isinstance(made, ReadModel):
        made = ctx.extras["read_model"] = ReadModel(ctx)
    return made


def alert_time(alert: Mapping[str, object]) -> datetime | None:
    """When an alarm (a row of `ReadModel.alerts`) opened: its `opened_at`. For dashboard.wall_snapshot until it
    reads dashboard.read.alerts' AlertView.age_s."""
    value = alert.get("opened_at")
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
