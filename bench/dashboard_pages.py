"""Page timings of bench/dashboard.py in headless Chromium: the first wall after login on a cold server, /kpi's first
render after a leader's login, a report switch on /kpi, and the raw limit they are compared with (a static page
loading the same Dash bundles, with and without Plotly, in the same browser)."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly
from dash import Dash
from playwright.sync_api import Browser, Page, Request

RAW_DASH = "/bench/raw-dash"
RAW_PLOTLY = "/bench/raw-plotly"
KINDS = ("quarter", "6M", "9M", "year", "month")  # the /kpi report kinds (Quý, 6 tháng, …), clicked in turn
KPI_DRAWN = "document.querySelector('.kpi-table tbody tr') !== null && document.querySelector('#kpi-summary-met')"
LOADING = "document.querySelector('[data-dash-is-loading=\"true\"]') !== null"


@dataclass
class Timings:
    """Seconds per run of one measure."""

    name: str
    runs: list[float] = field(default_factory=list)

    def line(self, aim_s: float | None = None, limit_s: float | None = None) -> str:
        ms = sorted(r * 1000 for r in self.runs)
        text = (f"{self.name}: median {statistics.median(ms):.0f} ms, spread {ms[0]:.0f}–{ms[-1]:.0f} ms "
                f"({len(ms)} runs: {' · '.join(f'{m:.0f}' for m in (r * 1000 for r in self.runs))})")
        if limit_s:
            text += f"; {statistics.median(self.runs) / limit_s:.2f} × the raw limit"
        if aim_s is not None:
            text += f"; aim ≤ {aim_s * 1000:.0f} ms: {'OK' if statistics.median(self.runs) <= aim_s else 'ABOVE'}"
        return text


def raw_pages(app: Dash) -> dict[str, bytes]:
    """Two static pages with the scripts Dash's index loads (React, the renderer, dcc, html, dash_table) and no app
    (the least any Dash page costs), the second with Plotly's bundle too (what a page with a chart loads)."""
    with app.server.test_request_context():
        scripts = app._generate_scripts_html()  # noqa: SLF001 (the index's own script tags)
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    version = re.sub(r"[^\w-]", "_", plotly.__version__)  # as dash.fingerprint writes it: plotly.v7_1_0m<mtime>.min.js
    fingerprint = f"package_data/plotly.v{version}m{int(path.stat().st_mtime)}.min.js"
    plot = f'<script src="/_dash-component-suites/plotly/{fingerprint}"></script>'
    page = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>raw</title></head><body>{}</body></html>"
    return {RAW_DASH: page.format(scripts).encode(), RAW_PLOTLY: page.format(scripts + plot).encode()}


def serve_raw(app: Dash) -> None:
    """Answer the raw pages in front of the app's own server (same origin, same werkzeug, no login)."""
    pages = raw_pages(app)
    inner = app.server.wsgi_app

    def wsgi(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:  # Any: WSGI's environ
        body = pages.get(environ.get("PATH_INFO", ""))
        if body is None:
            answer: Iterable[bytes] = inner(environ, start)
            return answer
        start("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    app.server.wsgi_app = wsgi


@dataclass
class Tab:
    """A page of a fresh browser context and the Dash callbacks it has in flight."""

    page: Page
    in_flight: int = 0

    def count(self, request: Request, step: int) -> None:
        if "_dash-update-component" in request.url:
            self.in_flight += step


def new_page(browser: Browser) -> Tab:
    """A fresh browser context (empty HTTP cache, no cookies) at 1920×1080, counting callbacks in flight."""
    tab = Tab(browser.new_context(viewport={"width": 1920, "height": 1080}).new_page())
    tab.page.on("request", lambda r: tab.count(r, 1))
    tab.page.on("requestfinished", lambda r: tab.count(r, -1))
    tab.page.on("requestfailed", lambda r: tab.count(r, -1))
    return tab


def wait_until(tab: Tab, check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    end = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > end:
            raise TimeoutError("page not ready")
        tab.page.wait_for_timeout(5)


def settled(tab: Tab, expression: str) -> bool:
    """`expression` true in the page, nothing loading and no callback in flight."""
    return tab.in_flight == 0 and bool(tab.page.evaluate(f"({expression}) && !({LOADING})"))


def login_until(browser: Browser, base: str, user: tuple[str, str], ready: str) -> float:
    """Seconds from pressing 'Đăng nhập' to `ready` being true with nothing left to load."""
    tab = new_page(browser)
    page = tab.page
    page.goto(f"{base}/login")
    page.fill("#username", user[0])
    page.fill("#password", user[1])
    start = time.perf_counter()
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    wait_until(tab, lambda: settled(tab, ready))
    elapsed = time.perf_counter() - start
    page.context.close()
    return elapsed


def raw_limit(browser: Browser, base: str, path: str, runs: int) -> Timings:
    result = Timings(f"raw limit {path} (static page, the same bundles, fresh context: navigation → load)")
    for _ in range(runs):
        page = new_page(browser).page
        start = time.perf_counter()
        page.goto(f"{base}{path}", wait_until="load")
        result.runs.append(time.perf_counter() - start)
        page.context.close()
    return result


def report_switches(browser: Browser, base: str, leader: tuple[str, str], runs: int) -> Timings:
    """Click the report kinds in turn on one leader's /kpi: click → the body redrawn for that kind, settled."""
    result = Timings("/kpi report switch (click on a kind → #kpi-body redrawn)")
    tab = new_page(browser)
    page = tab.page
    page.goto(f"{base}/login")
    page.fill("#username", leader[0])
    page.fill("#password", leader[1])
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/kpi" in url, timeout=60_000)
    wait_until(tab, lambda: settled(tab, KPI_DRAWN))
    for i in range(runs):
        kind = KINDS[i % len(KINDS)]
        before = page.locator(".kpi-sum-period").first.inner_text()
        start = time.perf_counter()
        page.click(f"#kpi-kind input[value='{kind}']")
        wait_until(tab, lambda: settled(tab, KPI_DRAWN) and page.locator(".kpi-sum-period").first.inner_text()
                   != before)  # noqa: B023 (waited for within the loop's turn)
        result.runs.append(time.perf_counter() - start)
    page.context.close()
    return result


def measure(browser: Browser, cold_base: Callable[[], str], base: str, operator: tuple[str, str],
            leader: tuple[str, str], runs: int) -> list[str]:
    """Every page timing, `runs` times each; `cold_base()` serves a new app (empty caches) and returns its URL."""
    raw = raw_limit(browser, base, RAW_DASH, runs)
    raw_plot = raw_limit(browser, base, RAW_PLOTLY, runs)
    limit = statistics.median(raw.runs)
    wall = Timings("first wall after login, cold server (submit → AQI on screen, settled)")
    for _ in range(runs):
        wall.runs.append(login_until(browser, cold_base(), operator, "document.querySelector('#wall-aqi-value')"))
    kpi = Timings("/kpi first render (leader's login lands on /kpi → table drawn, settled)")
    for _ in range(runs):
        kpi.runs.append(login_until(browser, base, leader, KPI_DRAWN))
    switch = report_switches(browser, base, leader, max(runs, len(KINDS)))
    return [raw.line(), raw_plot.line(), wall.line(2.0, limit), kpi.line(1.0, limit), switch.line(0.5)]
