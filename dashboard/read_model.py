"""The one read model the pages call: live state, store, alerts, cameras and KPIs as JSON-ready dicts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dashboard import sensor_view as sv
from dashboard.context import AppContext
from dashboard.api.sensors import sensor_document
from dashboard.sources import call_first, camera_rows, kpi_rows

log = logging.getLogger(__name__)
TREND_TTL_S = 60.0
SEVERITY_RANK = {"critical": 0, "high": 1, "warning": 2, "medium": 2, "info": 3, "low": 3}


class ReadModel:
    """Reads every data source through the app context; a missing source gives an empty answer and a note."""

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] | None = None) -> None:
        self.ctx = ctx
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tz = ZoneInfo(ctx.config.commune.timezone)
        self._cache: dict[tuple, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._seen_critical: dict[str, datetime] = {}

    def now(self) -> datetime:
        return self._clock()

    def local(self, ts: datetime) -> datetime:
        return ts.astimezone(self._tz)

    def missing(self) -> list[str]:
        """Names of the data sources that are not running."""
        names = ("live", "store", "alerts", "cameras", "indicators")
        return [n for n in names if getattr(self.ctx, n) is None]

    # -- time series -------------------------------------------------------------------------------------
    def series(self, device_id: str, field: str, start: datetime, end: datetime, every_s: int,
               agg: str = "mean") -> list[tuple[datetime, float]]:
        sensor = self.ctx.config.sensor(device_id)
        if self.ctx.store is None or sensor is None:
            return []
        try:
            points = self.ctx.store.series(sensor.kind.value, device_id, field, start, end, every_s, agg)
        except Exception as exc:  # the store being down must not break a page
            log.warning("series %s/%s unavailable: %s", device_id, field, exc)
            return []
        return [(p.ts, p.value) for p in points]

    def _cached(self, key: tuple, build: Callable[[], Any], ttl_s: float = TREND_TTL_S) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < ttl_s:
                return hit[1]
        value = build()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    def trend(self, device_id: str, field: str, hours: int = 24, every_s: int = 900) -> list[list[Any]]:
        """The last `hours` of one field in buckets, cached for a minute: [[iso time, value], ...]."""
        def build() -> list[list[Any]]:
            end = self.now()
            pts = self.series(device_id, field, end - timedelta(hours=hours), end + timedelta(seconds=1), every_s)
            return [[ts.isoformat(), v] for ts, v in pts]
        return self._cached(("trend", device_id, field, hours, every_s), build)

    def _recent_levels(self, device_id: str) -> list[tuple[datetime, float]]:
        def build() -> list[tuple[datetime, float]]:
            end = self.now()
            return self.series(device_id, "water_level_cm", end - timedelta(hours=2), end + timedelta(seconds=1), 60)
        return self._cached(("recent", device_id), build, ttl_s=20.0)

    # -- devices -------------------------------------------------------------------------------------------
    def sensors(self) -> list[dict[str, Any]]:
        """Every configured device as GET /api/sensors shows it, plus `age_s`; `aqi` and `flood` flattened
        for the screens (flood computed here from the store when the API's extras are not installed)."""
        now = self.now()
        rows = []
        for sensor in self.ctx.config.sensors:
            row = sensor_document(self.ctx, sensor)
            last_seen = row.get("last_seen")
            row["age_s"] = (now - datetime.fromisoformat(last_seen)).total_seconds() if last_seen else None
            if sensor.kind.value == "air":
                row["aqi"] = sv.normalise_aqi(row.get("aqi"))
            elif sensor.alarm_levels_cm:
                if row.get("flood"):
                    row["flood"] = sv.normalise_flood(row["flood"], sensor.alarm_levels_cm)
                else:
                    recent = self._recent_levels(sensor.id)
                    level = row["values"].get("water_level_cm")
                    if level is not None and row.get("last_ts"):
                        recent = [*recent, (datetime.fromisoformat(row["last_ts"]), level)]
                    row["flood"] = sv.flood_view(sensor.alarm_levels_cm, recent)
            rows.append(row)
        return rows

    # -- alerts, cameras, KPIs -----------------------------------------------------------------------------
    def alerts(self, status: str = "open", limit: int = 200) -> list[dict[str, Any]]:
        """Alerts as dicts, most severe then newest first; [] when the alerts service is not running."""
        service = self.ctx.alerts
        if service is None:
            return []
        try:
            items = service.list(status=status) if status != "all" else service.list(status="all")
        except Exception as exc:
            log.warning("alerts unavailable: %s", exc)
            return []
        rows = [sv.jsonable(a) for a in items][:limit]
        rows.sort(key=lambda a: str(alert_time(a) or ""), reverse=True)
        if status in ("open", "acknowledged"):
            rows.sort(key=lambda a: SEVERITY_RANK.get(str(a.get("severity", "")).lower(), 9))
        return rows

    def acknowledge(self, alert_id: str, who: str, role: str, note: str) -> str | None:
        """Acknowledge an alert; returns an error text or None."""
        return self._act("acknowledge", alert_id, who, role, note)

    def resolve(self, alert_id: str, who: str, role: str, note: str) -> str | None:
        return self._act("resolve", alert_id, who, role, note)

    def _act(self, verb: str, alert_id: str, who: str, role: str, note: str) -> str | None:
        if self.ctx.alerts is None:
            return "alerts service not running"
        try:
            getattr(self.ctx.alerts, verb)(alert_id, who, role, note)
        except Exception as exc:  # e.g. already resolved
            return str(exc) or type(exc).__name__
        return None

    def cameras(self) -> list[dict[str, Any]]:
        """Camera rows: id, name, online, last_frame age, area, open alert count."""
        return camera_rows(self.ctx, self.now())

    def kpis(self, period: str | None = None) -> list[dict[str, Any]]:
        return kpi_rows(self.ctx, period)

    def camera_events(self, camera_id: str, limit: int = 30) -> list[dict[str, Any]]:
        db = self.ctx.state_db
        if db is None:
            return []
        events = call_first(db, ("camera_events",), camera_id) or []
        return [sv.jsonable(e) for e in list(events)[-limit:]][::-1]

    def health(self) -> dict[str, Any]:
        ingest = self.ctx.ingest
        stats = sv.jsonable(ingest.stats()) if ingest is not None else None
        return {"ingest": stats, "store": getattr(self.ctx.store, "backend", None), "missing": self.missing()}

    def dead_letters(self, limit: int = 50) -> list[dict[str, Any]]:
        source = self.ctx.ingest or self.ctx.state_db
        return [sv.jsonable(d) for d in (call_first(source, ("dead_letters",), limit) or [])]

    def unknown_devices(self) -> list[dict[str, Any]]:
        source = self.ctx.ingest or self.ctx.state_db
        return [sv.jsonable(d) for d in (call_first(source, ("unknown_devices",)) or [])]

    # -- critical alerts that take over a wall ------------------------------------------------------------
    def takeover(self, alerts: list[dict[str, Any]], sensors: list[dict[str, Any]], takeover_s: int) -> dict | None:
        """The newest critical alert not yet acknowledged and younger than takeover_s (0: no time limit)."""
        now = self.now()
        candidates = [a for a in alerts if str(a.get("severity", "")).lower() == "critical"
                      and str(a.get("status", "open")).lower() == "open"]
        if self.ctx.alerts is None:  # without the alerts service, a flood point at báo động III still takes over
            candidates = [{"id": f"flood-{s['id']}", "severity": "critical", "status": "open",
                           "title": s["name"], "message": f"{s['name']}: {s['flood']['water_level_cm']:.0f} cm",
                           "source": s["id"], "ackable": False}
                          for s in sensors if (s.get("flood") or {}).get("alarm_level") == 3]
        for alert in candidates:
            first = self._seen_critical.setdefault(str(alert.get("id")), now)
            started = alert_time(alert) or first
            if takeover_s == 0 or (now - started).total_seconds() <= takeover_s:
                return alert
        return None


def alert_time(alert: dict[str, Any]) -> datetime | None:
    """When an alert opened, whatever the alerts service calls the field."""
    for key in ("opened_at", "created_at", "started_at", "ts", "first_seen"):
        value = alert.get(key)
        if value:
            try:
                ts = datetime.fromisoformat(str(value))
            except ValueError:
                continue
            return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    return None
