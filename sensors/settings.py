"""The `sensors:` configuration section: one entry per field device (air-quality monitor, flood point)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from config.ids import ID_PATTERN
from config.section import Location, Section
from sensors.flood import FloodScale, Thresholds, thresholds_on
from sensors.models import DeviceKind

DEVICE_ID_PATTERN = ID_PATTERN  # the identifier set of config/ids.py, checked again by the MQTT decoder


class EarlierLevels(Section):
    """Alarm lines of a flood point that applied before its current ones."""

    valid_from: date | None = Field(
        default=None, description="The date these lines applied from (null: since always)."
    )
    levels_cm: tuple[float, float, float] = Field(description="The three lines in cm, I < II < III.")


class SensorConfig(Section):
    """One field device that publishes readings over MQTT."""

    id: str = Field(
        pattern=DEVICE_ID_PATTERN,
        description="Device id as it appears in the MQTT topic (letters, digits, '-', '_', '.'), "
        "e.g. pam-qt-01.",
    )
    kind: DeviceKind = Field(
        description="Device kind: 'air' (PAM Air monitor) or 'flood' (water-level monitor)."
    )
    name: str = Field(min_length=1, description="Name shown on screens, in Vietnamese, e.g. 'Cầu Phò Nam'.")
    location: Location | None = Field(default=None, description="Where the device stands: {lat, lon}.")
    former_unit: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="Id of the former commune (commune.former_units) the device stands in, e.g. quang-phuoc; "
        "pages filter and group by it and InfluxDB points carry it as the tag former_unit.",
    )
    interval_s: int = Field(
        default=60, gt=0, le=86400,
        description="Expected seconds between readings; the device is offline after 3 missed intervals.",
    )
    alarm_levels_cm: tuple[float, float, float] | None = Field(
        default=None,
        description="Flood points only: water levels in cm of báo động I, II and III, increasing, "
        "e.g. [150, 250, 350].",
    )
    alarm_levels_from: date | None = Field(
        default=None,
        description="Flood points only: the date the alarm levels apply from (the deciding act's date).",
    )
    alarm_levels_before: list[EarlierLevels] = Field(
        default_factory=list,
        description="Flood points only: lines in force before alarm_levels_from, each with the date it applied "
        "from, so that past months are judged by the lines of their time.",
    )
    flood_scale: FloodScale = Field(
        default=FloodScale.RIVER_GAUGE,
        description="Flood points only: 'river_gauge' (a river gauging station: báo động I–III of Decision "
        "05/2020) or 'local_depth' (a road, a school yard: water depth against local lines, 'mức ngập 1–3').",
    )
    water_level_range_cm: tuple[float, float] = Field(
        default=(-100.0, 2000.0),
        description="Flood points only: lowest and highest water level in cm the gauge can report; "
        "others are refused.",
    )

    humidity_indicative_pct: float = Field(
        default=90.0, gt=0, le=100,
        description="Air devices: relative humidity in % above which PM readings are only indicative "
        "('tham khảo'); low-cost sensors over-read in wet air.",
    )
    pamair_topic: str | None = Field(
        default=None, pattern=r"^[^#+\s]+(/[^#+\s]+)*$",
        description="Air devices: an extra MQTT topic (no wildcards) where a gateway publishes this "
        "station's PAM Air JSON (pm25/PM2.5, humidity, temperature, time in epoch ms), e.g. pamair/qt-01.",
    )

    stuck_readings: int | None = Field(
        default=30, ge=2, le=10000,
        description="Health: the device is 'stuck' when its main value repeats exactly this many readings "
        "in a row (null: never check; raise it for slow, steady gauges).",
    )
    battery_low_v: float = Field(
        default=3.5, ge=0, le=30,
        description="Flood monitors that send battery_v: the voltage below which the battery counts as low "
        "(3.5 V for one Li-ion cell; about 11.8 V for a 12 V lead-acid battery).",
    )

    def thresholds(self) -> list[Thresholds]:
        """Every set of lines this point has had, with the date each applied from."""
        if self.alarm_levels_cm is None:
            return []
        earlier = [Thresholds(e.levels_cm, e.valid_from) for e in self.alarm_levels_before]
        return [*earlier, Thresholds(self.alarm_levels_cm, self.alarm_levels_from)]

    def levels_on(self, day: date) -> tuple[float, float, float] | None:
        """The lines in force on `day` (None before the first known lines)."""
        found = thresholds_on(self.thresholds(), day)
        return found.levels_cm if found else None

    @model_validator(mode="after")
    def _check_kind_fields(self) -> SensorConfig:
        if self.kind is DeviceKind.FLOOD:
            if self.alarm_levels_cm is None:
                raise ValueError(
                    f"flood point '{self.id}' has no alarm_levels_cm. "
                    "Fix: add alarm_levels_cm: [level I, level II, level III] in cm, e.g. [150, 250, 350]"
                )
            a, b, c = self.alarm_levels_cm
            if not a < b < c:
                raise ValueError(
                    f"alarm_levels_cm of '{self.id}' must increase (I < II < III), "
                    f"got {list(self.alarm_levels_cm)}. "
                    "Fix: order them from báo động I to báo động III"
                )
            for earlier in self.alarm_levels_before:
                a, b, c = earlier.levels_cm
                if not a < b < c:
                    raise ValueError(f"alarm_levels_before of '{self.id}': lines must increase (I < II < III), "
                                     f"got {list(earlier.levels_cm)}. Fix: order them from I to III")
                if self.alarm_levels_from is None or (earlier.valid_from or date.min) >= self.alarm_levels_from:
                    raise ValueError(f"alarm_levels_before of '{self.id}' must be older than alarm_levels_from. "
                                     "Fix: set alarm_levels_from to the date the current lines apply from")
        elif self.alarm_levels_cm is not None or self.alarm_levels_before:
            raise ValueError(
                f"'{self.id}' is an {self.kind.value} device; alarm_levels_cm is for flood points only. "
                "Fix: remove alarm_levels_cm or set kind: flood"
            )
        if self.kind is not DeviceKind.AIR and self.pamair_topic is not None:
            raise ValueError(
                f"'{self.id}' is a {self.kind.value} device; pamair_topic is for air devices only. "
                "Fix: remove pamair_topic or set kind: air"
            )
        low, high = self.water_level_range_cm
        if not low < high:
            raise ValueError(
                "water_level_range_cm must be [lowest, highest]. Fix: put the smaller number first"
            )
        return self
