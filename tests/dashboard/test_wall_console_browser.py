"""No console error and no refused callback on the wall and the police desk, in a real headless Chromium: the
operator's wall through a camera intrusion's takeover (which shows that camera's picture), the police desk opening
an alert's event, and the event review opening a row. Every console error, uncaught page error and answer of 400 or
more fails the test with its text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Browser, Page, expect

from camera.models import CameraEvent, EventType
from tests.browser import logged_in_page, wait_js
from tests.dashboard.conftest import USERS, app, config, ctx, environ, password_of, served  # noqa: F401

HOMES = {"operator": "/wall/overview", "police": "/cameras"}
WAIT_MS = 30_000  # the pages refresh every few seconds; a busy test machine answers slower
CLIPPED = """() => {  // text cut without "…", "…" without the full text on hover, text cut by its box
  const out = [], name = el => `${el.className} "${(el.innerText || '').slice(0, 40)}"`;
  for (const el of document.querySelectorAll('.wall *')) {
    if (!el.getClientRects().length || el.closest('svg, .js-plotly-plot, .takeover:not(.active)')) continue;
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const cs = getComputedStyle(el), flex = /flex|grid/.test(cs.display);
    if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible') {
      if (cs.textOverflow !== 'ellipsis' || flex) out.push('cut without …: ' + name(el));
      else if (!el.closest('[title]')) out.push('… without title: ' + name(el));
    }
  }
  return out;
}"""
MAP_LABELS = """() => {  // the map's labels: none on another, none outside the plotted area
  const area = document.querySelector('.graph-map .nsewdrag').getBoundingClientRect();
  const boxes = Array.from(document.querySelectorAll('.graph-map .textpoint text'))
    .filter(t => t.textContent.trim()).map(t => [t.textContent, t.getBoundingClientRect()]);
  const out = [];
  boxes.forEach(([a, r], i) => {
    if (r.left < area.left - 1 || r.right > area.right + 1 || r.top < area.top - 1 || r.bottom > area.bottom + 1)
      out.push('outside: ' + a);
    boxes.slice(i + 1).forEach(([b, q]) => {
      if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) out.push(a + ' on ' + b);
    });
  });
  return [boxes.length, out];
}"""


class Console:
    """What a page said that a person at the screen would call broken."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console: {m.text[:300]}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {str(e)[:300]}"))
        page.on("response", self._response)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            body = ""
            if "_dash-update-component" in response.url:
                body = response.text()[:300]
            self.problems.append(f"HTTP {response.status} {response.url.split('?')[0]} {body}")


def open_as(browser: Browser, base: str, role: str) -> tuple[Page, Console]:
    page = logged_in_page(browser, base, USERS[role], password_of(USERS[role]))
    console = Console(page)
    page.wait_for_url(f"{base}{HOMES[role]}")
    return page, console


def intrusion(ctx, event_id: str) -> CameraEvent:  # noqa: F811
    """A camera intrusion with its snapshot on disk, as the camera workers log it and the alerts service hears it."""
    snapshot = f"cam-01/{event_id}.jpg"
    path = ctx.cameras.system.snapshot_dir / snapshot
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ctx.cameras.latest_jpeg("cam-01"))
    event = CameraEvent("cam-01", datetime.now(UTC), EventType.INTRUSION, event_id, zone="Sân UBND", score=0.91,
                        snapshot=snapshot)
    ctx.cameras.runtime.append_event(event)
    ctx.alerts.on_camera_event(event)
    return event


def test_the_wall_through_an_intrusion_takeover_logs_no_error(browser, served, ctx) -> None:  # noqa: F811
    page, console = open_as(browser, served.url, "operator")
    expect(page.locator(".panel-alerts .panel-body")).not_to_be_empty(timeout=WAIT_MS)
    intrusion(ctx, "cam-01-wall-1")
    takeover = page.locator(".takeover.active")
    expect(takeover).to_contain_text("Có người/phương tiện trong vùng giám sát tại Chợ Quảng Thọ", timeout=WAIT_MS)
    camera = takeover.locator(".takeover-cam img")  # the intruded camera's own picture
    expect(camera).to_have_attribute("alt", "Chợ Quảng Thọ", timeout=WAIT_MS)
    wait_js(page, "document.querySelector('.takeover-cam img').naturalWidth > 0", timeout=WAIT_MS)
    page.click("#wallack-button")
    expect(takeover).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(3_000)  # three more refreshes of every panel
    assert console.problems == []
    assert page.evaluate(CLIPPED) == []
    labels, overlaps = page.evaluate(MAP_LABELS)
    assert labels >= 2 and overlaps == []
    page.context.close()


def test_the_police_desk_opens_an_alerts_event_and_a_review_row_without_error(browser, served, ctx) -> None:  # noqa: F811
    page, console = open_as(browser, served.url, "police")
    event = intrusion(ctx, "cam-01-desk-9")
    alert_id = next(a.id for a in ctx.alerts.list("open") if a.source == "camera")
    row = page.locator(f"#alerts-row-{alert_id}")
    expect(row).to_contain_text("Vùng Sân UBND", timeout=WAIT_MS)
    with page.expect_response(lambda r: "_dash-update-component" in r.url
                              and "cam-open" in (r.request.post_data or ""), timeout=WAIT_MS) as opened:
        row.locator(".alert-open").click()
    assert opened.value.status == 200, opened.value.text()[:300]  # was 400: "outputs has property 'data@…'"
    expect(page.locator("#cam-live")).to_contain_text("Chợ Quảng Thọ", timeout=WAIT_MS)
    page.goto(f"{served.url}/cameras/review")
    event_row = page.locator(".event-row", has_text="Sân UBND").first
    expect(event_row).to_be_visible(timeout=WAIT_MS)
    event_row.click()
    expect(page.locator("#cam-detail")).to_contain_text("Sân UBND", timeout=WAIT_MS)
    assert event.event_id
    page.wait_for_timeout(2_000)
    assert console.problems == []
    page.context.close()
