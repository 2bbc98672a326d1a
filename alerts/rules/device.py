"""Device health rules: offline (silent for N intervals or status offline), stuck value, low battery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.models import Severity, Signal, Source
from alerts.rules.hold import Edge
from alerts.settings import BatteryRuleConfig, OfflineRuleConfig, StuckRuleConfig
from sensors.health import MAIN_FIELD, battery_low
from sensors.settings import SensorConfig

OFFLINE, STUCK, BATTERY = "device_offline", "device_stuck", "battery_low"


def is_offline(status: str | None, last_seen: datetime | None, since: datetime, interval_s: float,
               missed: int, now: datetime) -> bool:
    """Offline when the device said so, or silent for `missed` intervals (from `since` if never seen)."""
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
            f"Không có dữ liệu trong {self.cfg.missed_intervals} chu kỳ hoặc thiết bị báo mất kết nối",
            detail_en=f"No reading for {self.cfg.missed_intervals} intervals or status offline", place=name,
        )


@dataclass(slots=True)
class _Run:
    value: float | None = None
    count: int = 0
    edge: Edge = field(default_factory=Edge)


class StuckRule:
    """The sensor's main field (sensors.health.MAIN_FIELD) repeating exactly its `stuck_readings` times."""

    def __init__(self, cfg: StuckRuleConfig) -> None:
        self.cfg = cfg
        self._runs: dict[str, _Run] = {}

    def observe(self, sensor: SensorConfig, values: Mapping[str, float]) -> Signal | None:
        main = MAIN_FIELD.get(sensor.kind.value)
        if main not in values or sensor.stuck_readings is None:
            return None
        run = self._runs.setdefault(sensor.id, _Run())
        if run.value != values[main]:
            run.value, run.count = values[main], 0
        run.count += 1
        stuck = run.count >= sensor.stuck_readings
        if not run.edge.changed(stuck):
            return None
        shown = f"{main}={values[main]:g}"
        return Signal(
            STUCK, Source.DEVICE, sensor.id, stuck, Severity.WARNING,
            f"Giá trị không đổi tại {sensor.name}: {shown}", f"Stuck value at {sensor.name}: {shown}",
            f"Lặp lại {sensor.stuck_readings} lần liên tiếp",
            detail_en=f"Repeated {sensor.stuck_readings} readings in a row", place=sensor.name,
        )


class BatteryRule:
    """`battery_v` below the sensor's `battery_low_v` → warning; resolves `clear_margin_v` above it."""

    def __init__(self, cfg: BatteryRuleConfig) -> None:
        self.cfg = cfg
        self._low: dict[str, bool | None] = {}

    def observe(self, sensor: SensorConfig, battery_v: float) -> Signal | None:
        was = self._low.get(sensor.id)
        recovering = bool(was) and battery_v < sensor.battery_low_v + self.cfg.clear_margin_v
        low = battery_low(battery_v, sensor.battery_low_v) or recovering
        if low is was:
            return None
        self._low[sensor.id] = low
        return Signal(
            BATTERY, Source.DEVICE, sensor.id, low, Severity.WARNING,
            f"Pin yếu tại {sensor.name}: {battery_v:g} V", f"Low battery at {sensor.name}: {battery_v:g} V",
            f"Ngưỡng {sensor.battery_low_v:g} V".replace(".", ","), battery_v,
            detail_en=f"Threshold {sensor.battery_low_v:g} V", unit="V", place=sensor.name, higher_is_worse=False,
        )
