"""Device health rules: offline (silent for N intervals or status offline), stuck value, low battery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.models import Severity, Signal, Source
from alerts.rules.hold import Edge
from alerts.settings import BatteryRuleConfig, OfflineRuleConfig, StuckRuleConfig

OFFLINE, STUCK, BATTERY = "device_offline", "device_stuck", "battery_low"


def is_offline(status: str | None, last_seen: datetime | None, since: datetime, interval_s: float,
               missed: int, now: datetime) -> bool:
    """Offline when the device said so, or nothing came for `missed` intervals (counted from `since` if never)."""
    if status == "offline":
        return True
    return now - (last_seen or since) > timedelta(seconds=missed * interval_s)


class OfflineRule:
    """Speaks when a device's online/offline verdict changes (and once at start)."""

    def __init__(self, cfg: OfflineRuleConfig) -> None:
        self.cfg = cfg
        self._edges: dict[str, Edge] = {}

    def check(self, device_id: str, name: str, offline: bool) -> Signal | None:
        if not self._edges.setdefault(device_id, Edge()).changed(offline):
            return None
        return Signal(
            OFFLINE, Source.DEVICE, device_id, offline, Severity.WARNING,
            f"Mất kết nối thiết bị {name}", f"Device {name} is offline",
            f"Không có dữ liệu trong {self.cfg.missed_intervals} chu kỳ hoặc trạng thái offline"
            f" / no reading for {self.cfg.missed_intervals} intervals or status offline",
        )


@dataclass(slots=True)
class _Run:
    value: float | None = None
    since: datetime | None = None
    count: int = 0


@dataclass(slots=True)
class _StuckState:
    runs: dict[str, _Run] = field(default_factory=dict)
    edge: Edge = field(default_factory=Edge)


class StuckRule:
    """A watched field repeating exactly the same value for `for_min` and `min_readings` readings."""

    def __init__(self, cfg: StuckRuleConfig) -> None:
        self.cfg = cfg
        self._states: dict[str, _StuckState] = {}

    def observe(self, device_id: str, name: str, values: dict[str, float], now: datetime) -> Signal | None:
        st = self._states.setdefault(device_id, _StuckState())
        stuck: list[str] = []
        for name_ in self.cfg.fields:
            if name_ not in values:
                continue
            run = st.runs.setdefault(name_, _Run())
            if run.value != values[name_]:
                run.value, run.since, run.count = values[name_], now, 0
            run.count += 1
            if run.count >= self.cfg.min_readings and now - run.since >= timedelta(minutes=self.cfg.for_min):
                stuck.append(name_)
        watched = any(f in values for f in self.cfg.fields)
        if not watched or not st.edge.changed(bool(stuck)):
            return None
        listed = ", ".join(f"{f}={st.runs[f].value:g}" for f in stuck)
        return Signal(
            STUCK, Source.DEVICE, device_id, bool(stuck), Severity.WARNING,
            f"Giá trị không đổi tại {name}: {listed}", f"Stuck value at {name}: {listed}",
            f"Không đổi trong {self.cfg.for_min:g} phút / unchanged for {self.cfg.for_min:g} min",
        )


class BatteryRule:
    """`battery_v` below `low_v` → warning; resolves at `clear_v` or above (hysteresis)."""

    def __init__(self, cfg: BatteryRuleConfig) -> None:
        self.cfg = cfg
        self._low: dict[str, bool | None] = {}

    def observe(self, device_id: str, name: str, battery_v: float) -> Signal | None:
        was = self._low.get(device_id)
        low = battery_v < self.cfg.low_v or (bool(was) and battery_v < self.cfg.clear_v)
        if low is was:
            return None
        self._low[device_id] = low
        return Signal(
            BATTERY, Source.DEVICE, device_id, low, Severity.WARNING,
            f"Pin yếu tại {name}: {battery_v:g} V", f"Low battery at {name}: {battery_v:g} V",
            f"Ngưỡng {self.cfg.low_v:g} V / threshold {self.cfg.low_v:g} V", battery_v,
        )
