"""The duty roster: shifts (also past midnight), who holds a post, the chain an alarm walks and when each step is
due; the configuration's checks; /duty's roster change and shift handover (written, confirmed, audited); the
/admin section on deliveries; the phone page's refusals of a disabled person and its no-session answer."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from alerts.duty import chain_for, due_steps, holders, next_slot, slot_at
from alerts.duty_settings import ChainConfig, DutyConfig, ShiftConfig, StepConfig
from alerts.models import Alert, Severity, Source, Status
from alerts.sections import AlertSections
from alerts.service import AlertService
from dashboard.app import create_server
from dashboard.context import AppContext
from tests.alerts.test_duty_chain import duty_config

TZ = "Asia/Ho_Chi_Minh"
SHIFTS = [ShiftConfig(id="ngay", name_vi="Ca ngày", start="07:00", end="19:00"),
          ShiftConfig(id="dem", name_vi="Ca đêm", start="19:00", end="07:00")]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour - 7, minute, tzinfo=UTC) if hour >= 7 else \
        datetime(2026, 12, day - 1, hour + 17, minute, tzinfo=UTC)


@pytest.mark.parametrize(("at", "shift", "day"), [
    (local(7, 7), "ngay", date(2026, 12, 7)),
    (local(7, 18, 59), "ngay", date(2026, 12, 7)),
    (local(7, 19), "dem", date(2026, 12, 7)),
    (local(8, 6, 59), "dem", date(2026, 12, 7)),  # the night shift started the evening before
])
def test_the_shift_running_at_a_time(at: datetime, shift: str, day: date) -> None:
    found = slot_at(SHIFTS, at, TZ)
    assert found is not None and (found.shift.id, found.day) == (shift, day)


def test_no_shift_between_shifts_and_the_next_one_follows() -> None:
    day_only = [SHIFTS[0]]
    assert slot_at(day_only, local(7, 20), TZ) is None
    night = slot_at(SHIFTS, local(7, 22), TZ)
    following = next_slot(SHIFTS, night, TZ)
    assert (following.shift.id, following.day) == ("ngay", date(2026, 12, 8))


CHAIN = ChainConfig(id="lut", rules=["flood_level"], min_severity="critical",
                    steps=[StepConfig(post="a", timeout_min=5), StepConfig(post="b", timeout_min=10),
                           StepConfig(post="c", timeout_min=10)])
T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(("minutes", "done", "due"), [
    (0, set(), [0]),
    (4.9, {0}, []),
    (5, {0}, [1]),
    (14.9, {0, 1}, []),
    (15, {0, 1}, [2]),
    (60, {0}, [1, 2]),  # a late tick calls every step whose time has come
    (600, {0, 1, 2}, []),
])
def test_each_step_is_due_after_the_timeouts_of_the_steps_before_it(minutes: float, done: set[int],
                                                                    due: list[int]) -> None:
    assert due_steps(CHAIN, T0, T0 + timedelta(minutes=minutes), done) == due


def alarm(rule: str, severity: Severity) -> Alert:
    return Alert("x", rule, Source.FLOOD, "flood-01", severity, Status.OPEN, "t", "t", "", T0, T0)


@pytest.mark.parametrize(("rule", "severity", "walks"), [
    ("flood_level", Severity.CRITICAL, True),
    ("flood_level", Severity.MAJOR, False),
    ("air_quality", Severity.CRITICAL, False),
])
def test_the_chain_covers_its_kinds_from_its_severity(rule: str, severity: Severity, walks: bool) -> None:
    cfg = DutyConfig(posts=[{"id": p, "name_vi": p} for p in "abc"], chains=[CHAIN])
    assert (chain_for(cfg, alarm(rule, severity)) is not None) is walks


def test_an_on_shift_post_is_held_by_the_shift_and_others_by_their_holders() -> None:
    cfg = DutyConfig(people=[{"username": u, "name": u} for u in ("an", "binh")],
                     posts=[{"id": "truc", "name_vi": "Trực ban", "on_shift": True},
                            {"id": "ca", "name_vi": "Công an", "holders": ["binh"]}])
    assert holders(cfg, "truc", ["an"]) == ["an"] and holders(cfg, "ca", ["an"]) == ["binh"]


@pytest.mark.parametrize(("section", "message"), [
    ({"posts": [{"id": "a", "name_vi": "A", "holders": ["ghost"]}]}, "'ghost', who is not under duty.people"),
    ({"chains": [{"id": "c", "steps": [{"post": "nowhere", "timeout_min": 5}]}]}, "post 'nowhere'"),
    ({"shifts": [{"id": "s", "name_vi": "S", "start": "25:00", "end": "07:00"}]}, "start"),
])
def test_the_duty_section_refuses_broken_references(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DutyConfig(**section)


def test_a_person_on_duty_must_be_a_user(tmp_path: Path) -> None:
    config = duty_config(tmp_path, "/none", "http://127.0.0.1:9/x", sms=False)
    data = config.model_dump(mode="json")
    data["duty"]["people"].append({"username": "stranger", "name": "Người lạ"})
    with pytest.raises(ValidationError, match="'stranger' is not a user of auth.users"):
        type(config).model_validate(data)


@pytest.fixture
def app_for(tmp_path: Path) -> Any:
    config = duty_config(tmp_path, "/none", "http://127.0.0.1:9/x", sms=False)
    service = AlertService(AlertSections.of(config), "coc/quang-tho", None, config.storage.state_path, None)
    yield create_server(AppContext(config=config, alerts=service)), service
    service.stop()


def login(client: Any, name: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": name, "password": "mat-khau-123", "csrf_token": token}
                       ).status_code == 302
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/duty").get_data(as_text=True)).group(1)


def test_the_roster_changes_and_a_handover_is_written_and_confirmed_and_audited(app_for: Any) -> None:
    server, service = app_for
    assert server.test_client().get("/duty").status_code == 302  # login first
    outgoing, incoming = server.test_client(), server.test_client()
    csrf = login(outgoing, "trucban")
    page = outgoing.get("/duty").get_data(as_text=True)
    assert "Ca đang trực" in page and "Nguyễn Văn An (trucban)" in page
    slot_key = re.search(r'name="slot" value="([^"]+)"', page).group(1)
    assert outgoing.post("/duty", data={"csrf_token": csrf, "do": "assign", "slot": slot_key,
                                        "holders": "ghost"}).status_code == 400
    assert outgoing.post("/duty", data={"do": "assign", "slot": slot_key, "holders": "congan"}).status_code == 403
    assert outgoing.post("/duty", data={"csrf_token": csrf, "do": "assign", "slot": slot_key,
                                        "holders": "trucban, congan"}).status_code == 303
    assert service.duty.store.assignments()[slot_key] == ["trucban", "congan"]

    service.on_readings([_flood(380.0)])
    open_id = service.active()[0].id
    assert outgoing.post("/duty", data={"csrf_token": csrf, "do": "handover", "happened": "Mưa lớn, nước lên",
                                        "open_items": "Theo dõi cầu Phò Nam"}).status_code == 303
    handover = service.duty.store.handovers()[0]
    assert handover.written_by == "trucban" and handover.open_alarms == [open_id]
    assert outgoing.post("/duty", data={"csrf_token": csrf, "do": "confirm", "id": handover.id}).status_code == 400

    csrf_in = login(incoming, "congan")
    assert incoming.post("/duty", data={"csrf_token": csrf_in, "do": "confirm", "id": handover.id,
                                        "note": "Đã nhận"}).status_code == 303
    confirmed = service.duty.store.handovers()[0]
    assert (confirmed.confirmed_by, confirmed.confirm_note) == ("congan", "Đã nhận")
    actions = [(e.actor, e.action) for e in reversed(service.duty.store.audit())]
    assert actions[-3:] == [("trucban", "roster_set"), ("trucban", "handover_written"),
                            ("congan", "handover_confirmed")]
    with pytest.raises(Exception, match="append-only"):
        service.duty.store._db.execute("DELETE FROM duty_audit")


def _flood(cm: float) -> Any:
    from sensors.models import Reading

    return Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": cm})


def test_the_phone_page_refuses_a_disabled_person_and_sets_no_cookie(app_for: Any) -> None:
    from dashboard.users import user_book

    server, service = app_for
    service.on_readings([_flood(380.0)])
    alert_id = service.active()[0].id
    client = server.test_client()
    code = service.duty.links.make(alert_id, "chutich", datetime.now(UTC), 60)
    shown = client.get(f"/p/{code}")
    assert shown.status_code == 200 and "Set-Cookie" not in shown.headers
    assert shown.headers["Referrer-Policy"] == "no-referrer" and "Tiếp nhận" in shown.get_data(as_text=True)
    user_book(server.config["COC_CONTEXT"]).set_disabled("admin", "chutich", True)
    assert client.post(f"/p/{code}", data={"note": "x"}).status_code == 404
    assert service.get(alert_id).alert.acknowledged_by is None


def test_admin_lists_failed_deliveries(app_for: Any) -> None:
    from alerts.deliveries import DeliveryStatus, Outcome, PersonMessage
    from dashboard.pages.admin_deliveries import section
    from dashboard.read.alerts import alert_reads

    server, service = app_for
    store = service.duty.deliveries
    failed = store.add(PersonMessage("a1", "congan", "zns", "0987654321", "…"), datetime.now(UTC))
    store.update(failed, Outcome(DeliveryStatus.FAILED, "ZNS error -124: Access token is invalid"), datetime.now(UTC))
    text = str(section(alert_reads(AppContext(config=server.config["COC_CONTEXT"].config, alerts=service)), "vi"))
    assert "ZNS error -124" in text and "Zalo ZNS" in text and "congan" in text


def test_a_link_to_an_alarm_someone_acknowledged_first_shows_who_and_stays_unspent(app_for: Any) -> None:
    server, service = app_for
    service.on_readings([_flood(380.0)])
    alert_id = service.active()[0].id
    code = service.duty.links.make(alert_id, "congan", datetime.now(UTC), 60)
    service.acknowledge(alert_id, "trucban", "operator", "Trên tường")
    answer = server.test_client().post(f"/p/{code}", data={"note": "muộn"})
    assert answer.status_code == 200 and "trucban" in answer.get_data(as_text=True)
    assert service.duty.links.find(code).used_at is None
    assert service.get(alert_id).alert.acknowledged_by == "trucban"


def test_without_a_duty_desk_the_pages_answer_404_not_500(tmp_path: Path) -> None:
    config = duty_config(tmp_path, "/none", "http://127.0.0.1:9/x", sms=False)
    client = create_server(AppContext(config=config)).test_client()  # alerts not running (a province center…)
    assert client.get("/p/abcdefgh0123456789").status_code == 404
    assert client.post("/p/abcdefgh0123456789", data={"note": "x"}).status_code == 404
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "trucban", "password": "mat-khau-123", "csrf_token": token})
    assert client.get("/duty").status_code == 404


def test_the_duty_api_is_for_admins_and_operators(app_for: Any) -> None:
    server, service = app_for
    client = server.test_client()
    assert client.get("/api/duty").status_code == 401
    answer = client.get("/api/duty", headers={"Authorization": "Bearer admin-token-0123456789"})
    assert answer.status_code == 200 and answer.json["now"]["holders"] == ["trucban"]
    assert answer.json["next"]["shift"] in ("ngay", "dem")
