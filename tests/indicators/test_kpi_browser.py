"""/kpi in a real headless Chromium with the demo plan: the summary line, a bookmarked ?period= view, Vietnamese
numbers, 'chưa có số liệu' instead of empty bars, the report list and hamlets; screenshots for reviewers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from configfile.loader import parse_config
from dashboard.app import create_app
from dashboard.auth import hash_password
from dashboard.context import AppContext
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService
from tests.browser import logged_in_page
from tests.dashboard.conftest import Served

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ", province: "Huế", households: 1959}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
indicators:
  communes:
    - {id: yen-hoa, name: "Xã Yên Hòa"}
    - {id: la-bang, name: "Xã La Bằng"}
    - {id: sang-moc, name: "Xã Sảng Mộc"}
  report: {output_dir: REPORTS}
  hamlets:
    criteria:
      - {id: wifi, name_vi: "Có điểm wifi công cộng", name_en: "Public wifi"}
      - {id: camera, name_vi: "Có camera an ninh", name_en: "Security camera"}
      - {id: dvc, name_vi: "Hộ dùng dịch vụ công trực tuyến ≥ 50 %", name_en: "Households using online services"}
    hamlets:
      - id: khe-coc
        name: "Thôn Khe Cốc"
        assessments:
          - {period: "2026-03", met: [wifi]}
          - {period: "2026-09", met: [wifi, camera], evidence: {camera: "4 camera tại ngã ba"}}
      - {id: phu-le, name: "Thôn Phú Lễ", assessments: [{period: "2026-09", met: [wifi, camera, dvc]}]}
auth:
  users:
    - {username: lanhdao, role: leader, password_hash: "HASH"}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("kpi")
    text = CONFIG.replace("STATE", str(tmp / "state.sqlite")).replace("REPORTS", str(tmp / "reports"))
    config = parse_config(text.replace("HASH", hash_password("lanhdao-mat-khau")), "coc.yaml", {})
    service = IndicatorService(IndicatorSections.of(config), clock=lambda: datetime(2026, 10, 20, 2, tzinfo=UTC))
    service.start()
    service.load_demo()
    service.write_report("2026-09")
    server = Served(create_app(AppContext(config=config, indicators=service))).start()
    server.service = service  # type: ignore[attr-defined]
    yield server
    server.stop()
    service.stop()


@pytest.fixture(scope="module")
def page(browser: Browser, served: Served) -> Iterator[Page]:
    """One leader's session for the module (logging in is the slow part)."""
    page = logged_in_page(browser, served.url, "lanhdao", "lanhdao-mat-khau")
    page.console_lines = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_lines.append(message.text))  # type: ignore[attr-defined]
    page.wait_for_url(f"{served.url}/kpi**")
    yield page
    page.context.close()


def test_summary_line_vietnamese_numbers_and_the_period_in_the_url(page: Page) -> None:
    summary = page.locator("#kpi-summary-met")
    expect(summary).to_have_text(re.compile(r"^\d+/\d+ chỉ tiêu đạt kế hoạch$"), timeout=45_000)
    expect(page).to_have_url(re.compile(r"/kpi\?period=2026-10$"))
    revenue = page.locator("#kpi-row-budget_revenue td")
    expect(revenue.nth(1)).to_have_text("triệu đồng")
    expect(revenue.nth(2)).to_have_text("2.800 triệu đồng")  # the plan, with a thousands dot
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d)? triệu đồng", revenue.nth(4).inner_text())  # lũy kế
    assert re.fullmatch(r"\d+(,\d)? %", revenue.nth(5).inner_text())  # % of plan, decimal comma
    page.wait_for_timeout(800)
    page.screenshot(path=str(_shot("kpi-month-1920x1080.png")), full_page=False)


def test_a_bookmarked_quarter_view_of_one_pillar(page: Page, served: Served) -> None:
    page.goto(f"{served.url}/kpi?period=2026-Q3&pillar=economy")
    expect(page.locator(".kpi-sum-period")).to_have_text(" · Quý III/2026", timeout=45_000)
    expect(page.locator("#kpi-period")).to_contain_text("Quý III/2026")
    expect(page.locator("#kpi-pillar-economy")).to_be_visible()
    assert page.locator("#kpi-pillar-digital_transformation").count() == 0
    expect(page.locator("#kpi-kind input[value='quarter']")).to_be_checked()
    # Sảng Mộc has no socio-economic figures: its row says so and has no bar
    compare = page.locator("#kpi-card-budget_revenue .kpi-compare")  # HTML bars, not a Plotly figure
    expect(compare).to_contain_text("chưa có số liệu", timeout=30_000)
    expect(compare.locator(".kpi-bar-row", has_text="Xã Sảng Mộc")).to_contain_text("chưa có số liệu")
    bars = compare.locator(".kpi-bar-fill")
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert len(widths) == 3 and min(widths) > 5  # three communes with figures, each a visible bar
    page.wait_for_timeout(800)
    page.screenshot(path=str(_shot("kpi-quarter-economy-1920x1080.png")), full_page=True)


def test_nine_months_view_report_list_and_hamlets(page: Page, served: Served) -> None:
    page.goto(f"{served.url}/kpi?period=2026-9M")
    expect(page.locator(".kpi-sum-period")).to_have_text(" · 9 tháng đầu năm 2026", timeout=45_000)
    page.click("#kpi-kind input[value='year']")
    expect(page).to_have_url(re.compile(r"period=2026$"), timeout=30_000)
    expect(page.locator("#kpi-reports a")).to_have_count(3)  # PDF, DOCX, XLSX
    expect(page.locator("#kpi-reports")).to_contain_text("Tháng 9/2026 – PDF")
    made = served.service.report_files()[0].made_at  # type: ignore[attr-defined]
    local = made.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d %H:%M")  # the commune's time
    assert local in page.locator("#kpi-reports a").first.inner_text()
    expect(page.locator("#kpi-hamlets .hamlet").first).to_contain_text("Thôn Phú Lễ – đạt 3/3 tiêu chí")
    expect(page.locator("#hamlet-khe-coc")).to_contain_text("03/2026: 1 → 09/2026: 2")
    page.wait_for_timeout(500)
    page.screenshot(path=str(_shot("kpi-year-full.png")), full_page=True)
    # the old trend charts made Plotly warn 'bad format "%m/%Y"' (a date format on a category axis)
    assert not [line for line in page.console_lines if "bad format" in line]  # type: ignore[attr-defined]


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
