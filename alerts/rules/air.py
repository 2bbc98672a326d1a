"""Air-quality rule: hourly VN_AQI at or above a category for N minutes → warning, 'Rất xấu' → critical."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.models import Severity, Signal, Source
from alerts.rules.hold import Hold
from alerts.settings import AirRuleConfig

RULE = "air_quality"

AirIndex = Callable[[str, datetime], int | None]
"""Provider of a device's current hourly VN_AQI: `air_index(device_id, now) -> int | None`."""

TITLES = {
    Severity.WARNING: ("Không khí xấu tại {name}: VN_AQI {aqi}", "Bad air at {name}: VN_AQI {aqi}"),
    Severity.CRITICAL: ("Không khí rất xấu tại {name}: VN_AQI {aqi}", "Very bad air at {name}: VN_AQI {aqi}"),
}


@dataclass(slots=True)
class _AirState:
    warning: Hold = field(default_factory=Hold)
    critical: Hold = field(default_factory=Hold)
    clear: Hold = field(default_factory=Hold)
    active: bool | None = None  # None: not known yet (after a restart an open alert may exist)


class AirRule:
    """Per device: at/above a threshold for `for_min` to raise; below warning for `clear_for_min` to clear."""

    def __init__(self, cfg: AirRuleConfig) -> None:
        self.cfg = cfg
        self._states: dict[str, _AirState] = {}

    def observe(self, device_id: str, name: str, aqi: int | None, now: datetime) -> Signal | None:
        if aqi is None:
            return None
        st = self._states.setdefault(device_id, _AirState())
        need = timedelta(minutes=self.cfg.for_min)
        critical = st.critical.held(aqi >= self.cfg.critical_aqi, now, need)
        warning = st.warning.held(aqi >= self.cfg.warning_aqi, now, need)
        cleared = st.clear.held(aqi < self.cfg.warning_aqi, now, timedelta(minutes=self.cfg.clear_for_min))
        severity = Severity.CRITICAL if critical else Severity.WARNING if warning else None
        if severity is not None:
            st.active = True
            vi, en = TITLES[severity]
            line = self.cfg.critical_aqi if severity is Severity.CRITICAL else self.cfg.warning_aqi
            return Signal(RULE, Source.AIR, device_id, True, severity, vi.format(name=name, aqi=aqi),
                          en.format(name=name, aqi=aqi), f"VN_AQI {aqi}, ngưỡng {line}",
                          float(aqi), f"VN_AQI {aqi}, threshold {line}", "VN_AQI", name)
        if st.active is not False and cleared:
            st.active = False
            return Signal(RULE, Source.AIR, device_id, False, value=float(aqi), unit="VN_AQI", place=name)
        return None
