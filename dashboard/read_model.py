"""The read model the pages hold: the request's context seen through its scope, the domain readers got from it
(`rm.reads(sensor_reads)` ...), and the wall's last dict-shaped lists (alerts, cameras, KPI tiles, takeover)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar, cast
from zoneinfo import ZoneInfo

from dashboard.context import AppContext, ProvinceReads
from dashboard.json_types import JsonObject
from dashboard.scoped import seen_through_scope
from dashboard.site import SiteConfig
from dashboard.sources import alert_rows, camera_rows, kpi_rows
from dashboard.takeover import takeover as critical_takeover

CACHE_TTL_S = 60.0
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
    def _seen(self) -> AppContext:
        """The context as the current request may read it (at a province: narrowed to the caller's communes); pages
        never get it: they get a domain reader of it (`reads`)."""
        return seen_through_scope(self._ctx)

    @property
    def config(self) -> SiteConfig:
        """The configuration the pages read (the same for every scope)."""
        return self._ctx.config

    @property
    def province(self) -> ProvinceReads | None:
        """At a province center, its communes as this request may see them (None at a commune's COC)."""
        return self._seen.province

    def reads(self, reader: Callable[[AppContext], R]) -> R:
        """A domain's reader of the context this request reads, e.g. `rm.reads(system_reads)`: pages and panels
        get their typed reader this way, never the context itself."""
        return reader(self._seen)

    def now(self) -> datetime:
        return self._clock()

    def local(self, ts: datetime) -> datetime:
        return ts.astimezone(self._tz)

    def missing(self) -> list[str]:
        """Names of the data sources that are not running."""
        ctx = self._seen
        parts = {"live": ctx.live, "store": ctx.store, "alerts": ctx.alerts, "cameras": ctx.cameras,
                 "indicators": ctx.indicators}
        return [name for name, part in parts.items() if part is None]

    def _cached(self, key: tuple[object, ...], build: Callable[[], T], ttl_s: float = CACHE_TTL_S) -> T:
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
                self._cache = {k: v for k, v in self._cache.items() if now - v[0] < 2 * CACHE_TTL_S}
        return value

    # -- alerts, cameras, KPIs -----------------------------------------------------------------------------
    def alerts(self, status: str = "open", limit: int = 500) -> list[JsonObject]:
        """Alerts as GET /api/alerts shows them; open ones most severe first, then newest first."""
        return [{**a.to_json(), "opened_local": self.local(a.opened_at).strftime("%d/%m %H:%M")}
                for a in alert_rows(self._seen.alerts, status, limit)]

    def cameras(self) -> list[JsonObject]:
        """Camera rows: id, name, online, last_frame age, area, open alert count."""
        return camera_rows(self._seen, self.now())

    def kpis(self, period: str | None = None, commune: str | None = "own") -> list[JsonObject]:
        """KPI records as GET /api/kpis shows them (this commune unless `commune` is None: all)."""
        own = self._seen.config.commune.id if commune == "own" else commune
        return kpi_rows(self._seen.indicators, period, own)

    def kpi_period(self) -> str | None:
        """The newest month with this commune's figures (the newest month may hold only sensor figures)."""

        def build() -> str | None:
            latest = self._seen.indicators.latest_month() if self._seen.indicators is not None else None
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

    # -- critical alerts that take over a wall ------------------------------------------------------------
    def takeover(
        self, alerts: list[JsonObject], sensors: list[JsonObject], takeover_s: int = 0
    ) -> JsonObject | None:
        """The critical alarms taking over a wall (dashboard.takeover): until each is acknowledged or shelved;
        `takeover_s` no longer ends it (kept for older callers)."""
        candidates = alerts
        if (
            self._seen.alerts is None
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
