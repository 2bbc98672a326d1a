"""End to end: an unacknowledged level-III flood alarm walks its escalation chain through a real gammu-smsd (Gammu's
dummy phone) and a local ZNS API; the second person acknowledges from the phone link in Chromium at 390×844; the
chain stops; the API and the audits show who and when; an expired or reused link is refused."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from alerts.sections import AlertSections
from alerts.service import AlertService
from configfile.loader import parse_config
from dashboard.app import create_server
from dashboard.auth import hash_password
from dashboard.context import AppContext
from sensors.models import Reading
from tests.alerts.duty_servers import SmsDaemon, ZnsServer
from tests.browser import logged_in_page
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "alerts" / "duty.yaml"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ADMIN = {"Authorization": "Bearer admin-token-0123456789"}
LINK = re.compile(r"Tiếp nhận: http://coc\.test/p/([A-Za-z0-9]{18})$")
STEP_MIN = 0.05  # 3 s for the first step (the next ones: 60 min, the test looks past them with its clock)


def duty_config(tmp_path: Path, smsdrc: Path | str, zns_url: str, zns_token: str = "zns-token",
                step_min: float = STEP_MIN, sms: bool = True) -> Any:
    env = {"DIR": str(tmp_path), "HASH": hash_password("mat-khau-123"), "STEP_MIN": str(step_min),
           "SMSDRC": str(smsdrc), "ZNS_URL": zns_url, "ZNS_TOKEN": zns_token, "SMS": str(sms).lower()}
    return parse_config(FIXTURE.read_text(encoding="utf-8"), "duty.yaml", environ=env)


@dataclass
class ShiftedClock:
    """The real clock, plus an offset the test may add (to look far past a timeout without waiting)."""

    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Served:
    service: AlertService
    server: Any
    base: str
    clock: ShiftedClock


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, SmsDaemon, ZnsServer]]:
    smsd = SmsDaemon(tmp_path / "gammu").start()
    with ZnsServer("zns-token") as zns:
        config = duty_config(tmp_path, smsd.config, zns.url)
        clock = ShiftedClock()
        service = AlertService(AlertSections.of(config), "coc/quang-tho", None, config.storage.state_path, None,
                               clock=clock)
        service.start()
        app = create_server(AppContext(config=config, alerts=service))
        port = free_port()
        http = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            yield Served(service, app, f"http://127.0.0.1:{port}", clock), smsd, zns
        finally:
            http.shutdown()
            service.stop()
            smsd.stop()


def sms_to(smsd: SmsDaemon, number: str) -> list[dict[str, str]]:
    """The messages to a number the daemon has finished writing to its sent folder (the link, last, is whole)."""
    return [m for m in smsd.sent() if m["number"] == number and LINK.search(m["text"])]


def zns_to(zns: ZnsServer, phone: str) -> list[dict[str, Any]]:
    return [c["body"] for c in zns.calls if c["body"]["phone"] == phone]


def test_a_level_iii_flood_alarm_walks_the_chain_until_the_second_person_acknowledges_on_the_phone(
        served: tuple[Served, SmsDaemon, ZnsServer], browser: Any) -> None:
    s, smsd, zns = served
    service = s.service
    service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
    alert = service.active()[0]
    assert alert.rule == "flood_level" and alert.severity == "critical"

    # Step 1: the duty officer on shift gets an SMS through gammu-smsd's dummy phone and a ZNS message.
    wait_until(lambda: sms_to(smsd, "0912345678") and zns_to(zns, "84912345678"), "step 1 by SMS and ZNS")
    first = sms_to(smsd, "0912345678")[0]["text"]
    assert first.startswith("Xã Quảng Thọ – BÁO ĐỘNG KHẨN CẤP") and "Cầu Phò Nam" in first
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d · bậc 1/3: Trực ban", first)
    call = zns_to(zns, "84912345678")[0]
    assert call["template_id"] == "299999" and call["template_data"]["ten"] == "Nguyễn Văn An"
    assert call["template_data"]["lien_ket"].startswith("http://coc.test/p/") and zns.calls[0]["token_ok"]
    assert not sms_to(smsd, "0987654321"), "step 2 came before step 1's timeout"

    # Step 2, after the configured timeout: the commune police (SMS to the phone, ZNS to the Zalo number).
    wait_until(lambda: sms_to(smsd, "0987654321") and zns_to(zns, "84987000111"), "step 2 by SMS and ZNS")
    steps = [e for e in reversed(service.duty.store.audit(alert.id)) if e.action == "chain_step"]
    assert [e.detail.split(",")[1].strip()[:9] for e in steps] == ["bậc 1/3 T", "bậc 2/3 C"]
    assert steps[1].at - steps[0].at >= timedelta(minutes=STEP_MIN)
    assert not sms_to(smsd, "0905333444"), "step 3 came before step 2's timeout"
    wait_until(lambda: {(d.username, d.channel, d.status) for d in service.duty.deliveries.list(alert.id)} >= {
        ("trucban", "sms", "sent"), ("trucban", "zns", "sent"), ("congan", "sms", "sent"),
        ("congan", "zns", "sent")}, "four deliveries recorded as sent")

    # The second person acknowledges from the link in their SMS, on a 390×844 phone screen.
    code = LINK.search(sms_to(smsd, "0987654321")[0]["text"]).group(1)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    shown = phone.goto(f"{s.base}/p/{code}")
    assert shown.status == 200, phone.content()[:800]
    assert "Cầu Phò Nam" in phone.inner_text("#phone-title")
    assert "380 cm" in phone.inner_text("#phone-values") and "sơ tán" in phone.inner_text("#phone-action")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.context.cookies() == [], "the phone link must not create a session"
    phone.fill("#phone-note", "Đang tới cầu Phò Nam")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-ack-390x844.png"))
    phone.click("#phone-ack")
    phone.wait_for_selector("#phone-acked")
    assert "congan" in phone.inner_text("#phone-acked")
    phone.context.close()

    # /duty shows the calls and their delivery; the outgoing duty officer writes the handover there.
    desk = logged_in_page(browser, s.base, "trucban", "mat-khau-123", 1280, 1000)
    desk.wait_for_load_state()
    desk.goto(f"{s.base}/duty")
    assert "congan" in desk.inner_text("#duty-alarms") and "Đã tiếp nhận" in desk.inner_text("#duty-alarms")
    desk.fill("textarea[name=happened]", "Mưa lớn, nước lên nhanh ở Cầu Phò Nam; công an xã đã tiếp nhận")
    desk.fill("textarea[name=open_items]", "Theo dõi mực nước mỗi 30 phút")
    desk.click("#handover-submit")
    desk.wait_for_selector("[id^=handover-]:has-text('Chờ ca sau')")
    desk.screenshot(path=str(SHOTS / "duty-1280x1000.png"), full_page=True)
    desk.context.close()
    assert service.duty.store.handovers()[0].open_alarms == [alert.id]

    # The API shows who and when; the alarm's audit and the duty audit too.
    api = s.server.test_client()
    got = api.get(f"/api/alerts/{alert.id}", headers=ADMIN).json
    body = got.get("alert", got)
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == "congan"
    assert body["acknowledged_at"] and "Đang tới cầu Phò Nam" in body["acknowledged_note"]
    history = service.get(alert.id).history
    assert [(t.action, t.actor, t.role) for t in history if t.action == "acknowledged"] == [
        ("acknowledged", "congan", "police")]
    assert any(e.action == "link_ack" and e.actor == "congan" for e in service.duty.store.audit(alert.id))
    calls = api.get(f"/api/duty/alerts/{alert.id}", headers=ADMIN).json
    assert [s["detail"].split(":")[0] for s in calls["steps"]] == ["chuỗi ngap-lut, bậc 1/3 Trực ban",
                                                                   "chuỗi ngap-lut, bậc 2/3 Công an xã"]
    assert {(d["username"], d["channel"], d["status"]) for d in calls["deliveries"]} >= {("congan", "sms", "sent")}
    assert [e["action"] for e in calls["audit"]][-3:] == ["link_opened", "chain_stopped", "link_ack"]
    # The duty officer called first is told that the police officer took it (the chain stopped).
    wait_until(lambda: any("ĐÃ TIẾP NHẬN" in m["text"] for m in smsd.sent() if m["number"] == "0912345678"),
               "the stand-down SMS")
    told = next(m["text"] for m in smsd.sent() if m["number"] == "0912345678" and "ĐÃ TIẾP NHẬN" in m["text"])
    assert "Trần Văn Bình (congan) tiếp nhận lúc" in told and "Đang tới cầu Phò Nam" in told
    assert not any("ĐÃ TIẾP NHẬN" in m["text"] for m in smsd.sent() if m["number"] == "0987654321")

    # A reused link is refused, and a made-up one.
    assert api.post(f"/p/{code}", data={"note": "lần nữa"}).status_code == 410
    assert api.get(f"/p/{code}").status_code == 410
    # The chain stops: long past every timeout, nobody further is called.
    s.clock.offset = timedelta(hours=2)
    service.tick()
    service.tick()
    assert not sms_to(smsd, "0905333444") and not zns_to(zns, "84905333444")
    assert [e.action for e in service.duty.store.audit(alert.id)].count("chain_step") == 2

    # An expired link is refused.
    expired = service.duty.links.make(alert.id, "chutich", datetime.now(UTC) - timedelta(hours=3), 60)
    refused = api.post(f"/p/{expired}", data={"note": "x"})
    assert refused.status_code == 410 and "hết hạn" in refused.get_data(as_text=True)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert api.get(f"/p/{forged}").status_code == 404
    for elsewhere in (f"/p/{code}/../../api/alerts", f"/p/{code}/alerts", "/p/x/y/z"):  # nothing else under /p/
        answer = api.get(elsewhere)
        assert answer.status_code in (401, 404) and "Báo động" not in answer.get_data(as_text=True)
    assert service.get(alert.id).alert.acknowledged_by == "congan"
    refusals = [e for e in service.duty.store.audit(alert.id) if e.action == "link_refused"]
    assert {e.detail.split()[0] for e in refusals} >= {"used", "expired"}
