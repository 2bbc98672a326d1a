"""Flood rule: báo động I → warning, II → major, III → critical on one alert per point, with hysteresis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.messages import number_text as number_vi
from alerts.models import Severity, Signal, Source
from alerts.rules.hold import Hold
from alerts.settings import FloodRuleConfig
from sensors.flood import FloodScale, level_row
from sensors.settings import SensorConfig

RULE = "flood_level"

FloodLevel = Callable[[SensorConfig, float], int]
"""Alarm level 0..3 of a water level at a point: `flood_level(sensor_cfg, water_level_cm) -> int`."""

SEVERITY_BY_LEVEL = {1: Severity.WARNING, 2: Severity.MAJOR, 3: Severity.CRITICAL}


def level_from_thresholds(sensor: SensorConfig, water_level_cm: float) -> int:
    """The highest alarm level whose line the water has reached (0 below level I)."""
    return sum(1 for line in sensor.alarm_levels_cm or () if water_level_cm >= line)


@dataclass(slots=True)
class _FloodState:
    level: int | None = None  # None: not known yet (after a restart an open alert may exist)
    below: Hold = field(default_factory=Hold)


class FloodRule:
    """Rises at once; steps down only `hysteresis_cm` below a line; resolves `clear_hold_min` below I."""

    def __init__(self, cfg: FloodRuleConfig, flood_level: FloodLevel = level_from_thresholds) -> None:
        self.cfg = cfg
        self.flood_level = flood_level
        self._states: dict[str, _FloodState] = {}

    def observe(self, sensor: SensorConfig, water_level_cm: float, now: datetime) -> Signal | None:
        st = self._states.setdefault(sensor.id, _FloodState())
        raw = self.flood_level(sensor, water_level_cm)
        lowered = self.flood_level(sensor, water_level_cm + self.cfg.hysteresis_cm)  # floor
        current = st.level or 0
        level = raw if raw >= current else min(current, lowered)
        held = st.below.held(lowered == 0, now, timedelta(minutes=self.cfg.clear_hold_min))
        if level == 0 and not held and (current > 0 or st.level is None):
            if st.level is None:
                return None  # just started: wait for the hold time before clearing an alert from before
            level = 1  # below level I, but not for long enough: stay at I
        if level == 0:
            if st.level == 0:
                return None
            st.level = 0
            return Signal(RULE, Source.FLOOD, sensor.id, False, value=water_level_cm, unit="cm", place=sensor.name)
        st.level = level
        return self._signal(sensor, level, water_level_cm)

    def _signal(self, sensor: SensorConfig, level: int, water_level_cm: float) -> Signal:
        """Named on the point's scale: a river gauge's "Báo động III", a road's or school's "Mức ngập 3"."""
        line = (sensor.alarm_levels_cm or (0, 0, 0))[level - 1]
        label = level_row(level, getattr(sensor, "flood_scale", FloodScale.RIVER_GAUGE))
        shown = number_vi(water_level_cm)
        return Signal(
            RULE, Source.FLOOD, sensor.id, True, SEVERITY_BY_LEVEL[level],
            f"{label.label_vi} tại {sensor.name}: mực nước {shown} cm",
            f"{label.label_en} at {sensor.name}: water {water_level_cm:g} cm",
            f"Mực nước {shown} cm, vạch {_lower_first(label.label_vi)} {number_vi(line)} cm",
            water_level_cm,
            detail_en=f"Water {water_level_cm:g} cm, {_lower_first(label.label_en)} line {line:g} cm",
            unit="cm", place=sensor.name,
        )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
