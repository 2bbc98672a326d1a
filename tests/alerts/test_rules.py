"""Each rule with a frozen clock: duration conditions, hysteresis, severity changes and clearing."""

from __future__ import annotations

import pytest

from alerts.models import Severity
from alerts.rules.air import AirRule
from alerts.rules.camera import CameraRule
from alerts.rules.device import BatteryRule, OfflineRule, StuckRule, is_offline
from alerts.rules.flood import FloodRule, level_from_thresholds
from alerts.rules.system import SystemRule
from alerts.settings import (
    AirRuleConfig,
    BatteryRuleConfig,
    CameraRuleConfig,
    FloodRuleConfig,
    OfflineRuleConfig,
    StuckRuleConfig,
    SystemRuleConfig,
)
from camera.models import CameraEvent, EventPhase, EventType
from sensors.settings import SensorConfig
from tests.alerts.conftest import T0


def _verdicts(signals):
    return [None if s is None else (s.active, s.severity if s.active else None) for s in signals]


def test_air_needs_the_index_to_hold_for_the_duration(clock):
    rule = AirRule(AirRuleConfig())
    out = []
    for _ in range(30):  # 29 minutes at 160: not yet
        out.append(rule.observe("pam", "Trung tâm", 160, clock()))
        clock.advance(minutes=1)
    assert all(s is None for s in out[:30])
    s = rule.observe("pam", "Trung tâm", 160, clock())  # 30 minutes
    assert s is not None and s.active and s.severity is Severity.WARNING and s.value == 160
    assert "Không khí xấu" in s.title_vi


def test_air_critical_after_rat_xau_for_the_duration_and_back_to_warning(clock):
    rule = AirRule(AirRuleConfig(for_min=10))
    for _ in range(10):
        rule.observe("pam", "x", 210, clock())
        clock.advance(minutes=1)
    s = rule.observe("pam", "x", 210, clock())
    assert s.severity is Severity.CRITICAL
    clock.advance(minutes=1)
    assert rule.observe("pam", "x", 180, clock()).severity is Severity.WARNING


def test_air_dip_below_threshold_restarts_the_duration(clock):
    rule = AirRule(AirRuleConfig(for_min=30))
    for _ in range(20):
        rule.observe("pam", "x", 170, clock())
        clock.advance(minutes=1)
    rule.observe("pam", "x", 140, clock())
    clock.advance(minutes=1)
    signals = []
    for _ in range(20):
        signals.append(rule.observe("pam", "x", 170, clock()))
        clock.advance(minutes=1)
    assert signals == [None] * 20


def test_air_clears_only_after_clear_time_below_warning(clock):
    rule = AirRule(AirRuleConfig(for_min=0, clear_for_min=30))
    assert rule.observe("pam", "x", 170, clock()).active
    clock.advance(minutes=1)
    assert rule.observe("pam", "x", 100, clock()) is None
    clock.advance(minutes=29)
    assert rule.observe("pam", "x", 100, clock()) is None  # 29 minutes below
    clock.advance(minutes=1)
    s = rule.observe("pam", "x", 100, clock())
    assert s is not None and not s.active
    clock.advance(minutes=1)
    assert rule.observe("pam", "x", 100, clock()) is None  # said once


def test_air_without_an_index_says_nothing(clock):
    assert AirRule(AirRuleConfig(for_min=0)).observe("pam", "x", None, clock()) is None


@pytest.mark.parametrize(
    ("water_cm", "level"), [(0, 0), (149.9, 0), (150, 1), (249, 1), (250, 2), (350, 3), (900, 3)]
)
def test_level_from_thresholds(flood_point, water_cm, level):
    assert level_from_thresholds(flood_point, water_cm) == level


def test_flood_levels_grade_one_alert_up_and_down(clock, flood_point):
    rule = FloodRule(FloodRuleConfig(hysteresis_cm=10, clear_hold_min=30))
    levels = [100, 160, 260, 360, 345, 330, 240, 230]
    out = []
    for cm in levels:
        out.append(rule.observe(flood_point, cm, clock()))
        clock.advance(minutes=5)
    assert _verdicts(out) == [
        None,  # first reading after start, below I: waits for the hold time before any verdict
        (True, Severity.WARNING), (True, Severity.MAJOR), (True, Severity.CRITICAL),
        (True, Severity.CRITICAL),  # 345: within 10 cm of III, stays
        (True, Severity.MAJOR),  # 330: 20 cm below III
        (True, Severity.MAJOR),  # 240: within 10 cm of II
        (True, Severity.WARNING),
    ]


def test_flood_oscillating_around_level_one_never_clears_and_reopens(clock, flood_point):
    rule = FloodRule(FloodRuleConfig(hysteresis_cm=10, clear_hold_min=30))
    out = []
    for i in range(40):  # 145 / 152 every 5 minutes, for over 3 hours
        out.append(rule.observe(flood_point, 152 if i % 2 else 145, clock()))
        clock.advance(minutes=5)
    assert out[0] is None  # first reading after start, below I: waits for the hold time
    assert all(s.active and s.severity is Severity.WARNING for s in out[1:])


def test_flood_resolves_after_hold_below_level_one_minus_hysteresis(clock, flood_point):
    rule = FloodRule(FloodRuleConfig(hysteresis_cm=10, clear_hold_min=30))
    assert rule.observe(flood_point, 260, clock()).severity is Severity.MAJOR
    out = []
    for _ in range(7):  # 130 cm (below 150 - 10) for 30 minutes
        clock.advance(minutes=5)
        out.append(rule.observe(flood_point, 130, clock()))
    assert [s.active for s in out[:-1]] == [True] * 6
    assert out[0].severity is Severity.WARNING
    assert out[-1].active is False


def test_flood_uses_the_injected_level_function(clock, flood_point):
    rule = FloodRule(FloodRuleConfig(), flood_level=lambda cfg, cm: 3)
    assert rule.observe(flood_point, 1, clock()).severity is Severity.CRITICAL


def test_offline_after_missed_intervals_or_status():
    assert not is_offline(None, T0, T0, 60, 3, T0.replace(minute=3))
    assert is_offline(None, T0, T0, 60, 3, T0.replace(minute=3, second=1))
    assert is_offline("offline", T0, T0, 60, 3, T0)
    assert is_offline(None, None, T0, 60, 3, T0.replace(minute=4))  # never seen since start


def test_offline_rule_speaks_on_change_only():
    rule = OfflineRule(OfflineRuleConfig())
    assert rule.check("d", "D", False).active is False  # first verdict
    assert rule.check("d", "D", False) is None
    s = rule.check("d", "D", True)
    assert s.active and s.severity is Severity.WARNING
    assert rule.check("d", "D", True) is None
    assert rule.check("d", "D", False).active is False


def test_stuck_main_value_after_the_sensors_stuck_readings(flood_point):
    sensor = flood_point.model_copy(update={"stuck_readings": 5})
    rule = StuckRule(StuckRuleConfig())
    out = [rule.observe(sensor, {"water_level_cm": 42.0, "rain_mm": i}) for i in range(6)]
    assert out[0].active is False and out[1:4] == [None] * 3
    assert out[4].active and "water_level_cm=42" in out[4].title_vi and out[5] is None
    assert rule.observe(sensor, {"water_level_cm": 43.0}).active is False
    assert rule.observe(sensor, {"rain_mm": 1.0}) is None  # no main field: no verdict


def test_stuck_check_off_when_the_sensor_says_null(flood_point):
    sensor = flood_point.model_copy(update={"stuck_readings": None})
    rule = StuckRule(StuckRuleConfig())
    assert [rule.observe(sensor, {"water_level_cm": 1.0}) for _ in range(50)] == [None] * 50


def test_battery_low_against_the_sensors_threshold_with_hysteresis(flood_point):
    sensor = flood_point.model_copy(update={"battery_low_v": 3.4})
    rule = BatteryRule(BatteryRuleConfig(clear_margin_v=0.2))
    out = [rule.observe(sensor, v) for v in (3.7, 3.3, 3.5, 3.3, 3.59, 3.6)]
    assert _verdicts(out) == [(False, None), (True, Severity.WARNING), None, None, None, (False, None)]


@pytest.mark.parametrize(
    ("event_type", "phase", "rule_name", "active", "severity"),
    [
        (EventType.OFFLINE, EventPhase.START, "camera_offline", True, Severity.WARNING),
        (EventType.ONLINE, EventPhase.START, "camera_offline", False, None),
        (EventType.TAMPER, EventPhase.START, "camera_tamper", True, Severity.MAJOR),
        (EventType.TAMPER, EventPhase.END, "camera_tamper", False, None),
        (EventType.INTRUSION, EventPhase.START, "camera_intrusion", True, Severity.CRITICAL),
    ],
)
def test_camera_events_map_to_alerts(event_type, phase, rule_name, active, severity):
    event = CameraEvent("cam-01", T0, event_type, "e1", phase, zone="Sân UBND", score=0.8)
    s = CameraRule(CameraRuleConfig()).observe(event, "Chợ")
    assert (s.rule, s.subject, s.active) == (rule_name, "cam-01", active)
    if active:
        assert s.severity is severity


def test_camera_intrusion_end_and_motion_are_not_signals():
    rule = CameraRule(CameraRuleConfig())
    assert rule.observe(CameraEvent("c", T0, EventType.INTRUSION, phase=EventPhase.END), "C") is None
    assert rule.observe(CameraEvent("c", T0, EventType.MOTION), "C") is None
    ends = CameraRule(CameraRuleConfig(resolve_intrusion_on_end=True))
    assert ends.observe(CameraEvent("c", T0, EventType.INTRUSION, phase=EventPhase.END), "C").active is False


def test_system_part_down_for_more_than_a_minute(clock):
    rule = SystemRule(SystemRuleConfig(down_for_s=60))
    assert [s.active for s in rule.check({"store": True, "broker": True}, clock())] == [False, False]
    clock.advance(seconds=5)
    assert rule.check({"store": False, "broker": True}, clock()) == []
    clock.advance(seconds=59)
    assert rule.check({"store": False, "broker": True}, clock()) == []
    clock.advance(seconds=1)
    (s,) = rule.check({"store": False, "broker": True}, clock())
    assert (s.subject, s.active, s.severity) == ("store", True, Severity.CRITICAL)
    clock.advance(seconds=5)
    (s,) = rule.check({"store": True, "broker": True}, clock())
    assert (s.subject, s.active) == ("store", False)


def test_flood_titles_follow_the_points_scale(clock) -> None:
    gauge = SensorConfig(id="flood-01", kind="flood", name="Cầu Phò Nam", interval_s=300,
                         alarm_levels_cm=(150, 250, 350))
    school = SensorConfig(id="flood-03", kind="flood", name="Trường tiểu học", interval_s=300,
                          alarm_levels_cm=(30, 50, 80), flood_scale="local_depth")
    rule = FloodRule(FloodRuleConfig(), level_from_thresholds)
    river = rule.observe(gauge, 352.5, clock())
    assert river.title_vi == "Báo động III tại Cầu Phò Nam: mực nước 352,5 cm"
    assert river.detail == "Mực nước 352,5 cm, vạch báo động III 350 cm"
    assert river.detail_en == "Water 352.5 cm, alarm level III line 350 cm"
    depth = rule.observe(school, 55, clock())
    assert depth.title_vi == "Mức ngập 2 tại Trường tiểu học: mực nước 55 cm"
    assert depth.detail == "Mực nước 55 cm, vạch mức ngập 2 50 cm" and depth.unit == "cm"
