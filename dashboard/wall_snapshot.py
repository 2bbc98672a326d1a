"""One snapshot of everything a wall screen shows, built in one server call per refresh (JSON for a
dcc.Store); a screen of one former commune (`walls[].former_unit`) gets only that unit's devices, cameras and
alerts."""

from __future__ import annotations

from typing import Any

from dashboard.former_units import of_unit
from dashboard.public_screen import public_alerts, public_view
from dashboard.read_model import ReadModel, alert_time
from dashboard.settings import WallConfig

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


ALERT_ROWS = 12  # active alarms the snapshot carries for the list (more than it shows); the rest are counted
HIDDEN_PANELS = frozenset({"clock"})  # accepted in older files; the header already shows the time


def screen_panels(screen: WallConfig) -> list[list[str]]:
    """The panels of each page of a screen (the first page is `panels`, then `pages`), without the clock
    panel that would repeat the header's clock; a page left empty is dropped."""
    pages = [list(screen.panels)] if screen.panels else []
    pages += [list(p.panels) for p in screen.pages]
    pages = [kept for page in pages if (kept := [p for p in page if p not in HIDDEN_PANELS])]
    return pages or [["air", "flood"]]


def build_snapshot(rm: ReadModel, screen: WallConfig, public: bool) -> dict[str, Any]:
    """What the screen needs now; a public screen never carries camera data."""
    now = rm.now()
    local = rm.local(now)
    wanted = {p for page in screen_panels(screen) for p in page}
    unit = screen.former_unit
    sensors = of_unit(rm.sensors(), unit)
    alerts = of_unit(rm.alerts("active"), unit)
    if public:  # computed from public alerts only, so a camera alarm never takes over a public screen
        alerts = public_alerts(alerts)
    snap: dict[str, Any] = {
        "screen": screen.id,
        "now": now.isoformat(),
        "clock": local.strftime("%H:%M:%S"),
        "date_vi": f"{WEEKDAYS_VI[local.weekday()]}, {local:%d/%m/%Y}",
        "date_en": f"{WEEKDAYS_EN[local.weekday()]}, {local:%d %b %Y}",
        "freshness_s": _freshness(sensors),
        "sensors": sensors,
        "missing": rm.missing(),
        "alerts": [_with_age(a, now) for a in alerts[:ALERT_ROWS]] if "alerts" in wanted else [],
        "alerts_total": len(alerts),  # the list says how many it does not show ("+N")
        "alerts_acked": sum(1 for a in alerts if str(a.get("status")) == "acknowledged"),
        "takeover": rm.takeover(alerts, sensors, screen.takeover_s),
        "public": public,
        "commune": rm.ctx.config.commune.name,
        "tz": rm.ctx.config.commune.timezone,
    }
    location = rm.ctx.config.commune.location
    if location is not None and "map" in wanted:
        snap["commune_location"] = {"lat": location.lat, "lon": location.lon}
    if "map" in wanted:
        snap["former_units"] = former_offices(rm, unit)
    if "flood" in wanted:
        snap["risk"] = rm.risk_level()
    if "air" in wanted:
        snap["air_trend"] = {s["id"]: rm.trend(s["id"], "pm25") for s in sensors if s["kind"] == "air"}
    if "flood" in wanted:
        snap["flood_trend"] = {
            s["id"]: rm.trend(s["id"], "water_level_cm") for s in sensors if s["kind"] == "flood"
        }
    if ("cameras" in wanted or "map" in wanted) and not public:
        snap["cameras"] = of_unit(rm.cameras(), unit)
        snap["cameras_per_page"] = screen.cameras_per_page
        snap["camera_offset"] = int(now.timestamp() // screen.rotate_s) * screen.cameras_per_page
    if "kpis" in wanted:
        snap["kpis"] = rm.kpi_tiles(8)
    return public_view(snap) if public else snap


def former_offices(rm: ReadModel, unit: str | None) -> list[dict[str, Any]]:
    """The former communes' old headquarters for the map (only `unit`'s on a screen of one unit)."""
    return [{"id": u.id, "name": u.name, "lat": u.location.lat, "lon": u.location.lon}
            for u in rm.ctx.config.commune.former_units
            if u.location is not None and unit in (None, u.id)]


def _freshness(sensors: list[dict[str, Any]]) -> float | None:
    ages = [s["age_s"] for s in sensors if s.get("age_s") is not None]
    return min(ages) if ages else None


def _with_age(alert: dict[str, Any], now: Any) -> dict[str, Any]:
    opened = alert_time(alert)
    return {**alert, "age_s": (now - opened).total_seconds() if opened else None}
