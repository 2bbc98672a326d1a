"""The wall under a storm's load, in a real headless Chromium at 1920x1080 and 3840x2160: with 1 to 12 critical
alarms the takeover's "Tắt âm thanh / Tiếp nhận tất cả / Tạm ẩn" lie inside the viewport and take a click (nothing
covers them), the newest alarm is on screen, "+N" counts the alarms beyond the cards, and "CẢNH BÁO ĐANG MỞ" says
how many active alarms it does not show (acknowledged ones included). Screenshots under artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from alerts.models import Status
from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from configfile.loader import parse_config
from dashboard.app import create_app
from dashboard.auth import hash_password
from dashboard.context import AppContext
from ingest.live_state import LiveState
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading
from tests.browser import logged_in_page
from tests.dashboard.conftest import FrameWriter, Served, camera_system, password_of

WALL = Path(__file__).resolve().parents[1] / "fixtures" / "alerts" / "wall.yaml"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
OPERATOR = "vanhanh"
POINTS = 12
SIZES = [(1920, 1080), (3840, 2160)]
WAIT_MS = 30_000  # the wall refreshes every second; a busy test machine answers slower
BUTTONS = ("#wall-mute", "#wallack-button", "#wallack-shelve")


def storm_config() -> str:
    """wall.yaml with twelve flood points with long names (as a commune's are), cameras at the newest three."""
    data = yaml.safe_load(WALL.read_text(encoding="utf-8"))
    for i in range(4, POINTS + 1):
        data["sensors"].append({
            "id": f"flood-{i:02d}", "kind": "flood", "name": f"Điểm ngập số {i} đường liên thôn La Vân Thượng",
            "location": {"lat": 16.56 + i / 1000, "lon": 107.52 + i / 1000}, "interval_s": 300,
            "alarm_levels_cm": [150, 250, 350],
        })
    for i in range(POINTS - 2, POINTS + 1):  # the newest three points each have a camera (tiles, two-line captions)
        data["cameras"].append({"id": f"cam-{i:02d}", "name": f"Camera điểm ngập số {i} đường liên thôn La Vân Thượng",
                                "url": "synthetic:", "fps": 2, "flood_point": f"flood-{i:02d}"})
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    tmp = tmp_path_factory.mktemp("storm")
    env = {"COC_SECRET_KEY": "test-secret-key-0123456789", "HASH_OPERATOR": hash_password(password_of(OPERATOR))}
    config = parse_config(storm_config(), "storm.yaml", env)
    store = SqliteStore(tmp / "coc.sqlite")
    store.open()
    live = LiveState(config.sensors)
    alerts = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp / "alerts.sqlite", live, channels=[])
    alerts.start(tick=False)
    hub = CameraHub(config.cameras, camera_system(tmp))
    frames = FrameWriter(hub, online=tuple(c.id for c in config.cameras)).start()
    yield AppContext(config=config, store=store, live=live, alerts=alerts, cameras=hub)
    frames.stop()
    alerts.stop()
    store.close()


@pytest.fixture(scope="module")
def served(ctx: AppContext) -> Iterator[Served]:
    server = Served(create_app(ctx)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pages(browser: Browser, served: Served) -> Iterator[dict[tuple[int, int], Page]]:
    """The logged-in wall of the screen size under test, reused by the counts (the wall refreshes every second)."""
    opened: dict[tuple[int, int], Page] = {}
    yield opened
    for page in opened.values():
        page.context.close()


def wall_at(pages: dict[tuple[int, int], Page], browser: Browser, served: Served, size: tuple[int, int]) -> Page:
    if size not in pages:
        for other in pages.values():  # one wall refreshing at a time
            other.context.close()
        pages.clear()
        page = logged_in_page(browser, served.url, OPERATOR, password_of(OPERATOR), *size)
        page.wait_for_url(f"{served.url}/wall/overview")
        expect(page.locator("#wall-clock")).not_to_have_text("--:--:--", timeout=60_000)  # the first refresh came
        pages[size] = page
    return pages[size]


def water(ctx: AppContext, device_id: str, cm: float) -> None:
    reading = Reading(device_id, "flood", datetime.now(UTC), {"water_level_cm": cm})
    ctx.live.apply([reading])
    ctx.alerts.on_readings([reading])


def exactly(ctx: AppContext, count: int) -> None:
    """Exactly `count` critical alarms waiting for a person: points 1..count at level III, the others' alarms
    acknowledged and their water back to normal (closed)."""
    for alert in ctx.alerts.active():
        if int(alert.subject.split("-")[1]) > count:
            if alert.status in (Status.OPEN, Status.CLEARED):
                ctx.alerts.acknowledge(alert.id, "test")
            water(ctx, alert.subject, 10)
    for i in range(1, count + 1):
        water(ctx, f"flood-{i:02d}", 360 + i)
    waiting = [a for a in ctx.alerts.active() if a.severity == "critical" and a.status is Status.OPEN]
    assert len(waiting) == count


def inside_and_clickable(page: Page, selector: str, width: int, height: int) -> dict[str, float]:
    button = page.locator(selector)
    box = button.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (selector, box, width, height)
    button.click(trial=True, timeout=20_000)  # visible, stable, enabled and nothing on top of it
    on_top = page.evaluate(
        "([s, x, y]) => { const e = document.elementFromPoint(x, y); return !!e && !!e.closest(s); }",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, f"{selector} is covered at its centre"
    return box


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("count", range(1, POINTS + 1))
def test_the_takeover_keeps_its_buttons_on_screen(pages, browser, served, ctx, size, count) -> None:
    width, height = size
    exactly(ctx, count)
    page = wall_at(pages, browser, served, size)
    takeover = page.locator(".takeover.active")
    expect(takeover).to_be_visible(timeout=WAIT_MS)
    if count > 1:
        expect(takeover.locator(".takeover-count")).to_have_text(f"{count} báo động khẩn cấp", timeout=WAIT_MS)
    else:
        expect(takeover.locator(".takeover-count")).to_be_empty(timeout=WAIT_MS)
    shown = min(count, 3)
    expect(takeover.locator(".takeover-card")).to_have_count(shown)
    if count > shown:
        expect(takeover.locator(".takeover-more")).to_have_text(f"+{count - shown} báo động khác")
    else:
        expect(takeover.locator(".takeover-more")).to_have_count(0)
    for selector in BUTTONS:
        inside_and_clickable(page, selector, width, height)
    expect(takeover.locator(".takeover-card").first).to_be_in_viewport(ratio=0.9)  # the newest alarm is readable
    if count in (4, POINTS):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"wall-takeover-{count}-critical-{width}x{height}.png"))


def test_acknowledge_all_with_a_mouse_under_twelve_alarms_and_the_list_says_plus_n(pages, browser, served,
                                                                                  ctx) -> None:
    exactly(ctx, POINTS)
    page = wall_at(pages, browser, served, SIZES[0])
    expect(page.locator(".takeover-count")).to_have_text(f"{POINTS} báo động khẩn cấp", timeout=WAIT_MS)
    page.locator("#wallack-button").click()  # a real click at the button's place on screen
    expect(page.locator(".takeover.active")).to_have_count(0, timeout=WAIT_MS)
    active: list[Any] = ctx.alerts.active()
    assert len(active) == POINTS and {a.status for a in active} == {Status.ACKNOWLEDGED}
    assert {a.acknowledged_by for a in active} == {OPERATOR}
    # the list under it: 6 rows and "+6 cảnh báo khác (… đã tiếp nhận, còn hoạt động)", the hidden ones on hover
    more = page.locator("#wall-alerts-more")
    expect(more).to_contain_text("+6 cảnh báo khác", timeout=WAIT_MS)
    expect(more).to_contain_text("6 đã tiếp nhận, còn hoạt động")
    expect(page.locator(".panel-alerts .alert-row")).to_have_count(7)
    hidden = more.locator(".alert-text").get_attribute("title") or ""
    assert len(hidden.splitlines()) == 6 and all("Báo động III" in line for line in hidden.splitlines())
    expect(more).to_be_in_viewport(ratio=1)  # the count itself is not cut off
