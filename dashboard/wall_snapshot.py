"""One snapshot of everything a wall screen shows, built in one server call per refresh; a screen of one former
commune (`walls[].former_unit`) gets only that unit's devices, cameras and alerts. Every part is a view of the read
layer (dashboard.read: sensors, alerts and their takeover, cameras, KPIs); the browser keeps only what the takeover
and the rotation read (`WallSnapshot.store`, JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alerts.models import Status
from config.section import Location
from dashboard.public_screen import public_alerts, public_takeover
from dashboard.read.alerts import AlertReads, AlertView, alert_reads
from dashboard.read.camera_views import CameraView
from dashboard.read.cameras import camera_reads
from dashboard.read.flood_risk import RiskView, risk_board
from dashboard.read.kpi_views import KpiRowView
from dashboard.read.kpis import kpi_reads
from dashboard.read.sensors import SensorView, TrendView, sensor_reads
from dashboard.read.takeover import FloodStandIn, TakeoverView
from dashboard.read_model import ReadModel
from dashboard.services import NamedPlace
from dashboard.settings import WallConfig
from sensors.models import DeviceKind

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KPI_TILES = 8  # the KPIs with a figure the wall shows
ALERT_ROWS = 12  # active alarms the snapshot carries for the list (more than it shows); the rest are counted
HIDDEN_PANELS = frozenset({"clock"})  # accepted in older files; the header already shows the time
FONT_PX = 20  # at 1080 lines; the wall scales it with the screen's height


@dataclass(frozen=True, slots=True)
class Office:
    """A former commune's old headquarters on the map."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class WallSnapshot:
    """What one wall screen shows now. A public screen's carries no camera, KPI or operator data."""

    screen: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    commune: str = ""
    public: bool = False
    sensors: tuple[SensorView, ...] = ()
    missing: tuple[str, ...] = ()
    alerts: tuple[AlertView, ...] = ()  # the first ALERT_ROWS active alarms (waiting ones first)
    alerts_total: int = 0
    alerts_acked: int = 0
    takeover: TakeoverView | None = None
    risk: RiskView | None = None
    air_trend: Mapping[str, TrendView] = field(default_factory=dict)
    flood_trend: Mapping[str, TrendView] = field(default_factory=dict)
    cameras: tuple[CameraView, ...] | None = None  # None on a public screen
    cameras_per_page: int = 6
    camera_offset: int = 0
    camera_images: bool = False  # the viewer's role may see the cameras' pictures
    kpis: tuple[KpiRowView, ...] = ()  # the tiles: the default month's KPIs with a figure
    commune_location: Location | None = None
    former_units: tuple[Office, ...] = ()
    font_px: int = FONT_PX
    charts: bool = True  # False for the page's first draw: the panels without their Plotly charts, which follow

    @property
    def local(self) -> datetime:
        return self.now.astimezone(self.tz)

    @property
    def clock(self) -> str:
        return self.local.strftime("%H:%M:%S")

    def date(self, lang: str) -> str:
        local = self.local
        if lang == "en":
            return f"{WEEKDAYS_EN[local.weekday()]}, {local:%d %b %Y}"
        return f"{WEEKDAYS_VI[local.weekday()]}, {local:%d/%m/%Y}"

    @property
    def freshness_s(self) -> float | None:
        """Since the newest reading of any device on the screen."""
        ages = [s.age_s for s in self.sensors if s.age_s is not None]
        return min(ages) if ages else None

    def store(self) -> dict[str, object]:
        """What the browser keeps between refreshes: the takeover (dashboard.pages.wall_takeover) and its time,
        the screen (and commune) whose alarms its buttons act on, and whether the viewer sees camera pictures."""
        return {"screen": self.screen, "commune": self.commune, "now": self.now.isoformat(),
                "takeover": self.takeover.to_json() if self.takeover is not None else None,
                "camera_images": self.camera_images, "public": self.public}


def screen_panels(screen: WallConfig) -> list[list[str]]:
    """The panels of each page of a screen (the first page is `panels`, then `pages`), without the clock
    panel that would repeat the header's clock; a page left empty is dropped."""
    pages = [[str(p) for p in screen.panels]] if screen.panels else []
    pages += [[str(name) for name in p.panels] for p in screen.pages]
    pages = [kept for page in pages if (kept := [p for p in page if p not in HIDDEN_PANELS])]
    return pages or [["air", "flood"]]


def build_snapshot(rm: ReadModel, screen: WallConfig, public: bool, screen_id: str | None = None,
                   camera_images: bool = False) -> WallSnapshot:
    """What the screen needs now (`screen_id`: as the browser names it, e.g. `<commune>/overview` at a province)."""
    reads = rm.reads(sensor_reads)
    now = reads.now()
    wanted = {p for page in screen_panels(screen) for p in page}
    unit = screen.former_unit
    sensors = tuple(reads.sensors(unit))
    alarms = rm.reads(alert_reads)
    alerts, takeover = _alarms(alarms, sensors, unit, public)
    config = rm.config
    cameras = None
    if ("cameras" in wanted or "map" in wanted) and not public:
        cameras = tuple(rm.reads(camera_reads).cameras(unit))
    return WallSnapshot(
        screen=screen_id or screen.id, now=now, tz=reads.tz, commune=config.commune.name, public=public,
        sensors=sensors, missing=tuple(rm.missing()),
        alerts=tuple(alerts[:ALERT_ROWS]) if "alerts" in wanted else (),
        alerts_total=len(alerts),  # the list says how many it does not show ("+N")
        alerts_acked=sum(1 for a in alerts if a.alert.status is Status.ACKNOWLEDGED),
        takeover=takeover,
        risk=rm.reads(risk_board).view() if "flood" in wanted else None,
        air_trend={s.id: reads.trend(s.id, "pm25") for s in sensors
                   if s.kind is DeviceKind.AIR and "air" in wanted},
        flood_trend={s.id: reads.trend(s.id, "water_level_cm") for s in sensors
                     if s.kind is DeviceKind.FLOOD and "flood" in wanted},
        cameras=cameras, cameras_per_page=screen.cameras_per_page,
        camera_offset=int(now.timestamp() // screen.rotate_s) * screen.cameras_per_page,
        camera_images=camera_images and not public,
        kpis=rm.reads(kpi_reads).tiles(KPI_TILES) if "kpis" in wanted and not public else (),
        commune_location=config.commune.location if "map" in wanted else None,
        former_units=former_offices(config.commune.former_units, unit) if "map" in wanted else (),
    )


def takeover_store(rm: ReadModel, screen: WallConfig, public: bool, screen_id: str | None = None,
                   camera_images: bool = False) -> dict[str, object]:
    """`WallSnapshot.store()` without drawing anything: the alarms and their takeover only (the devices only when the
    alerts service is missing: a flood point at báo động III then takes over). The browser's store is refreshed by
    this light call, so the takeover never waits behind the panels' heavier one."""
    reads = rm.reads(sensor_reads)
    alarms = rm.reads(alert_reads)
    sensors = reads.sensors(screen.former_unit) if not alarms.running else []  # only stand-ins need the devices
    _alerts, takeover = _alarms(alarms, sensors, screen.former_unit, public)
    snap = WallSnapshot(screen=screen_id or screen.id, now=reads.now(), commune=rm.config.commune.name,
                        public=public, takeover=takeover, camera_images=camera_images and not public)
    return snap.store()


def former_offices(units: Sequence[NamedPlace], unit: str | None) -> tuple[Office, ...]:
    """The former communes' old headquarters for the map (only `unit`'s on a screen of one unit)."""
    return tuple(Office(u.id, u.name, u.location.lat, u.location.lon) for u in units
                 if u.location is not None and unit in (None, u.id))


def _alarms(reads: AlertReads, sensors: Sequence[SensorView], unit: str | None,
            public: bool) -> tuple[list[AlertView], TakeoverView | None]:
    """The screen's active alarms (waiting ones first) and their takeover; a public screen's both of public alarms
    only, so a camera alarm never takes over a public screen."""
    active = reads.alerts("active", unit=unit)
    alerts = public_alerts(active) if public else active
    takeover = reads.takeover(alerts, flooded(sensors))
    return alerts, public_takeover(takeover) if public else takeover


def flooded(sensors: Sequence[SensorView]) -> list[FloodStandIn]:
    """The flood points at báo động III: they take over a wall that runs without the alerts service."""
    points = []
    for s in sensors:
        status = s.flood_on_screen.status if s.flood_on_screen is not None else None
        if status is not None and status.alarm_level == 3 and status.water_level_cm is not None:
            points.append(FloodStandIn(s.id, s.name, status.water_level_cm))
    return points
