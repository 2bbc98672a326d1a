"""Every page for every configured role on a phone (390×844) in a real Chromium: no sideways scrolling, no text cut
without an ellipsis, and the actions a patrol officer or a chairman needs inside the screen: the police desk's alert
panel, "Tiếp nhận tất cả", "Hoàn thành xử lý", the review's detail with its enlargeable snapshot, "Đăng xuất"; the
KPI table stacked one card per indicator. The pages come from the app's own registry (dashboard.pages.LAYOUTS and
access.page_exists), the roles from the configuration's users."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard import access
from dashboard.pages import LAYOUTS
from tests.browser import logged_in_page, wait_js
from tests.dashboard.conftest import USERS, password_of
from tests.dashboard.test_browser import camera_intrusion, shot

PHONE = {"width": 390, "height": 844}

# Text cut off: an element whose own text overflows a box that hides it without "…", or that sticks out past the
# right edge of the screen outside any box that scrolls sideways.
PROBLEMS_JS = """() => {
  const W = window.innerWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const ownText = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || !ownText(el)) continue;
    const name = el.tagName + (el.id ? '#' + el.id : '') + ' "' + el.textContent.trim().slice(0, 40) + '"';
    if (r.right > W + 1 && !scrolls(el)) out.push('past the edge: ' + name);
    if (['hidden', 'clip'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1
        && cs.textOverflow !== 'ellipsis') out.push('cut without …: ' + name);
  }
  return {scroll: document.documentElement.scrollWidth, width: W, problems: out.slice(0, 10)};
}"""


def page_paths(config: Any) -> list[str]:
    """Every page the app registers (its router's families), with the paths the configuration gives them, kept
    only when the app says the page exists."""
    walls, sensors = [w.id for w in config.walls], [s.id for s in config.sensors]
    cameras = [c.id for c in config.cameras]
    candidates = {
        "wall": [f"/wall/{w}" for w in walls],
        "sensors": ["/sensors"] + [f"/sensors/{s}" for s in sensors[:2]],
        "cameras": ["/cameras", "/cameras/review"] + [f"/cameras/live/{c}" for c in cameras[:1]],
    }
    paths = [p for family in LAYOUTS for p in candidates.get(family, [f"/{family}"])]
    return [p for p in paths if access.page_exists(p, walls, sensors)]


def role_pages(config: Any) -> list[tuple[str, str]]:
    roles = sorted({u.role.value if hasattr(u.role, "value") else str(u.role) for u in config.auth.users})
    return [(role, path) for role in roles for path in page_paths(config)
            if access.page_allowed(path, access.Role(role), config.web.public_screens)]


def phone_as(browser: Any, base: str, role: str) -> Page:
    name = USERS[role]
    page = logged_in_page(browser, base, name, password_of(name), PHONE["width"], PHONE["height"])
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def inside(page: Page, selector: str) -> None:
    """The element is on the page and, scrolled to, lies within the screen's width and height."""
    element = page.locator(selector).first
    expect(element).to_be_visible(timeout=15_000)
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (selector, box)
    assert box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"], (selector, box)


def test_the_walk_covers_every_page_family_and_role(config):
    pairs = role_pages(config)
    assert {p.strip("/").split("/")[0] for _r, p in pairs} == set(LAYOUTS)
    assert {r for r, _p in pairs} == {"admin", "leader", "operator", "police"}
    assert ("police", "/cameras/review") in pairs and ("police", "/kpi") not in pairs


@pytest.mark.parametrize("role", sorted(USERS))  # every role of the configuration: the test above checks they match
def test_every_page_of_every_role_fits_a_phone(browser, served, config, role):
    found: dict[str, Any] = {}
    page = phone_as(browser, served.url, role)
    paths = [p for r, p in role_pages(config) if r == role]
    assert paths
    for path in paths:
        page.goto(f"{served.url}{path}")
        wait_js(page, "document.querySelector('#app-page') && document.querySelector('#app-page').children.length > 0"
                " && !document.querySelector('[data-dash-is-loading=\"true\"]')", 20_000)
        page.wait_for_timeout(1000)  # the page's first callbacks (tables, lists) have drawn it
        result = page.evaluate(PROBLEMS_JS)
        if result["scroll"] > result["width"] or result["problems"]:
            found[f"{role} {path}"] = result
    page.context.close()
    assert not found, found


def test_police_desk_on_a_phone_keeps_its_actions_on_screen(browser, served, ctx):
    camera_intrusion(ctx)
    page = phone_as(browser, served.url, "police")
    page.goto(f"{served.url}/cameras")
    expect(page.locator("#cam-alerts .alert-row").first).to_be_visible(timeout=15_000)
    for selector in ("#app-logout", "#camack-all", "#cam-alerts .alert-row", "#cam-alerts .btn-ok"):
        inside(page, selector)
    expect(page.locator("#cam-alerts .btn-ok").first).to_have_text("Hoàn thành xử lý")
    assert "covered" not in page.locator("#cam-alerts").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "police-desk-phone-390x844.png")
    page.click("#camack-all")
    expect(page.locator("#camack-alldone")).to_contain_text("Đã tiếp nhận 1 cảnh báo", timeout=10_000)
    assert all(a.status.value != "open" for a in ctx.alerts.list("active") if a.source == "camera")
    page.context.close()


def test_the_review_detail_on_a_phone_opens_and_its_snapshot_enlarges(browser, served, ctx):
    camera_intrusion(ctx)
    page = phone_as(browser, served.url, "police")
    page.goto(f"{served.url}/cameras/review")
    row = page.locator(".event-row").first
    expect(row).to_be_visible(timeout=15_000)
    row.click()
    inside(page, ".ev-detail")
    inside(page, "#cam-snapshot")
    page.click("#cam-snapshot")  # enlarged to the whole screen, closed again
    expect(page.locator("#ev-zoomed")).to_be_visible()
    zoomed = page.locator("#ev-zoomed .ev-zoomed-media").bounding_box()
    assert zoomed is not None and zoomed["width"] >= PHONE["width"] - 1
    page.click("#ev-zoomed-close")
    expect(page.locator("#ev-zoomed")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def test_kpi_on_a_phone_stacks_each_indicator_with_its_column_names(browser, served):
    page = phone_as(browser, served.url, "leader")
    page.goto(f"{served.url}/kpi")
    row = page.locator(".kpi-table tbody tr").first
    expect(row).to_be_visible(timeout=20_000)
    inside(page, "#app-logout")
    cells = row.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert all(b is not None and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    tops = [b["y"] for b in boxes if b is not None]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one line each, not side by side over each other
    labels = cells.evaluate_all("cs => cs.map(c => getComputedStyle(c, '::before').content)")
    assert '"Thực hiện"' in labels and '"So cùng kỳ"' in labels and '"Đánh giá"' in labels
    status = row.locator(".kpi-status")
    inside(page, f"#{row.get_attribute('id')} .kpi-status")
    assert status.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # "Chưa đạt" whole
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "kpi-phone-390x844.png")
    page.context.close()
