"""The alert service with a frozen clock: de-duplication, severity changes, escalation, restart, audit."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts.lifecycle import AlertClosedError
from alerts.models import Action, Severity, Status
from alerts.sections import AlertSections
from alerts.service import AlertNotFoundError, AlertService
from camera.models import CameraEvent, EventType
from configfile.loader import parse_config
from ingest.live_state import LiveState
from sensors.flood import alarm_level
from sensors.models import Reading

CONFIG = Path(__file__).resolve().parent.parent / "fixtures" / "alerts" / "config.yaml"


class Recorder:
    """A channel that keeps what it was sent."""

    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Action, Severity, Status]] = []

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def send(self, alert, transition) -> None:
        self.sent.append((alert.id, transition.action, alert.severity, alert.status))

    def stats(self) -> dict[str, int]:
        return {"sent": len(self.sent), "failed": 0, "dropped": 0}


def load_config(tmp_path: Path, extra: str = ""):
    text = CONFIG.read_text(encoding="utf-8").replace("${PORT}", "1883") + extra
    return parse_config(text, "alerts.yaml", environ={"DIR": str(tmp_path)})


def sensors_flood_level(sensor, water_level_cm: float) -> int:
    return alarm_level(water_level_cm, sensor.alarm_levels_cm or ())


@pytest.fixture
def make_service(tmp_path, clock):
    made: list[AlertService] = []

    def make(extra: str = "", **kwargs) -> tuple[AlertService, Recorder]:
        config = load_config(tmp_path, extra)
        recorder = Recorder()
        kwargs.setdefault("live_state", LiveState(config.sensors, clock=clock))
        service = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp_path / "state.sqlite", clock=clock,
                               channels=[recorder], flood_level=sensors_flood_level, **kwargs)
        service.start(tick=False)
        made.append(service)
        return service, recorder

    yield make
    for service in made:
        service.stop()


def flood(clock, cm: float, battery_v: float | None = None) -> list[Reading]:
    fields = {"water_level_cm": cm} | ({"battery_v": battery_v} if battery_v is not None else {})
    return [Reading("flood-01", "flood", clock(), fields)]


def test_a_level_oscillating_around_a_line_opens_one_alert_not_twenty(make_service, clock):
    service, recorder = make_service()
    for i in range(40):
        service.on_readings(flood(clock, 152 if i % 2 else 148))
        clock.advance(minutes=5)
    alerts = service.list("all")
    assert len(alerts) == 1
    assert alerts[0].status is Status.OPEN and alerts[0].severity is Severity.WARNING
    assert alerts[0].count == 39  # every reading after the first counts as a repeat of the same alert
    assert [t for _, t, _, _ in recorder.sent] == [Action.OPENED]


def test_level_changes_raise_the_same_alarm_which_keeps_its_peak_until_acknowledged(make_service, clock):
    service, recorder = make_service()
    for cm in (160, 260, 360, 300, 120, 120, 120, 120, 120, 120, 120, 120):
        service.on_readings(flood(clock, cm))
        clock.advance(minutes=5)
    (alert,) = service.list("all")
    assert alert.status is Status.CLEARED and alert.severity is Severity.CRITICAL  # never fell unacknowledged
    assert (alert.peak_value, alert.value, alert.current_severity) == (360, 120, None)
    assert alert.title_vi == "Báo động III tại Cầu Phò Nam: mực nước 360 cm"
    assert alert.detail == "Mực nước 360 cm, vạch báo động III 350 cm"
    assert [a.id for a in service.active()] == [alert.id]  # a return to normal keeps it on every screen
    actions = [(a, s) for _, a, s, _ in recorder.sent]
    assert actions == [
        (Action.OPENED, Severity.WARNING), (Action.ROSE, Severity.MAJOR), (Action.ROSE, Severity.CRITICAL),
        (Action.CLEARED, Severity.CRITICAL),
    ]
    closed = service.acknowledge(alert.id, "vanhanh", "operator", "đã kiểm tra")
    assert closed.status is Status.CLOSED and service.active() == []
    history = service.get(alert.id).history
    assert [t.action for t in history] == [Action.OPENED, Action.ROSE, Action.ROSE, Action.PEAK, Action.CLEARED,
                                           Action.ACKNOWLEDGED, Action.CLOSED]  # every step audited, one sent
    assert [t.value for t in history][:4] == [160, 260, 360, 360]


def test_escalation_after_deadline_then_every_interval_until_acknowledged(make_service, clock):
    service, recorder = make_service()
    service.on_readings(flood(clock, 400))  # critical: escalates after 10 minutes, then every 10
    (alert,) = service.active()
    clock.advance(minutes=9, seconds=59)
    service.tick()
    assert service.get(alert.id).alert.escalations == 0
    clock.advance(seconds=1)
    service.tick()
    assert service.get(alert.id).alert.escalations == 1
    clock.advance(minutes=5)
    service.tick()
    assert service.get(alert.id).alert.escalations == 1
    clock.advance(minutes=5)
    service.tick()
    assert service.get(alert.id).alert.escalations == 2
    service.acknowledge(alert.id, "vanhanh", "operator", "Đã cử người kiểm tra")
    clock.advance(minutes=60)
    service.tick()
    detail = service.get(alert.id)
    assert detail.alert.escalations == 2 and detail.alert.status is Status.ACKNOWLEDGED
    assert detail.alert.acknowledged_note == "Đã cử người kiểm tra"
    assert [a for _, a, _, _ in recorder.sent].count(Action.ESCALATED) == 2
    assert service.metrics()["coc_alert_escalations_total"] == 2
    assert service.metrics()["coc_alert_ack_median_seconds"] == 20 * 60


def test_warning_does_not_escalate_by_default(make_service, clock):
    service, _ = make_service()
    service.on_readings(flood(clock, 160))
    clock.advance(minutes=120)
    service.tick()
    assert service.active()[0].escalations == 0


def test_resolved_alerts_cannot_be_acknowledged_and_unknown_ids_are_not_found(make_service, clock):
    service, _ = make_service()
    service.on_camera_event(CameraEvent("cam-01", clock(), EventType.INTRUSION, zone="Sân UBND"))
    (alert,) = service.active()
    service.resolve(alert.id, "congan", "police", "Người dân đi qua")
    with pytest.raises(AlertClosedError):
        service.acknowledge(alert.id, "vanhanh", "operator")
    with pytest.raises(AlertClosedError):
        service.resolve(alert.id, "vanhanh", "operator")
    with pytest.raises(AlertNotFoundError):
        service.acknowledge("nope", "vanhanh", "operator")


def test_restart_keeps_open_alerts_open_and_resolved_ones_resolved(tmp_path, clock, make_service):
    service, _ = make_service()
    service.on_readings(flood(clock, 260))
    service.on_camera_event(CameraEvent("cam-01", clock(), EventType.TAMPER))
    service.on_camera_event(CameraEvent("cam-01", clock(), EventType.INTRUSION))
    intrusion = next(a for a in service.active() if a.rule == "camera_intrusion")
    service.acknowledge(next(a.id for a in service.active() if a.rule == "camera_tamper"), "op", "operator")
    service.resolve(intrusion.id, "congan", "police", "Đã kiểm tra")
    before = {a.id: a.status for a in service.list("all")}
    service.stop()

    again, recorder = make_service()
    assert {a.id: a.status for a in again.list("all")} == before
    assert sorted(a.status for a in again.active()) == [Status.ACKNOWLEDGED, Status.OPEN]
    clock.advance(minutes=5)
    again.on_readings(flood(clock, 265))  # same flood continues: the same alert, not a new one
    assert len(again.list("all", source="flood")) == 1
    assert again.list("all", source="flood")[0].count == 2
    assert recorder.sent == []  # nothing re-opened (the restated MQTT copy goes only to the MQTT channel)


def test_audit_rows_can_be_neither_updated_nor_deleted(make_service, clock, tmp_path):
    service, _ = make_service()
    service.on_readings(flood(clock, 260))
    db = sqlite3.connect(tmp_path / "state.sqlite")
    assert db.execute("SELECT COUNT(*) FROM alert_audit").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE alert_audit SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM alert_audit")
    db.close()


def test_device_offline_by_silence_and_by_status(make_service, clock):
    live = None
    service, _ = make_service()
    live = service.live
    live.apply(flood(clock, 50))
    service.on_readings(flood(clock, 50))
    service.tick()
    assert service.active() == []
    clock.advance(seconds=3 * 60 + 1)  # flood-01 reports every 60 s
    service.tick()
    (alert,) = [a for a in service.active() if a.subject == "flood-01"]
    assert alert.rule == "device_offline" and alert.severity is Severity.WARNING
    live.apply(flood(clock, 50))
    service.tick()
    assert [a.status for a in service.active() if a.subject == "flood-01"] == [Status.CLEARED]
    service.acknowledge(alert.id, "vanhanh", "operator", None)
    assert [a for a in service.active() if a.subject == "flood-01"] == []
    service.on_status("flood", "flood-01", "offline")
    assert [a.rule for a in service.active() if a.subject == "flood-01"] == ["device_offline"]


def test_air_rule_takes_the_index_from_the_provider(make_service, clock):
    index = {"pam-qt-01": 170}
    service, _ = make_service(air_index=lambda device_id, now: index.get(device_id))
    for _ in range(31):
        service.on_readings([Reading("pam-qt-01", "air", clock(), {"pm25": 80.0 + _ % 3})])
        clock.advance(minutes=1)
    (alert,) = [a for a in service.active() if a.rule == "air_quality"]
    assert alert.severity is Severity.WARNING and alert.value == 170


def test_system_health_down_for_a_minute_is_critical(make_service, clock):
    health = {"store": True, "broker": True}
    service, _ = make_service(health=lambda: health)
    service.tick()
    health["broker"] = False
    for _ in range(7):
        clock.advance(seconds=10)
        service.tick()
    (alert,) = [a for a in service.active() if a.source == "system"]
    assert alert.subject == "broker" and alert.severity is Severity.CRITICAL
    health["broker"] = True
    service.tick()
    assert service.get(alert.id).alert.status is Status.CLEARED


def test_low_battery_and_stale_readings(make_service, clock):
    service, _ = make_service()
    service.on_readings(flood(clock, 50, battery_v=3.2))
    assert [a.rule for a in service.active()] == ["battery_low"]
    old = [Reading("flood-01", "flood", clock() - timedelta(hours=2), {"water_level_cm": 500.0})]
    service.on_readings(old)  # a two-hour-old backlog drives no alert
    assert [a.rule for a in service.active()] == ["battery_low"]


def test_list_filters(make_service, clock):
    service, _ = make_service()
    service.on_readings(flood(clock, 400))
    clock.advance(minutes=1)
    service.on_camera_event(CameraEvent("cam-01", clock(), EventType.OFFLINE))
    assert [a.source for a in service.list("open")] == ["camera", "flood"]  # newest first
    assert [a.rule for a in service.list(severity="critical")] == ["flood_level"]
    assert service.list(since=clock()) == service.list(source="camera")
    assert service.list("resolved") == [] and service.list("closed") == []
    assert len(service.list("active")) == 2 and len(service.list("unacknowledged")) == 2
    assert service.metrics()["coc_alerts_open"] == {"info": 0, "warning": 1, "major": 0, "critical": 1}
    assert datetime.now(UTC) > service.list()[0].opened_at


def test_a_chattering_alarm_is_marked_with_its_count_also_after_a_restart(make_service, clock):
    extra = "alerts:\n  chattering: {window_min: 60, max_raises: 3}\n"
    service, _ = make_service(extra)
    for _ in range(4):  # low battery, acknowledged, recovered (closed), low again: four raises in 40 minutes
        service.on_readings(flood(clock, 50, battery_v=3.2))
        (alert,) = service.active()
        service.acknowledge(alert.id, "vanhanh", "operator")
        clock.advance(minutes=5)
        service.on_readings(flood(clock, 50, battery_v=3.9))
        clock.advance(minutes=5)
    newest = service.list("all")[0]
    assert (newest.raises, newest.chattering) == (4, True)
    assert [a.chattering for a in service.list("all")] == [True, False, False, False]
    service.stop()
    again, _ = make_service(extra)
    again.on_readings(flood(clock, 50, battery_v=3.2))
    assert (again.active()[0].raises, again.active()[0].chattering) == (5, True)
    clock.advance(minutes=120)
    again.acknowledge(again.active()[0].id, "vanhanh", "operator")
    again.on_readings(flood(clock, 50, battery_v=3.9))
    again.on_readings(flood(clock, 50, battery_v=3.2))
    assert (again.active()[0].raises, again.active()[0].chattering) == (1, False)  # an hour later: calm


def test_shelving_is_audited_and_ends_at_the_tick_after_its_time(make_service, clock):
    service, recorder = make_service()
    service.on_readings(flood(clock, 400))
    (alert,) = service.active()
    with pytest.raises(ValueError):
        service.shelve(alert.id, "vanhanh", "operator", 10_000, "quá lâu")
    shelved = service.shelve(alert.id, "vanhanh", "operator", 30, "Đã cử người trực tại chỗ")
    assert shelved.shelved_until == clock() + timedelta(minutes=30)
    clock.advance(minutes=29)
    service.tick()
    assert service.get(alert.id).alert.shelved_by == "vanhanh" and service.get(alert.id).alert.escalations == 0
    clock.advance(minutes=1)
    service.tick()
    assert service.get(alert.id).alert.shelved_until is None
    history = [(t.action, t.actor, t.note) for t in service.get(alert.id).history]
    assert history == [(Action.OPENED, "system", None),
                       (Action.SHELVED, "vanhanh", "Đã cử người trực tại chỗ (30 phút)"),
                       (Action.UNSHELVED, "system", "hết thời gian tạm ẩn"),
                       (Action.ESCALATED, "system", "#1")]  # back on, still nobody acknowledged: a reminder
    assert (alert.id, Action.UNSHELVED) in [(i, a) for i, a, _, _ in recorder.sent]


def test_a_state_file_of_the_first_version_is_migrated(tmp_path):
    from alerts.store import SCHEMA, AlertStore

    db = sqlite3.connect(tmp_path / "old.sqlite")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO alerts VALUES ('old1', 'flood_level', 'flood', 'flood-01', 'critical', 'resolved',"
               " 'Báo động III', 'Level III', '', '2025-10-28T01:00:00+00:00', '2025-10-28T01:00:00+00:00', 3,"
               " 360, NULL, NULL, NULL, 'system', '2025-10-28T02:00:00+00:00', NULL, 0, NULL)")
    db.execute("INSERT INTO alert_audit (alert_id, action, at, status, severity, actor) VALUES"
               " ('old1', 'severity_changed', '2025-10-28T01:00:00+00:00', 'resolved', 'critical', 'system')")
    db.commit()
    db.close()
    store = AlertStore(tmp_path / "old.sqlite")
    try:
        old = store.get("old1")
        assert old.status is Status.CLOSED and old.peak_severity is None and old.detail_en == ""
        assert [(t.action, t.status) for t in store.history("old1")] == [(Action.SEVERITY_CHANGED, Status.CLOSED)]
        assert store.unresolved() == []
    finally:
        store.close()
