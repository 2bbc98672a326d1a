"""Issue 11's pages in a real headless Chromium: a device back online after a retained 'offline', the flood chart's
three lines, the device list, the risk-level form reaching the wall, user management on /admin (add a user, log in
as them), the 404 page with the menu; screenshots of the wall, /sensors and /admin under artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect

from sensors.models import Reading
from tests.browser import logged_in_page
from tests.dashboard.conftest import USERS, password_of
from tests.dashboard.test_browser import SHOTS, shot


def open_as(browser: Browser, base: str, role: str, path: str, width: int = 1920, height: int = 1080):
    page = logged_in_page(browser, base, USERS[role], password_of(USERS[role]), width, height)
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}{path}")
    return page


def test_a_device_said_offline_comes_back_online_on_the_page_with_its_next_reading(browser, served, ctx):
    ctx.live.set_status("flood-02", "offline")  # the retained status `simulate` leaves behind
    page = open_as(browser, served.url, "operator", "/sensors")
    row = page.locator("#sensor-row-flood-02")
    expect(row).to_contain_text("Mất tín hiệu", timeout=10_000)
    assert page.locator(".sensors-table tbody tr").count() == len(ctx.config.sensors)
    ctx.live.apply([Reading("flood-02", "flood", datetime.now(UTC), {"water_level_cm": 81.0, "battery_v": 3.92})])
    expect(row).to_contain_text("Trực tuyến", timeout=10_000)  # the list refreshes every 5 s
    expect(row).to_contain_text("81 cm")
    expect(row).to_contain_text("3,92 V")
    shot(page, "sensors-1920x1080.png")
    page.context.close()


def test_the_flood_chart_draws_its_three_alarm_lines(browser, served):
    page = open_as(browser, served.url, "operator", "/sensors/flood-01")
    graph = page.locator("#sensor-graph-water_level_cm")
    expect(graph.locator(".main-svg").first).to_be_visible(timeout=15_000)
    lines = graph.locator(".shapelayer path")
    expect(lines).to_have_count(3)
    labels = graph.locator(".annotation-text").evaluate_all("els => els.map(e => e.textContent)")
    assert labels == ["BĐ I", "BĐ II", "BĐ III"]
    expect(page.locator("#sensor-status")).to_contain_text("Báo động I")
    expect(page.locator("#sensor-status")).to_contain_text("BĐ III 350 cm")
    bands = page.locator("#sensor-graph-pm25 .shapelayer path")  # the air device: VN_AQI bands behind PM2.5
    page.goto(f"{served.url}/sensors/pam-qt-01")
    expect(bands.first).to_be_attached(timeout=15_000)
    assert bands.count() >= 2
    shot(page, "sensor-air-1920x1080.png")
    page.context.close()


def test_an_announced_risk_level_reaches_the_wall(browser, served):
    page = open_as(browser, served.url, "operator", "/sensors")
    page.locator("#sensor-risklevel").click()
    page.locator(".VirtualizedSelectOption, .Select-option, [role=option]", has_text="3 – Rủi ro lớn").first.click()
    page.fill("#sensor-risknote", "Bản tin số 12 của Đài KTTV tỉnh")
    page.click("#sensor-risksave")
    expect(page.locator("#sensor-riskdone")).to_contain_text("Rủi ro lớn", timeout=10_000)
    page.goto(f"{served.url}/wall/overview")
    expect(page.locator("#wall-risk")).to_contain_text("Cấp độ rủi ro thiên tai: 3 – Rủi ro lớn", timeout=10_000)
    page.context.close()


def test_admin_adds_a_user_who_then_logs_in(browser, served):
    page = open_as(browser, served.url, "admin", "/admin")
    expect(page.locator("#admin-health")).to_be_visible(timeout=10_000)
    expect(page.locator("#admin-dead")).to_contain_text("pm25: không phải số hữu hạn")
    expect(page.locator("#admin-unknown")).to_contain_text("pam-moi-02")
    page.fill("#admin-newname", "canbo-moi")
    page.fill("#admin-newdisplay", "Trần Thị B")
    page.fill("#admin-newpassword", "mat-khau-moi-1")
    page.click("#admin-useradd")
    expect(page.locator("#admin-userdone")).to_contain_text("canbo-moi", timeout=10_000)
    expect(page.locator("#admin-user-canbo-moi")).to_contain_text("Vận hành")
    expect(page.locator("#admin-audit")).to_contain_text("Thêm người dùng", timeout=10_000)
    expect(page.locator("#admin-audit")).to_contain_text("Vận hành")  # the role, in Vietnamese
    assert "scrypt" not in page.content()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "admin-1920x1080.png")
    page.context.close()
    newcomer = logged_in_page(browser, served.url, "canbo-moi", "mat-khau-moi-1")
    newcomer.wait_for_url(f"{served.url}/wall/overview")
    expect(newcomer.locator(".wall")).to_be_visible(timeout=10_000)
    newcomer.context.close()


def test_an_unknown_address_gets_the_404_page_with_the_menu(browser, served):
    page = open_as(browser, served.url, "operator", "/")
    response = page.goto(f"{served.url}/khong-co-trang-nay")
    assert response.status == 404
    expect(page.locator("#page-notfound")).to_have_text("Không tìm thấy trang", timeout=10_000)
    expect(page.locator("#app-nav-sensors")).to_be_visible()
    assert page.goto(f"{served.url}/sensors/khong-co").status == 404
    page.context.close()


@pytest.mark.parametrize(("width", "height"), [(3840, 2160)])  # test_browser.py shoots 1920×1080 too
def test_wall_screenshots(browser, served, width, height):
    page = open_as(browser, served.url, "operator", "/wall/overview", width, height)
    expect(page.locator("#wall-aqi-value")).to_be_visible(timeout=10_000)
    expect(page.locator("#wall-map-legend")).to_be_visible()
    page.wait_for_timeout(1500)
    shot(page, f"wall-{width}x{height}.png")
    # the station name is whole on screen, not squeezed under the panel title (clipping ancestors count)
    expect(page.locator(".air-device .name-text").first).to_be_in_viewport(ratio=0.9)
    assert "+0 cm" not in page.content() and "-0 cm" not in page.content()
    assert (SHOTS / f"wall-{width}x{height}.png").stat().st_size > 10_000
    page.context.close()


def test_the_public_street_board_names_its_source_and_advises_sensitive_groups(browser, served):
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{served.url}/wall/street")
    expect(page.locator("#wall-aqi-value")).to_be_visible(timeout=10_000)
    us = page.locator("#wall-aqi-us")
    expect(us).to_have_text(re.compile(r"^\d+$"))
    expect(us).to_have_css("background-color", "rgba(0, 0, 0, 0)")  # the US AQI is not coloured
    expect(page.locator("#wall-air-source-pam-qt-01")).to_contain_text("Nguồn: Trung tâm xã")
    expect(page.locator(".aqi-sensitive")).to_contain_text("Người nhạy cảm:")
    page.wait_for_timeout(1000)
    shot(page, "street-1920x1080.png")
    page.context.close()
