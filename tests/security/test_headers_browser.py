"""Security headers (CSP with frame-ancestors, nosniff, referrer policy) on every page, and the Dash pages still
work under them in a real headless Chromium: the wall, /kpi and /cameras render with no CSP violation."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser import logged_in_page
from tests.dashboard.conftest import USERS, app, config, ctx, environ, password_of, served  # noqa: F401 - fixtures

# page, who opens it (None: nobody logged in), an element that shows the page rendered with data
PAGES = [
    ("/wall/overview", "operator", "#wall-aqi-value"),
    ("/wall/street", None, "#wall-aqi-value"),
    ("/kpi", "leader", ".kpi-page"),
    ("/cameras", "police", ".police"),
]
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));"""


def test_headers_on_pages_and_api(app) -> None:  # noqa: F811 - the app fixture
    client = app.server.test_client()
    for path in ("/login", "/wall/street", "/api/health", "/_dash-layout", "/wall/overview"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]  # scripts by hash only
        assert "'unsafe-eval'" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"


def open_page(browser: Browser, base: str, path: str, role: str | None) -> tuple[Page, list[str]]:
    if role is None:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    else:
        page = logged_in_page(browser, base, USERS[role], password_of(USERS[role]))
        page.wait_for_load_state()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH_CSP)
    page.goto(f"{base}{path}")
    return page, console


def test_dash_pages_render_under_the_policy_and_no_other_site_can_frame_them(
    browser, served, tmp_path: Path  # noqa: F811 - the served fixture
) -> None:
    for path, role, mark in PAGES:
        page, console = open_page(browser, served.url, path, role)
        try:
            expect(page.locator(mark).first).to_be_visible(timeout=15_000)
        except AssertionError:  # seen twice in whole-suite runs, never alone: the renderer stopped after two
            page.reload()       # callbacks (no CSP report); one reload, and the policy checks below still apply
            expect(page.locator(mark).first).to_be_visible(timeout=15_000)
        page.wait_for_timeout(1000)  # a few refreshes and the clientside callbacks have run
        violations = page.evaluate("window.__csp")
        refused = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
        assert violations == [] and refused == [], (path, violations, refused)
        assert page.evaluate("typeof window.dash_clientside") == "object", path  # Dash's inline scripts ran
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}.png"))  # for a reviewer's eye
        page.context.close()
    page = browser.new_context().new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.set_content(f'<iframe id="f" src="{served.url}/wall/street" width="800" height="600"></iframe>')
    for _ in range(150):  # Playwright delivers console events while it waits
        if any("frame-ancestors" in line for line in console):
            break
        page.wait_for_timeout(100)
    assert any("frame-ancestors" in line for line in console), console
    assert page.frame_locator("#f").locator(".wall").count() == 0
    page.context.close()
