"""A merged commune on /kpi and /api/kpis, with the demo figures and their former units: rows carry combined_from,
?unit= gives a former commune's own figures, the trend charts have the 'Sáp nhập 01/07/2025' line and the summed
points say so on hover; the page in Chromium (screenshot for reviewers)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect
from plotly.utils import PlotlyJSONEncoder

from configfile.loader import parse_config
from configfile.schema import CocConfig
from dashboard.app import create_app
from dashboard.auth import hash_password
from dashboard.context import AppContext
from dashboard.kpi_figures import trend_figure
from dashboard.pages.kpi_body import body
from dashboard.pages.kpi_units import row_notes
from dashboard.read.kpi_views import ReportPageView
from dashboard.read.kpis import KpiReads
from indicators.models import Pillar
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService
from tests.browser import logged_in_page
from tests.dashboard.conftest import Served

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
UNITS = ["quang-tho-cu", "quang-phuoc"]
TOKEN = "token-leader-merged-0123456789"
CONFIG = """\
commune:
  id: quang-tho
  name: "Xã Quảng Thọ"
  province: "Thừa Thiên Huế"
  households: 1959
  former_units:
    - {id: quang-tho-cu, name: "Xã Quảng Thọ (cũ)", merged_on: 2025-07-01}
    - {id: quang-phuoc, name: "Xã Quảng Phước (cũ)", merged_on: 2025-07-01}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
indicators:
  communes:
    - {id: yen-hoa, name: "Xã Yên Hòa"}
    - {id: la-bang, name: "Xã La Bằng"}
    - {id: sang-moc, name: "Xã Sảng Mộc"}
auth:
  users:
    - {username: lanhdao, role: leader, password_hash: "HASH"}
  api_tokens:
    - {name: leader-client, role: leader, token: TOKEN}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> CocConfig:
    tmp = tmp_path_factory.mktemp("merged")
    text = CONFIG.replace("STATE", str(tmp / "state.sqlite")).replace("TOKEN", TOKEN)
    return parse_config(text.replace("HASH", hash_password("lanhdao-mat-khau")), "coc.yaml", {})


@pytest.fixture(scope="module")
def service(site: CocConfig) -> Iterator[IndicatorService]:
    svc = IndicatorService(IndicatorSections.of(site), clock=lambda: datetime(2026, 10, 20, 2, tzinfo=UTC))
    svc.start()
    report = svc.load_demo()
    assert report.problems == () and any(f.commune == "quang-phuoc" for f in svc.db.figures())
    yield svc
    svc.stop()


@pytest.fixture(scope="module")
def app(service: IndicatorService, site: CocConfig) -> Any:
    return create_app(AppContext(config=site, indicators=service))


@pytest.fixture(scope="module")
def served(app: Any) -> Iterator[Served]:
    server = Served(app).start()
    yield server
    server.stop()


@pytest.fixture
def client(app: Any) -> FlaskClient:
    return app.server.test_client()


def get(client: FlaskClient, url: str) -> dict:
    response = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def test_rows_before_the_merger_are_sums_of_the_former_units(client: FlaskClient, service: IndicatorService) -> None:
    body = get(client, "/api/kpis?period=2025-06&commune=quang-tho")
    assert [c["id"] for c in body["communes"]] == ["quang-tho", "la-bang", "sang-moc", "yen-hoa"]  # no units
    assert [u["id"] for u in body["former_units"]] == UNITS and body["former_units"][0]["merged_on"] == "2025-07-01"
    rows = {r["id"]: r for r in body["kpis"]}
    cashless = rows["cashless_households_rate"]
    stored = {(f.commune, f.metric): f.value for f in service.db.figures() if f.period == "2025-06"}
    accounts = sum(stored[(u, "households_with_payment_account")] for u in UNITS)
    households = sum(stored[(u, "households_total")] for u in UNITS)
    assert cashless["value"] == pytest.approx(accounts / households * 100, abs=1e-6)
    assert cashless["combined_from"] == UNITS and cashless["rank_of"] == 4
    camera = rows["camera_availability_rate"]
    assert camera["value"] is None and camera["combined_from"] == [] and "không cộng được" in camera["reason"]
    after = {r["id"]: r for r in get(client, "/api/kpis?period=2025-07&commune=quang-tho")["kpis"]}
    assert after["cashless_households_rate"]["combined_from"] == [] and after["camera_availability_rate"]["value"]


def test_unit_gives_a_former_communes_own_figures_and_history_shows_the_break(client: FlaskClient) -> None:
    body = get(client, "/api/kpis?period=2025-06&unit=quang-phuoc")
    assert body["unit"] == "quang-phuoc"
    rows = {r["id"]: r for r in body["kpis"]}
    assert {r["commune"] for r in body["kpis"]} == {"quang-phuoc"}
    assert rows["cashless_households_rate"]["commune_name"] == "Xã Quảng Phước (cũ)"
    assert rows["camera_availability_rate"]["value"] is not None and rows["cashless_households_rate"]["rank"] is None
    same = get(client, "/api/kpis?period=2025-06&commune=quang-phuoc")  # as callers wrote it before former units
    assert [(r["id"], r["value"]) for r in same["kpis"]] == [(r["id"], r["value"]) for r in body["kpis"]]
    points = get(client, "/api/kpis/tthc_received/history?commune=quang-tho&from=2025-05&to=2025-08")["points"]
    assert [p["combined_from"] for p in points] == [UNITS, UNITS, [], []]
    response = client.get("/api/kpis?unit=quang-phu", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400 and "quang-tho-cu, quang-phuoc" in response.get_json()["message"]


def test_the_trend_figure_has_the_merger_line_and_hover_text(service: IndicatorService) -> None:
    data = report(service, "2026-10", Pillar.DIGITAL_TRANSFORMATION)
    points = data.history["cashless_households_rate"]
    assert points[0].period == "2025-04" and points[-1].period == "2026-10"  # back to 3 months before the merger
    for lang, line, summed in (("vi", "Sáp nhập 01/07/2025", "cộng từ các xã cũ: <br>Xã Quảng Thọ (cũ)<br>Xã Quảng "
                                "Phước (cũ)"), ("en", "Merger 01/07/2025", "summed from former communes: <br>Xã")):
        fig = trend_figure(points, None, "#e03131", "%", lang, data.merger)
        [note] = [a for a in fig["layout"]["annotations"] if a.get("name") == "merger"]
        assert note["text"] == line and note["x"] == 2.5  # between 6/2025 (index 2) and 7/2025 (index 3)
        assert fig["layout"]["xaxis"]["range"] == [-0.5, len(points) - 0.5]  # the label does not widen the axis
        [shape] = [s for s in fig["layout"]["shapes"] if s["xref"] == "x"]
        assert shape["x0"] == shape["x1"] == 2.5 and shape["yref"] == "paper"
        hover = fig["data"][0]["customdata"]
        assert all(summed in h for h in hover[:3]) and not any(summed in h for h in hover[3:])
        assert fig["data"][0]["marker"]["symbol"][:4] == ["circle-open"] * 3 + ["circle"]


@pytest.fixture(scope="module")
def page(browser: Browser, served: Served) -> Iterator[Page]:
    page = logged_in_page(browser, served.url, "lanhdao", "lanhdao-mat-khau")
    page.wait_for_url(f"{served.url}/kpi**")
    yield page
    page.context.close()


def test_the_kpi_page_draws_the_break_and_filters_by_former_commune(page: Page, served: Served) -> None:
    page.goto(f"{served.url}/kpi?period=2026-10&pillar=digital_transformation")
    expect(page.locator("#kpi-merger-note")).to_contain_text("Sáp nhập 01/07/2025", timeout=45_000)
    spark = page.locator("#kpi-card-cashless_households_rate .kpi-spark")  # the card's light trend marks it too
    expect(spark.locator(".kpi-spark-merger")).to_contain_text("Sáp nhập 01/07/2025")
    assert spark.locator(".kpi-spark-col.summed").count() == 3  # 4, 5 and 6/2025: sums of the former communes
    page.click("#kpi-card-cashless_households_rate .kpi-chart-open")  # the detailed trend, drawn on demand
    card = page.locator("#kpi-card-cashless_households_rate .kpi-trend")
    expect(card.locator("text=Sáp nhập 01/07/2025")).to_be_visible(timeout=30_000)
    dashed = card.locator("path[style*='stroke-dasharray']")
    assert dashed.count() >= 1  # the merger line (the rate has no plan line)
    expect(page.locator("#kpi-row-cashless_households_rate td").nth(3)).to_have_text(re.compile(r"^\d+(,\d)? %$"))
    page.locator("#kpi-charts").evaluate("element => element.scrollIntoView()")  # the caption and charts on top
    points = card.locator("g.points path")
    box = points.nth(1).bounding_box()  # 5/2025: a sum of the two former communes
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # plotly's drag layer is on top
    expect(card.locator(".hoverlayer")).to_contain_text("cộng từ các xã cũ", timeout=10_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "kpi-merger-break-1920x1080.png"), full_page=False)
    page.goto(f"{served.url}/kpi?period=2025-06&pillar=digital_transformation&unit=quang-phuoc")
    note = page.locator("#unit-kpi-merger-note")
    expect(note).to_contain_text("Số liệu riêng của Xã Quảng Phước (cũ)", timeout=45_000)
    expect(page.locator("#kpi-unit-filter")).to_contain_text("Xã Quảng Phước (cũ)")
    unit_rows = page.locator("#kpi-unit-body #unit-kpi-row-dvc_full_online_rate td")
    expect(unit_rows.nth(3)).to_have_text(re.compile(r"^\d+(,\d)? %$"))  # the unit's own share is there
    assert page.locator("#kpi-body-wrap").is_hidden()


def test_the_report_page_data_of_a_quarter_before_the_merger(service: IndicatorService) -> None:
    data = report(service, "2025-Q2", Pillar.ADMINISTRATIVE_REFORM)
    assert data.merger is not None
    assert data.merger.units == (("quang-tho-cu", "Xã Quảng Thọ (cũ)"), ("quang-phuoc", "Xã Quảng Phước (cũ)"))
    rows = {r.id: r for r in data.rows}
    assert list(rows["tthc_received"].row.combined_from) == UNITS
    assert "cộng từ các xã cũ Xã Quảng Thọ (cũ), Xã Quảng Phước (cũ)" in (rows["tthc_received"].row.merger_note or "")
    assert row_notes(rows["tthc_received"], "vi") == ["cộng từ các xã cũ (trước sáp nhập)"]
    camera = report(service, "2025-Q2", Pillar.DEFENCE_SECURITY).rows
    [availability] = [r for r in camera if r.id == "camera_availability_rate"]
    assert availability.row.months_missing and row_notes(availability, "en") == [  # not 'no figures for 4/2025 …'
        "before the merger: cannot be added up from the former communes; see each one (Area)"]
    names = {bar.name for bars in data.compare.values() for bar in bars}
    assert names == {"Xã Quảng Thọ", "Xã Yên Hòa", "Xã La Bằng", "Xã Sảng Mộc"}  # former units are not compared
    json.dumps(body(data, "vi", Pillar.ADMINISTRATIVE_REFORM), cls=PlotlyJSONEncoder)  # what the page receives


def report(service: IndicatorService, period: str, pillar: Pillar) -> ReportPageView:
    view = KpiReads(service).report(period, pillar)
    assert view is not None
    return view
