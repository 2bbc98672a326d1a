"""One snapshot of everything a wall screen shows, built in one server call per refresh; a screen of one former
commune (`walls[].former_unit`) gets only that unit's devices, cameras and alerts. The devices are the sensors' views
(dashboard.read.sensors); the browser keeps only what the takeover and the rotation read (`WallSnapshot.store`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from config.section import Location
from dashboard.former_units import of_unit
from dashboard.public_screen import public_alerts, public_takeover
from dashboard.read.flood_risk import RiskView, risk_board
from dashboard.read.sensors import SensorView, TrendView, sensor_reads
from dashboard.read_model import ReadModel, alert_time
from dashboard.services import NamedPlace
from dashboard.settings import WallConfig
from sensors.models import DeviceKind

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ALERT_ROWS = 12  # active alarms the snapshot carries for the list (more than it shows); the rest are counted
HIDDEN_PANELS = frozenset({"clock"})  # accepted in older files; the header already shows the time
FONT_PX = 20  # at 1080 lines; the wall scales it with the screen's height
# The other domains' rows, as their read side gives them to the wall (alarms, cameras, KPIs: JSON objects until
# their views reach the wall; dashboard.read.alerts and .kpis hold them).
JsonRow = Mapping[str, object]


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
    alerts: tuple[JsonRow, ...] = ()  # the newest ALERT_ROWS active alarms, each with its age_s
    alerts_total: int = 0
    alerts_acked: int = 0
    takeover: JsonRow | None = None  # dashboard.takeover's cards
    risk: RiskView | None = None
    air_trend: Mapping[str, TrendView] = field(default_factory=dict)
    flood_trend: Mapping[str, TrendView] = field(default_factory=dict)
    cameras: tuple[JsonRow, ...] | None = None  # None on a public screen
    cameras_per_page: int = 6
    camera_offset: int = 0
    camera_images: bool = False  # the viewer's role may see the cameras' pictures
    kpis: tuple[JsonRow, ...] = ()
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
                "takeover": self.takeover, "camera_images": self.camera_images, "public": self.public}


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
    active = of_unit(rm.alerts("active"), unit)
    # a public screen's are computed from public alerts only, so a camera alarm never takes over a public screen
    alerts: list[JsonRow] = public_alerts(active) if public else list(active)
    takeover = rm.takeover([dict(a) for a in alerts], [_stand_in(s) for s in sensors], screen.takeover_s)
    config = rm.config
    cameras = None
    if ("cameras" in wanted or "map" in wanted) and not public:
        cameras = tuple(of_unit(rm.cameras(), unit))
    return WallSnapshot(
        screen=screen_id or screen.id, now=now, tz=reads.tz, commune=config.commune.name, public=public,
        sensors=sensors, missing=tuple(rm.missing()),
        alerts=tuple(_with_age(a, now) for a in alerts[:ALERT_ROWS]) if "alerts" in wanted else (),
        alerts_total=len(alerts),  # the list says how many it does not show ("+N")
        alerts_acked=sum(1 for a in alerts if str(a.get("status")) == "acknowledged"),
        takeover=public_takeover(takeover) if public else takeover,
        risk=rm.reads(risk_board).view() if "flood" in wanted else None,
        air_trend={s.id: reads.trend(s.id, "pm25") for s in sensors
                   if s.kind is DeviceKind.AIR and "air" in wanted},
        flood_trend={s.id: reads.trend(s.id, "water_level_cm") for s in sensors
                     if s.kind is DeviceKind.FLOOD and "flood" in wanted},
        cameras=cameras, cameras_per_page=screen.cameras_per_page,
        camera_offset=int(now.timestamp() // screen.rotate_s) * screen.cameras_per_page,
        camera_images=camera_images and not public,
        kpis=tuple(rm.kpi_tiles(8)) if "kpis" in wanted and not public else (),
        commune_location=config.commune.location if "map" in wanted else None,
        former_units=former_offices(config.commune.former_units, unit) if "map" in wanted else (),
    )


def takeover_store(rm: ReadModel, screen: WallConfig, public: bool, screen_id: str | None = None,
                   camera_images: bool = False) -> dict[str, object]:
    """`WallSnapshot.store()` without drawing anything: the alarms and their takeover only (the devices only when the
    alerts service is missing: a flood point at báo động III then takes over). The browser's store is refreshed by
    this light call, so the takeover never waits behind the panels' heavier one."""
    unit = screen.former_unit
    reads = rm.reads(sensor_reads)
    active = of_unit(rm.alerts("active"), unit)
    alerts: list[JsonRow] = public_alerts(active) if public else list(active)
    flooded = [_stand_in(s) for s in reads.sensors(unit)] if "alerts" in rm.missing() else []
    takeover = rm.takeover([dict(a) for a in alerts], flooded, screen.takeover_s)
    snap = WallSnapshot(screen=screen_id or screen.id, now=reads.now(), commune=rm.config.commune.name,
                        public=public, takeover=public_takeover(takeover) if public else takeover,
                        camera_images=camera_images and not public)
    return snap.store()


def former_offices(units: Sequence[NamedPlace], unit: str | None) -> tuple[Office, ...]:
    """The former communes' old headquarters for the map (only `unit`'s on a screen of one unit)."""
    return tuple(Office(u.id, u.name, u.location.lat, u.location.lon) for u in units
                 if u.location is not None and unit in (None, u.id))



def _stand_in(s: SensorView) -> dict[str, object]:
    """A flood point at báo động III takes over a wall that runs without the alerts service (dashboard.takeover)."""
    flood = s.flood_on_screen
    status = flood.status if flood is not None else None
    return {"id": s.id, "name": s.name,
            "flood": {"alarm_level": status.alarm_level, "water_level_cm": status.water_level_cm} if status else None}


def _with_age(alert: JsonRow, now: datetime) -> JsonRow:
    opened = alert_time(dict(alert))
    return {**alert, "age_s": (now - opened).total_seconds() if opened else None}
