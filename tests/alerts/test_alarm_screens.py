"""Alarms on the screens in a real headless Chromium: a level-III flood alarm stays on the wall's takeover after
the water returns to normal, marked so, until an operator acknowledges it; several critical alarms with the
camera at the flood point and the action text; a note typed on /alerts across two refreshes is kept and stored
with the acknowledgement. Screenshots at 1920x1080 under artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from alerts.models import Status
from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from camera.models import CameraEvent, EventType
from configfile.loader import parse_config
from dashboard.app import create_app
from dashboard.context import AppContext
from ingest.live_state import LiveState
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading
from tests.browser import logged_in_page
from tests.dashboard.conftest import FrameWriter, Served, camera_system, password_of

CONFIG = Path(__file__).resolve().parents[1] / "fixtures" / "alerts" / "wall.yaml"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
OPERATOR = "vanhanh"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    from dashboard.auth import hash_password

    env = {"COC_SECRET_KEY": "test-secret-key-0123456789", "HASH_OPERATOR": hash_password(password_of(OPERATOR))}
    config = parse_config(CONFIG.read_text(encoding="utf-8"), "wall.yaml", env)
    store = SqliteStore(tmp_path / "coc.sqlite")
    store.open()
    live = LiveState(config.sensors)
    alerts = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp_path / "alerts.sqlite", live,
                          channels=[])
    alerts.start(tick=False)
    hub = CameraHub(config.cameras, camera_system(tmp_path))
    frames = FrameWriter(hub, online=("cam-01", "cam-02")).start()
    context = AppContext(config=config, store=store, live=live, alerts=alerts, cameras=hub)
    yield context
    frames.stop()
    alerts.stop()
    store.close()


@pytest.fixture
def page(ctx: AppContext, browser: Browser) -> Iterator[tuple[Page, str]]:
    served = Served(create_app(ctx)).start()
    page = logged_in_page(browser, served.url, OPERATOR, password_of(OPERATOR))
    page.wait_for_url(f"{served.url}/wall/overview")
    yield page, served.url
    page.context.close()
    served.stop()


def water(ctx: AppContext, device_id: str, cm: float) -> None:
    """What the ingester's listeners do with an accepted reading."""
    reading = Reading(device_id, "flood", datetime.now(UTC), {"water_level_cm": cm})
    ctx.live.apply([reading])
    ctx.alerts.on_readings([reading])


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_a_level_iii_alarm_stays_on_the_wall_after_the_water_falls_until_acknowledged_then_several(page, ctx):
    page, _ = page
    takeover = page.locator(".takeover.active")
    water(ctx, "flood-01", 362)
    expect(takeover).to_be_visible(timeout=10_000)
    expect(takeover).to_contain_text("Báo động III tại Cầu Phò Nam: mực nước 362 cm")
    expect(takeover.locator(".takeover-action")).to_contain_text("sẵn sàng sơ tán")
    expect(takeover.locator(".takeover-cam figcaption")).to_have_text("Camera Cầu Phò Nam")
    water(ctx, "flood-01", 12.5)  # back to normal at once (clear_hold_min 0): the alarm must stay
    expect(takeover.locator(".takeover-returned")).to_have_text("ĐÃ TRỞ LẠI BÌNH THƯỜNG – chờ tiếp nhận",
                                                                timeout=10_000)
    expect(takeover.locator(".takeover-values")).to_contain_text("Hiện tại 12,5 cm")
    expect(takeover).to_contain_text("Báo động III")  # the peak, not the level it fell to
    shot(page, "takeover-returned-to-normal-1920x1080.png")
    (alert,) = ctx.alerts.active()
    assert alert.status is Status.CLEARED and alert.severity == "critical"

    page.click("#wall-mute")
    expect(page.locator(".takeover.active.muted")).to_be_visible(timeout=5_000)
    page.click("#wallack-button")
    expect(takeover).to_have_count(0, timeout=10_000)
    closed = ctx.alerts.get(alert.id).alert
    assert closed.status is Status.CLOSED and closed.acknowledged_by == OPERATOR
    assert [t.action for t in ctx.alerts.get(alert.id).history] == ["opened", "peak", "cleared", "acknowledged",
                                                                     "closed"]

    # several critical alarms: the newest three, "+1", the count; shelved together with a reason
    water(ctx, "flood-01", 371)
    water(ctx, "flood-02", 334)
    water(ctx, "flood-03", 92)
    ctx.alerts.on_camera_event(CameraEvent("cam-01", datetime.now(UTC), EventType.INTRUSION, zone="Sân chợ",
                                           score=0.82))
    expect(takeover.locator(".takeover-card")).to_have_count(3, timeout=10_000)
    expect(takeover.locator(".takeover-more")).to_have_text("+1 báo động khác")
    expect(takeover.locator(".takeover-count")).to_have_text("4 báo động khẩn cấp")
    expect(page.locator(".takeover.active.muted")).to_have_count(0)  # new alarms: the sound is back
    shot(page, "takeover-several-1920x1080.png")
    page.click("#wallack-shelve")
    expect(page.locator("#wall-takeovernotice")).to_have_text("Cần ghi lý do để tạm ẩn")
    page.fill("#wallack-shelvereason", "Đã cử tổ xung kích tới các điểm")
    page.click("#wallack-shelve")
    expect(takeover).to_have_count(0, timeout=10_000)
    shelved = ctx.alerts.active()
    assert len(shelved) == 4 and {(a.status, a.shelved_by) for a in shelved} == {(Status.OPEN, OPERATOR)}
    assert {a.shelved_reason for a in shelved} == {"Đã cử tổ xung kích tới các điểm"}


def test_a_note_typed_across_two_refreshes_is_kept_and_stored_with_the_acknowledgement(page, ctx):
    page, base = page
    water(ctx, "flood-01", 260)
    water(ctx, "flood-02", 230)
    ids = {a.subject: a.id for a in ctx.alerts.active()}
    page.goto(f"{base}/alerts")
    note = page.locator(f'#alerts-ctl-{ids["flood-01"]} input')
    expect(note).to_be_visible(timeout=10_000)
    note.click()
    note.type("Đã cử ")
    note.evaluate("el => { el.cocMark = 'typed here'; }")  # gone if the input were redrawn

    def refreshed() -> None:
        with page.expect_response(lambda r: "_dash-update-component" in r.url
                                  and "alerts-table" in (r.request.post_data or ""), timeout=15_000):
            pass

    for cm in (270, 280):  # both rows change between the refreshes: only the one not being edited is redrawn
        water(ctx, "flood-01", cm)
        water(ctx, "flood-02", cm - 40)
        refreshed()
    expect(page.locator(f'#alerts-row-{ids["flood-02"]} .alert-values')).to_contain_text("hiện tại 240 cm")
    expect(note).to_have_value("Đã cử ")
    assert note.evaluate("el => el.cocMark") == "typed here"  # the same input, never redrawn
    assert note.evaluate("el => document.activeElement === el")  # still focused: typing goes on
    page.keyboard.type("người trực tại cầu")
    page.click(f'#alerts-ctl-{ids["flood-01"]} button.btn-ack')
    expect(page.locator("#alertack-done")).to_contain_text("Đã lưu", timeout=10_000)
    acked = ctx.alerts.get(ids["flood-01"]).alert
    assert acked.status is Status.ACKNOWLEDGED and acked.acknowledged_note == "Đã cử người trực tại cầu"
    expect(page.locator(f'#alerts-row-{ids["flood-01"]} .alert-state')).to_contain_text(
        "Đã tiếp nhận (vanhanh): Đã cử người trực tại cầu", timeout=10_000)
    expect(note).to_have_value("")  # the note went with the acknowledgement
    shot(page, "alerts-page-1920x1080.png")
