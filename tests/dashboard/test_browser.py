"""The pages in a real headless Chromium: homes by role, 403s, the wall's AQI and takeover, the public screen,
live MJPEG, language switch, and screenshots for reviewers under artifacts/screenshots/."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from camera.models import CameraEvent, EventType
from sensors.models import Reading
from tests.browser import logged_in_page, wait_js
from tests.dashboard.conftest import USERS, password_of

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
HOMES = {"admin": "/admin", "operator": "/wall/overview", "police": "/cameras", "leader": "/kpi"}
HOME_MARK = {"admin": ".admin", "operator": ".wall", "police": ".police", "leader": ".kpi-page"}


def open_as(browser: Browser, base: str, role: str | None, width: int = 1920, height: int = 1080) -> Page:
    if role is None:
        return browser.new_context(viewport={"width": width, "height": height}).new_page()
    page = logged_in_page(browser, base, USERS[role], password_of(USERS[role]), width, height)
    page.wait_for_url(f"{base}{HOMES[role]}")
    return page


def shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path))
    return path


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_page(browser, served, role):
    page = open_as(browser, served.url, role)
    expect(page.locator(HOME_MARK[role])).to_be_visible(timeout=10_000)
    if role == "admin":
        expect(page.locator(".data-table").first).to_be_visible(timeout=10_000)
        expect(page.locator(".admin")).to_contain_text("pm25: không phải số hữu hạn")  # the reason, in Vietnamese
        expect(page.locator(".admin")).to_contain_text("pam-moi-02")
        assert "scrypt" not in page.content()  # password hashes are never shown
        shot(page, "admin-1920x1080.png")
    page.context.close()


def test_a_role_cannot_open_another_roles_page_nor_call_its_callbacks(browser, served):
    page = open_as(browser, served.url, "police")
    response = page.goto(f"{served.url}/kpi")
    assert response.status == 403
    expect(page.locator("#message-title")).to_have_text("Không đủ quyền")
    status = page.evaluate("""async () => {
        const token = document.cookie.split('; ').find(c => c.startsWith('_csrf_token=')).split('=')[1];
        const r = await fetch('/_dash-update-component', {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({output: 'admin-body.children', outputs: {id: 'admin-body', property: 'children'},
                                  inputs: [{id: 'admin-tick', property: 'n_intervals', value: 1}],
                                  changedPropIds: [], state: []})});
        return r.status; }""")
    assert status == 403
    page.context.close()


def test_wall_shows_the_aqi_value_and_colour_of_the_api(browser, served):
    page = open_as(browser, served.url, "operator")
    api = page.request.get(f"{served.url}/api/sensors").json()
    vn = next(s for s in api["sensors"] if s["kind"] == "air")["aqi"]["vn"]
    value = page.locator("#wall-aqi-value")
    expect(value).to_have_text(str(vn["value"]), timeout=10_000)
    assert value.get_attribute("data-colour") == vn["colour"]
    red, green, blue = (int(vn["colour"][i : i + 2], 16) for i in (1, 3, 5))
    expect(value).to_have_css("background-color", f"rgb({red}, {green}, {blue})")
    page.context.close()


def test_a_level_iii_flood_reading_takes_over_the_wall_within_5_s(browser, served, ctx):
    page = open_as(browser, served.url, "operator")
    expect(page.locator(".device-tile").first).to_be_visible(timeout=10_000)
    expect(page.locator(".takeover.active")).to_have_count(0)
    reading = Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 362.0})
    ctx.live.apply([reading])  # what the ingester's listeners do with an accepted reading
    ctx.alerts.on_readings([reading])
    banner = page.locator(".takeover.active")
    expect(banner).to_be_visible(timeout=5_000)
    expect(banner).to_contain_text("Cầu Phò Nam")
    wait_js(page, "window.cocAlarmBeeps > 0", timeout=5_000)  # the Web Audio alarm sounded
    shot(page, "wall-takeover-1920x1080.png")
    page.click("#wallack-button")
    expect(banner).to_have_count(0, timeout=5_000)
    assert ctx.alerts.list("acknowledged")[0].acknowledged_by == USERS["operator"]
    page.context.close()


def test_public_screen_opens_without_login_and_shows_no_camera_image(browser, served):
    page = open_as(browser, served.url, None)
    page.goto(f"{served.url}/wall/street")
    expect(page.locator("#wall-aqi-value")).to_be_visible(timeout=10_000)
    assert page.locator("img").count() == 0
    assert "/api/cameras" not in page.content()
    page.goto(f"{served.url}/wall/overview")
    assert "/login" in page.url
    page.context.close()


def camera_intrusion(ctx) -> str:
    """A camera worker's intrusion event with its snapshot, as the ingester hands it to the hub's log
    and alerts."""
    now = datetime.now(UTC)
    event = CameraEvent(
        "cam-01",
        now,
        EventType.INTRUSION,
        event_id=f"cam-01-{int(now.timestamp())}",
        zone="Sân UBND",
        score=0.8,
        snapshot="cam-01/intrusion.jpg",
    )
    path = ctx.cameras.system.snapshot_dir / event.snapshot
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ctx.cameras.latest_jpeg("cam-01"))
    ctx.cameras.runtime.append_event(event)
    ctx.alerts.on_camera_event(event)
    return next(a.id for a in ctx.alerts.list("open") if a.source == "camera")


def test_police_view_live_mjpeg_changes_and_alert_is_acknowledged_with_a_note(browser, served, ctx):
    alert_id = camera_intrusion(ctx)
    page = open_as(browser, served.url, "police")
    row = page.locator(f"#alerts-row-{alert_id}")
    expect(row).to_be_visible(timeout=10_000)
    expect(row.locator("img.alert-thumb")).to_be_visible()
    page.locator(".cam-card", has_text="Chợ Quảng Thọ").click()
    live = page.locator("#cam-live-img")
    expect(live).to_be_visible(timeout=10_000)
    wait_js(page, "document.querySelector('#cam-live-img').naturalWidth > 0", timeout=10_000)
    expect(page.locator(".event-thumb").first).to_be_visible(timeout=10_000)
    first = live.screenshot()
    time.sleep(1.0)
    assert live.screenshot() != first
    shot(page, "police-1920x1080.png")
    row.locator("input").fill("Đã cử công an viên tới kiểm tra")
    row.locator("button", has_text="Tiếp nhận").click()
    expect(page.locator("#camack-done")).to_contain_text("Đã lưu", timeout=10_000)
    alert = next(a for a in ctx.alerts.list("all") if a.id == alert_id)
    assert alert.status == "acknowledged" and alert.acknowledged_by == USERS["police"]
    assert alert.acknowledged_note == "Đã cử công an viên tới kiểm tra"
    page.context.close()


def test_vietnamese_is_the_default_and_the_switch_gives_english(browser, served):
    page = open_as(browser, served.url, "leader")
    expect(page.locator("#app-nav-alerts")).to_have_text("Cảnh báo", timeout=10_000)
    page.click("#app-lang")
    expect(page.locator("#app-nav-alerts")).to_have_text("Alerts", timeout=10_000)
    expect(page.locator("h1").first).to_have_text("Socio-economic and digital transformation indicators")
    page.context.close()


def test_leaders_view_shows_pillars_and_export(browser, served):
    page = open_as(browser, served.url, "leader", 1600, 1000)
    expect(page.locator("#kpi-pillar-digital_transformation")).to_be_visible(timeout=15_000)
    expect(page.locator(".kpi-card").first).to_be_visible()
    assert page.locator("#kpi-export-xlsx").get_attribute("href").startswith("/api/kpis/export?format=xlsx")
    page.wait_for_timeout(500)
    shot(page, "leaders-1600x1000.png")
    page.context.close()


@pytest.mark.parametrize(("width", "height"), [(3840, 2160), (1920, 1080)])
def test_wall_screenshots_fit_without_scrolling(browser, served, width, height):
    page = open_as(browser, served.url, "operator", width, height)
    expect(page.locator("#wall-aqi-value")).to_be_visible(timeout=10_000)
    expect(page.locator(".cam-img").first).to_be_visible()
    page.wait_for_timeout(1500)
    scroll = page.evaluate("[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
    assert scroll[0] <= height and scroll[1] <= width
    shot(page, f"wall-{width}x{height}.png")
    page.context.close()


def test_lost_connection_banner_appears_when_the_server_stops(browser, served):
    page = open_as(browser, served.url, "operator")
    expect(page.locator(".device-tile").first).to_be_visible(timeout=10_000)
    expect(page.locator("#wall-offline")).to_be_hidden()
    served.stop()
    expect(page.locator("#wall-offline")).to_be_visible(timeout=15_000)
    expect(page.locator("#wall-offline")).to_contain_text("MẤT KẾT NỐI")
    page.context.close()


def test_wall_second_page_shows_kpi_tiles(browser, served, ctx):
    """The rotation's second page (KPI tiles and clock), shown by switching the page store as rotation
    does."""
    page = open_as(browser, served.url, "operator")
    expect(page.locator("#wall-aqi-value")).to_be_visible(timeout=10_000)
    page.locator("[id*='wall-pagebox']").nth(1).evaluate("el => { el.style.display = 'grid'; }")
    page.locator("[id*='wall-pagebox']").nth(0).evaluate("el => { el.style.display = 'none'; }")
    expect(page.locator(".kpi-tile").first).to_be_visible(timeout=10_000)
    assert page.locator(".kpi-tile").count() >= 3
    shot(page, "wall-page2-1920x1080.png")
    page.context.close()
