"""Debian's headless Chromium for tests and benchmarks, with the flags this closed network needs."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """The system Chromium driven by Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def logged_in_page(browser: Any, base: str, username: str, password: str, width: int = 1920,
                   height: int = 1080) -> Any:
    """A fresh browser context at `width`×`height` that has submitted the login form (the caller waits for
    whatever page that user lands on)."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    return page


def wait_js(page: Any, expression: str, timeout: float = 10_000) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function evaluates a string in the page,
    which COC's Content-Security-Policy forbids; evaluate() goes through the DevTools protocol instead."""
    from tests.polling import wait_until

    wait_until(lambda: bool(page.evaluate(expression)), expression, timeout / 1000)


def pixels(locator: Any, tries: int = 5) -> bytes:
    """A PNG of the element `locator` finds now. A page that re-renders (thumbnails refreshing) can replace the
    element while it is captured; then the locator finds the new one and the capture is taken again."""
    from playwright.sync_api import Error

    for attempt in range(tries):
        try:
            return locator.screenshot(timeout=5_000)
        except Error as exc:
            if "not attached" not in str(exc) or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")
