"""System rule: one of COC's parts (store, broker) down for longer than `down_for_s` → critical."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from alerts.models import Severity, Signal, Source
from alerts.rules.hold import Edge, Hold
from alerts.settings import SystemRuleConfig

RULE = "system_down"

Health = Callable[[], Mapping[str, bool]]
"""Provider of COC's parts' health: `health() -> {"store": True, "broker": False, ...}`."""

NAMES = {"store": ("Kho dữ liệu", "Data store"), "broker": ("Máy chủ MQTT", "MQTT broker")}


class SystemRule:
    """Per part: down without a break for `down_for_s` opens; up again clears."""

    def __init__(self, cfg: SystemRuleConfig) -> None:
        self.cfg = cfg
        self._holds: dict[str, Hold] = {}
        self._edges: dict[str, Edge] = {}

    def check(self, health: Mapping[str, bool], now: datetime) -> list[Signal]:
        signals = []
        for part, ok in health.items():
            hold = self._holds.setdefault(part, Hold())
            down = hold.held(not ok, now, timedelta(seconds=self.cfg.down_for_s))
            if ok is False and not down:
                continue  # down, but not long enough yet: no verdict
            if self._edges.setdefault(part, Edge()).changed(down):
                vi, en = NAMES.get(part, (part, part))
                signals.append(Signal(
                    RULE, Source.SYSTEM, part, down, Severity.CRITICAL,
                    f"{vi} ngừng hoạt động", f"{en} is down",
                    f"Không hoạt động hơn {self.cfg.down_for_s:g} giây",
                    detail_en=f"Down for more than {self.cfg.down_for_s:g} s", place="COC",
                ))
        return signals
