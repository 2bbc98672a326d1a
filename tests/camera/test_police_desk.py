"""The police desk in a real headless Chromium against the real app (camera hub, alerts service, state DB):
thumbnails refresh, an NVR's event shows in the camera's history with its snapshot, alert rows read as plain
Vietnamese with a thumbnail and open their camera, typed notes survive refreshes, the alarm sound and its mute,
and a leader's wall without camera images."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from camera.models import CameraEvent, EventType
from tests.browser import logged_in_page, pixels, wait_js
from tests.dashboard.conftest import USERS, app, config, ctx, environ, password_of, served  # noqa: F401

HOMES = {"police": "/cameras", "leader": "/kpi"}


def open_as(browser: Browser, base: str, role: str) -> Page:
    page = logged_in_page(browser, base, USERS[role], password_of(USERS[role]))
    page.wait_for_url(f"{base}{HOMES[role]}")
    return page


def intrusion(ctx, event_id: str, zone: str = "Sân UBND", snapshot: str | None = None) -> CameraEvent:  # noqa: F811
    """A camera intrusion, as the camera workers log it and the alerts service hears it."""
    event = CameraEvent(
        "cam-01", datetime.now(UTC), EventType.INTRUSION, event_id, zone=zone, score=0.91, snapshot=snapshot
    )
    if snapshot:
        path = ctx.cameras.system.snapshot_dir / snapshot
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ctx.cameras.latest_jpeg("cam-01"))
    return event


def test_desk_refreshes_reads_plainly_opens_the_camera_and_keeps_notes(browser, served, ctx) -> None:  # noqa: F811
    page = open_as(browser, served.url, "police")
    thumb = page.locator(".cam-card img.cam-thumb").first
    expect(thumb).to_be_visible(timeout=10_000)
    first_src, first_pixels = thumb.get_attribute("src"), pixels(thumb)
    wait_js(
        page, f"document.querySelector('.cam-card img.cam-thumb').getAttribute('src') !== {first_src!r}", timeout=10_000
    )
    wait_js(page, "document.querySelector('.cam-card img.cam-thumb').naturalWidth > 0", timeout=10_000)
    assert pixels(thumb) != first_pixels  # a new picture, not only a new URL
    expect(page.locator("#cam-offline")).to_contain_text("1/2 camera mất tín hiệu")

    # an NVR's event (recorded by ingest from MQTT) with a snapshot under the snapshot directory
    ctx.state_db.add_camera_event(intrusion(ctx, "", "Lòng đường", "cam-01/nvr/nvr-0001.jpg"))
    event = intrusion(ctx, "cam-01-desk-1", snapshot="cam-01/desk-1.jpg")
    ctx.cameras.runtime.append_event(event)
    ctx.alerts.on_camera_event(event)
    alert_id = next(a.id for a in ctx.alerts.list("open") if a.source == "camera")
    row = page.locator(f"#alerts-row-{alert_id}")
    expect(row).to_contain_text("Vùng Sân UBND · độ tin cậy 91 % · lúc", timeout=10_000)
    assert "score" not in row.inner_text() and "snapshot" not in row.inner_text()
    wait_js(page, "(window.cocCameraBeeps || 0) >= 1", timeout=5_000)  # the new alarm sounded
    row.locator("input").fill("Đang kiểm tra")
    src = thumb.get_attribute("src")
    for _ in range(2):  # two refreshes of the page's data
        wait_js(
            page, f"document.querySelector('.cam-card img.cam-thumb').getAttribute('src') !== {src!r}", timeout=10_000
        )
        src = thumb.get_attribute("src")
    assert row.locator("input").input_value() == "Đang kiểm tra"

    row.locator(".alert-open").click()  # the alert opens its camera: live view and history
    expect(page.locator("#cam-live")).to_contain_text("Chợ Quảng Thọ", timeout=10_000)
    wait_js(page, "document.querySelector('#cam-live-img').naturalWidth > 0", timeout=10_000)
    nvr = page.locator(".event-row", has_text="Lòng đường")
    expect(nvr).to_be_visible(timeout=10_000)
    expect(nvr.locator("img.event-thumb")).to_be_visible()
    wait_js(
        page,
        "Array.from(document.querySelectorAll('.event-row img')).every(i => i.complete && i.naturalWidth > 0)",
        timeout=10_000,
    )
    page.screenshot(path=str(served_shot("police-desk-1920x1080.png")))

    beeps = page.evaluate("window.cocCameraBeeps")
    page.click("#cam-mute")
    expect(page.locator("#cam-mute")).to_contain_text("Bật tiếng")
    tamper = CameraEvent("cam-02", datetime.now(UTC), EventType.TAMPER, "cam-02-t", zone="covered", score=0.9)
    ctx.cameras.runtime.append_event(tamper)
    ctx.alerts.on_camera_event(tamper)
    expect(page.locator(".alert-row", has_text="ống kính bị che")).to_be_visible(timeout=10_000)
    tamper_id = next(a.id for a in ctx.alerts.list("open") if a.subject == "cam-02")
    wait_js(page, f"window.cocCameraHeard === {tamper_id!r}", timeout=10_000)  # seen, and muted
    assert page.evaluate("window.cocCameraBeeps") == beeps
    page.context.close()


def test_camera_url_live_wall_and_hamlet_wall(browser, served) -> None:  # noqa: F811
    page = open_as(browser, served.url, "police")
    page.goto(f"{served.url}/cameras?camera=cam-01")
    expect(page.locator("#cam-live")).to_contain_text("Chợ Quảng Thọ", timeout=10_000)
    page.goto(f"{served.url}/cameras/live/cam-01")  # the live wall: one camera full screen
    wait_js(page, "document.querySelector('.cam-full-img') && document.querySelector('.cam-full-img').naturalWidth > 0")
    area = "Xã Quảng Thọ"  # the fixture cameras have no area nor flood point: the commune is their hamlet
    page.goto(f"{served.url}/cameras/hamlet/{area}")  # one hamlet's cameras, nothing else
    expect(page.locator(".hamlet-wall .cam-card")).to_have_count(2, timeout=10_000)
    assert not page.locator(".cam-side").is_visible()
    page.context.close()


def test_leaders_wall_shows_no_camera_image_it_may_not_load(browser, served) -> None:  # noqa: F811
    page = open_as(browser, served.url, "leader")
    page.goto(f"{served.url}/wall/overview")
    expect(page.locator(".cam-tile").first).to_be_visible(timeout=10_000)
    assert page.locator("img[src*='/api/cameras']").count() == 0
    broken = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).length")
    assert broken == 0
    page.context.close()


def served_shot(name: str):  # noqa: ANN201
    from tests.dashboard.test_browser import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def test_event_review_plays_the_clip_marks_a_false_alarm_and_exports_evidence(browser, served, ctx, tmp_path):  # noqa: F811
    from tests.camera.test_evidence_api import add_intrusion_with_clip

    add_intrusion_with_clip(ctx, tmp_path)
    page = open_as(browser, served.url, "police")
    page.goto(f"{served.url}/cameras/review")
    row = page.locator(".event-row", has_text="Sân UBND")
    expect(row).to_be_visible(timeout=10_000)
    row.click()
    detail = page.locator(".ev-detail")
    expect(detail).to_contain_text("42 s", timeout=10_000)
    expect(detail).to_contain_text("90 %")
    wait_js(page, "document.querySelector('#cam-clip') && document.querySelector('#cam-clip').readyState >= 2")
    assert page.evaluate("document.querySelector('#cam-clip').duration") > 2  # Chromium decodes the MP4
    page.locator(".ev-detail .btn", has_text="Đánh dấu báo động giả").click()
    expect(page.locator("#camack-falsedone")).to_contain_text("Đã đánh dấu báo động giả", timeout=10_000)
    expect(row.locator(".ev-status")).to_have_text("Báo động giả", timeout=10_000)
    page.keyboard.press("Home")  # keyboard: ↓ moves to the next row (here the only one stays selected)
    page.keyboard.press("ArrowDown")
    expect(page.locator(".event-row.selected")).to_have_count(1)
    href = page.locator("#cam-export").get_attribute("href")
    zipped = page.request.get(f"{served.url}{href}")
    assert zipped.status == 200
    from dashboard.evidence import verify

    assert verify(zipped.body()) == []
    page.screenshot(path=str(served_shot("police-review-1920x1080.png")))
    page.context.close()
