"""The KPI API on the real Flask app: roles, results, history, export, and figures posted as JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from configfile.loader import parse_config
from configfile.schema import CocConfig
from dashboard.app import create_server
from dashboard.context import AppContext
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService

TOKENS = {role: f"token-{role}-0123456789" for role in ("admin", "operator", "leader", "police")}
CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ", households: 1959}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
indicators:
  targets: {sang-moc: {signed_docs_rate: 95}}
  communes:
    - {id: yen-hoa, name: "Xã Yên Hòa"}
    - {id: la-bang, name: "Xã La Bằng"}
    - {id: sang-moc, name: "Xã Sảng Mộc"}
auth:
  api_tokens:
""" + "".join(f"    - {{name: {r}-client, role: {r}, token: {t}}}\n" for r, t in TOKENS.items())


@pytest.fixture
def site(tmp_path: Path) -> CocConfig:
    return parse_config(CONFIG.replace("STATE", str(tmp_path / "state.sqlite")), "coc.yaml", {})


@pytest.fixture
def service(site: CocConfig) -> Iterator[IndicatorService]:
    svc = IndicatorService(IndicatorSections.of(site), clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    svc.start()
    assert svc.load_demo().inserted == 4032 + 1224 + 13 + 23  # figures, illustrative figures, plans 2025 and 2026
    yield svc
    svc.stop()


@pytest.fixture
def client(service: IndicatorService, site: CocConfig) -> FlaskClient:
    return create_server(AppContext(config=site, indicators=service)).test_client()


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("operator", 200), ("leader", 200), ("police", 403)]
)
def test_read_roles(client: FlaskClient, role: str, status: int) -> None:
    assert client.get("/api/kpis", headers=auth(role)).status_code == status
    assert client.get("/api/kpis/cashless_households_rate/history", headers=auth(role)).status_code == status
    assert client.get("/api/kpis/export", headers=auth(role)).status_code == status


def test_unauthenticated_is_401(client: FlaskClient) -> None:
    assert client.get("/api/kpis").status_code == 401
    assert client.post("/api/kpis/data", json=[]).status_code == 401
    assert client.get("/api/kpis", headers={"Authorization": "Bearer wrong-token-000000"}).status_code == 401


def test_kpis_of_one_commune_and_pillar(client: FlaskClient) -> None:
    body = client.get(
        "/api/kpis?period=2026-10&commune=quang-tho&pillar=digital_economy", headers=auth("leader")
    ).get_json()
    assert body["period"] == "2026-10"
    assert [c["id"] for c in body["communes"]] == ["quang-tho", "la-bang", "sang-moc", "yen-hoa"]
    rows = {r["id"]: r for r in body["kpis"]}  # digital_economy: the old name of a part of digital_transformation
    assert {"cashless_households_rate", "ecommerce_products", "digital_address_rate"} < set(rows)
    assert {r["pillar"] for r in rows.values()} == {"digital_transformation"}
    cashless = rows["cashless_households_rate"]
    # counted on households, while 411/QĐ-TTg's 80 % counts people aged 15 and over: no national target
    assert round(cashless["value"], 1) == 54.4 and cashless["target"] is None
    assert (cashless["status"], cashless["status_vi"]) == ("no_target", "Chưa có kế hoạch")
    assert cashless["name_vi"] == "Tỷ lệ hộ có tài khoản thanh toán" and cashless["unit_vi"] == "%"
    assert cashless["pillar_vi"] == "Chuyển đổi số" and cashless["commune_name"] == "Xã Quảng Thọ"
    assert cashless["previous_period"] == "2026-09" and cashless["last_year_period"] == "2025-10"
    assert cashless["change"] == pytest.approx(cashless["value"] - cashless["previous_value"])
    assert (cashless["rank"], cashless["rank_of"]) == (3, 4)
    assert cashless["updated_at"].endswith("Z")


def test_kpis_default_to_latest_month_and_all_communes_with_overrides(client: FlaskClient) -> None:
    body = client.get("/api/kpis", headers=auth("admin")).get_json()
    assert body["period"] == "2026-10"
    signed = {r["commune"]: r for r in body["kpis"] if r["id"] == "signed_docs_rate"}
    assert set(signed) == {"quang-tho", "yen-hoa", "la-bang", "sang-moc"}
    assert signed["sang-moc"]["target"] == 95 and signed["sang-moc"]["status"] == "near"
    assert signed["la-bang"]["target"] == 90 and signed["sang-moc"]["commune_name"] == "Xã Sảng Mộc"
    assert signed["quang-tho"]["target"] == 100  # the (illustrative) year plan comes before the national target
    assert signed["quang-tho"]["target_basis"] == "Kế hoạch năm 2026 (số liệu minh họa)"


@pytest.mark.parametrize(
    "query",
    ["period=2026-13", "period=10/2026x", "period=2026-Q1", "pillar=kinh-te", "commune=ha-noi", "format=pdf"],
)
def test_bad_queries_are_400(client: FlaskClient, query: str) -> None:
    path = "/api/kpis/export" if query.startswith("format") else "/api/kpis"
    response = client.get(f"{path}?{query}", headers=auth("leader"))
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_history(client: FlaskClient) -> None:
    response = client.get(
        "/api/kpis/cashless_households_rate/history?commune=quang-tho&from=2025-11&to=2026-10",
        headers=auth("leader"),
    )
    body = response.get_json()
    assert [p["period"] for p in body["points"]][:2] == ["2025-11", "2025-12"] and len(body["points"]) == 12
    assert round(body["points"][-1]["value"], 1) == 54.4
    default = client.get("/api/kpis/ehr_rate/history", headers=auth("leader")).get_json()
    assert (default["from"], default["to"], default["commune"]) == ("2024-11", "2026-10", "quang-tho")
    assert default["points"][0]["period"] == "2024-Q4" and default["points"][-1]["period"] == "2026-Q4"
    assert client.get("/api/kpis/nope/history", headers=auth("leader")).status_code == 404
    assert (
        client.get("/api/kpis/ehr_rate/history?from=2026-10&to=2026-01", headers=auth("leader")).status_code
        == 400
    )


def test_export_csv_and_xlsx(client: FlaskClient) -> None:
    csv_response = client.get(
        "/api/kpis/export?period=2026-10&commune=quang-tho&format=csv", headers=auth("leader")
    )
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    text = csv_response.data.decode("utf-8-sig")
    lines = text.splitlines()
    assert csv_response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert lines[0].startswith("Xã / Commune;Kỳ / Period;Lĩnh vực / Pillar")
    assert any("tthc_received;" in line and ";hồ sơ;" in line for line in lines)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    cashless = next(r for r in rows if r["Mã chỉ tiêu / KPI id"] == "cashless_households_rate")
    assert cashless["Thực hiện / Value"] == "54,36" and cashless["Lĩnh vực / Pillar"] == "Chuyển đổi số"
    signed = next(r for r in rows if r["Mã chỉ tiêu / KPI id"] == "signed_docs_rate")
    assert signed["Kế hoạch / Target"] == "100" and signed["Đánh giá / Status"] == "Đạt"
    assert "chi-tieu-quang-tho-2026-10.csv" in csv_response.headers["Content-Disposition"]
    xlsx = client.get(
        "/api/kpis/export?period=2026-10&format=xlsx&pillar=digital_government", headers=auth("admin")
    )
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Xã / Commune" and len(rows) == 1 + 4 * 17
    assert {r[0] for r in rows[1:]} == {"Xã Quảng Thọ", "Xã Yên Hòa", "Xã La Bằng", "Xã Sảng Mộc"}


def test_post_data_keeps_good_rows_and_reports_bad(client: FlaskClient, service: IndicatorService) -> None:
    rows = [
        {"commune": "quang-tho", "period": "2026-11", "metric": "households_total", "value": 1960},
        {
            "commune": "quang-tho",
            "period": "11/2026",
            "metric": "households_with_payment_account",
            "value": "1100",
        },
        {"commune": "quang-tho", "period": "2026-11", "metric": "households_total", "value": 1961},
        {"commune": "quang-tho", "period": "2026/11", "metric": "households_total", "value": 1},
        {"commune": "quang-tho", "period": "2026-11", "metric": "nonsense", "value": 1},
        {"period": "2026-11", "metric": "docs_out_total", "value": "abc"},
    ]
    response = client.post("/api/kpis/data", json={"rows": rows}, headers=auth("operator"))
    assert response.status_code == 422
    body = response.get_json()
    assert (body["inserted"], body["kept"]) == (2, 2)
    assert [p["row"] for p in body["problems"]] == [3, 4, 5, 6]
    assert (
        "duplicate row" in body["problems"][0]["reason"]
        and "'abc' is not a number" == body["problems"][3]["reason"]
    )
    stored = {(f.period, f.metric): f for f in service.db.figures() if f.period == "2026-11"}
    assert stored[("2026-11", "households_total")].value == 1960
    assert stored[("2026-11", "households_total")].source == "api:operator-client"
    again = client.post("/api/kpis/data", json=rows[:2], headers=auth("admin"))
    assert again.status_code == 200 and again.get_json()["unchanged"] == 2
    value = client.get("/api/kpis?period=2026-11&commune=quang-tho", headers=auth("leader")).get_json()
    cashless = next(r for r in value["kpis"] if r["id"] == "cashless_households_rate")
    assert cashless["value"] == pytest.approx(1100 / 1960 * 100, abs=1e-4)


@pytest.mark.parametrize(("role", "status"), [("leader", 403), ("police", 403)])
def test_post_data_needs_admin_or_operator(client: FlaskClient, role: str, status: int) -> None:
    row = [{"commune": "quang-tho", "period": "2026-11", "metric": "households_total", "value": 1}]
    assert client.post("/api/kpis/data", json=row, headers=auth(role)).status_code == status


@pytest.mark.parametrize("body", [None, [], {"rows": "x"}, [1, 2], {"commune": "quang-tho"}])
def test_post_data_bad_bodies_are_400(client: FlaskClient, body: object) -> None:
    assert client.post("/api/kpis/data", json=body, headers=auth("admin")).status_code == 400


def test_service_not_running_is_503(site: CocConfig) -> None:
    client = create_server(AppContext(config=site)).test_client()
    assert client.get("/api/kpis", headers=auth("leader")).status_code == 503


def test_report_view_json_and_csv(client: FlaskClient, service: IndicatorService) -> None:
    body = client.get("/api/kpis/report?period=2026-9M&pillar=economy", headers=auth("leader")).get_json()
    assert body["period"] == "2026-9M" and [r["id"] for r in body["rows"]] == [
        "budget_revenue", "public_investment_disbursed_rate"]
    revenue = body["rows"][0]
    assert revenue["plan"] == 2800 and revenue["unit_vi"] == "triệu đồng" and revenue["pillar_vi"] == "Kinh tế"
    assert revenue["rule"] == "Đạt khi lũy kế ≥ 9/12 kế hoạch năm; gần đạt khi lệch không quá 10 %"
    assert body["summary"]["judged"] == 2 and body["summary"]["total"] == 2
    response = client.get("/api/kpis/report?period=2026-Q3&format=csv", headers=auth("leader"))
    assert response.data.startswith(b"\xef\xbb\xbf") and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    line = next(r for r in rows if r["Mã chỉ tiêu"] == "budget_revenue")
    assert line["Kế hoạch"] == "2800" and "," in line["Lũy kế"] and line["Lĩnh vực"] == "Kinh tế"
    assert client.get("/api/kpis/report?period=2026-13", headers=auth("leader")).status_code == 400
    assert client.get("/api/kpis/report?format=doc", headers=auth("leader")).status_code == 400
    assert client.get("/api/kpis/report", headers=auth("police")).status_code == 403
    assert client.get("/api/kpis/reports", headers=auth("leader")).get_json() == {"reports": []}
    assert client.get("/api/kpis/reports/..%2Fstate.sqlite", headers=auth("leader")).status_code == 404


def test_post_plan_rows(client: FlaskClient, service: IndicatorService) -> None:
    rows = [
        {"kpi": "budget_revenue", "value": 3000},
        {"kpi": "Tỷ lệ hộ nghèo", "value": "2,8", "unit": "%"},
        {"kpi": "new_jobs", "value": "abc"},
        {"kpi": "traffic_accidents", "value": 4, "unit": "người"},
    ]
    response = client.post("/api/kpis/plan", json={"year": 2027, "rows": rows}, headers=auth("operator"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["inserted"] == 2 and [p["row"] for p in body["problems"]] == [3, 4]
    plans = {(p.year, p.kpi_id): p for p in service.db.plans()}
    assert plans[(2027, "budget_revenue")].value == 3000 and plans[(2027, "poor_household_rate")].value == 2.8
    assert plans[(2027, "budget_revenue")].basis == "Kế hoạch năm (API: operator-client)"
    one = {"year": 2027, "rows": rows[:1]}
    assert client.post("/api/kpis/plan", json=one, headers=auth("leader")).status_code == 403
    assert client.post("/api/kpis/plan", json={**one, "year": "x"}, headers=auth("admin")).status_code == 400
