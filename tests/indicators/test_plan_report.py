"""A year plan imported as the commune office keeps it and 14 months of figures: the report views' lũy kế,
% of plan, cùng kỳ and status, checked against sums computed here from the same rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from configfile.loader import parse_config
from indicators.models import Status
from indicators.report import period_label, year_to_date
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService

CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ", households: 1959}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
"""
MONTHS = [f"2025-{m:02d}" for m in range(8, 13)] + [f"2026-{m:02d}" for m in range(1, 10)]  # 14 months
PLAN = """\
UBND XÃ QUẢNG THỌ;;;
KẾ HOẠCH PHÁT TRIỂN KINH TẾ – XÃ HỘI NĂM 2026;;;
STT;Chỉ tiêu;Đơn vị;Kế hoạch năm 2026
1;Thu ngân sách nhà nước trên địa bàn;triệu đồng;2.400
2;Số vụ tai nạn giao thông;vụ;4
3;Tỷ lệ hộ nghèo;%;3,5
4;Tỷ lệ người dân tham gia bảo hiểm y tế;%;95,5
5;Số lao động được tạo việc làm mới;người;120
6;Chỉ tiêu không có trong danh mục;%;10
7;Tỷ lệ hộ sử dụng nước sạch;tấn;90
"""


def figure_rows() -> list[tuple[str, str, float]]:
    """(month, metric, value) for 14 months, with a deterministic pattern per month."""
    rows = []
    for i, month in enumerate(MONTHS):
        rows += [
            (month, "budget_revenue_mvnd", 150 + 10 * i + (25.5 if i % 3 == 0 else 0)),
            (month, "traffic_accidents_count", i % 4 == 1),
            (month, "households_total", 1950 + i),
            (month, "poor_households", 120 - 2 * i),
            (month, "population_total", 7800 + 5 * i),
            (month, "people_with_health_insurance", 7100 + 30 * i),
            (month, "new_jobs_count", 8 + i % 5),
        ]
    return [(m, k, float(v)) for m, k, v in rows]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[IndicatorService]:
    config = parse_config(CONFIG.replace("STATE", str(tmp_path / "state.sqlite")), "coc.yaml", {})
    svc = IndicatorService(IndicatorSections.of(config))
    svc.start()
    plan = tmp_path / "ke-hoach-2026.csv"
    plan.write_text(PLAN, encoding="utf-8-sig")
    report = svc.import_plan(plan)
    assert (report.inserted, [p.line for p in report.problems]) == (5, [9, 10])
    assert "unit 'tấn'" in report.problems[1].reason
    figures = tmp_path / "so-lieu.csv"
    with figures.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["commune", "period", "metric", "value"])
        writer.writerows(("quang-tho", m, k, v) for m, k, v in figure_rows())
    assert svc.import_file(figures).inserted == 14 * 7
    yield svc
    svc.stop()


def months_of(year: int, first: int, last: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def total(metric: str, months: list[str]) -> float:
    return sum(v for m, k, v in figure_rows() if k == metric and m in months)


def last_of(metric: str, months: list[str]) -> float:
    return [v for m, k, v in figure_rows() if k == metric and m in months][-1]


def status_lower(value: float, plan: float) -> Status:
    return Status.MET if value <= plan else Status.NEAR if value <= plan * 1.1 else Status.BEHIND


def test_nine_month_view_against_independent_sums(service: IndicatorService) -> None:
    view = service.report("2026-9M")
    rows = {r.kpi_id: r for r in view.rows}
    nine = months_of(2026, 1, 9)
    revenue = rows["budget_revenue"]
    assert revenue.year_to_date == pytest.approx(total("budget_revenue_mvnd", nine))
    assert revenue.plan == 2400 and revenue.plan_basis.startswith("Kế hoạch năm")
    assert revenue.pct_of_plan == pytest.approx(total("budget_revenue_mvnd", nine) / 2400 * 100)
    assert revenue.expected == pytest.approx(2400 * 9 / 12)
    assert revenue.status is (Status.MET if revenue.year_to_date >= 1800 else Status.BEHIND)
    # last year's nine months are incomplete (figures start in 08/2025): no misleading partial cùng kỳ
    assert revenue.last_year is None and revenue.last_year_missing == tuple(months_of(2025, 1, 7))
    assert revenue.last_year_to_date is None
    accidents = rows["traffic_accidents"]
    assert accidents.year_to_date == total("traffic_accidents_count", nine)
    assert accidents.pct_of_plan == pytest.approx(total("traffic_accidents_count", nine) / 4 * 100)
    poor = rows["poor_household_rate"]
    expected_poor = last_of("poor_households", nine) / last_of("households_total", nine) * 100
    last_poor = last_of("poor_households", ["2025-09"]) / last_of("households_total", ["2025-09"]) * 100
    assert poor.year_to_date == pytest.approx(expected_poor, abs=1e-6)
    assert poor.pct_of_plan == pytest.approx(expected_poor / 3.5 * 100, abs=1e-4)
    assert poor.last_year == pytest.approx(last_poor, abs=1e-6)
    assert poor.change == pytest.approx(expected_poor - last_poor, abs=1e-6)
    assert poor.status is status_lower(expected_poor, 3.5) and poor.rule.startswith("Đạt khi thực hiện ≤ kế hoạch")
    insured = rows["health_insurance_rate"]
    expected_insured = last_of("people_with_health_insurance", nine) / last_of("population_total", nine) * 100
    assert insured.year_to_date == pytest.approx(expected_insured, abs=1e-6)
    assert insured.status is (Status.MET if expected_insured >= 95.5 else Status.NEAR if expected_insured >= 95.5 * 0.9
                              else Status.BEHIND)
    assert rows["new_jobs"].months_missing == ()
    assert rows["budget_revenue"].rule.startswith("Đạt khi lũy kế ≥ 9/12 kế hoạch năm")
    assert view.count(Status.NO_VALUE) == len(view.rows) - 5  # the other KPIs have no figure


def test_month_and_quarter_views_compare_with_the_same_period_last_year(service: IndicatorService) -> None:
    month = {r.kpi_id: r for r in service.report("2026-09").rows}["budget_revenue"]
    assert month.value == total("budget_revenue_mvnd", ["2026-09"])
    assert month.last_year == total("budget_revenue_mvnd", ["2025-09"])
    assert month.change == pytest.approx(month.value - month.last_year)
    assert month.change_pct == pytest.approx((month.value / month.last_year - 1) * 100)
    assert month.year_to_date == pytest.approx(total("budget_revenue_mvnd", months_of(2026, 1, 9)))
    quarter = {r.kpi_id: r for r in service.report("2026-Q3").rows}["budget_revenue"]
    assert quarter.value == pytest.approx(total("budget_revenue_mvnd", months_of(2026, 7, 9)))
    assert quarter.last_year is None and quarter.last_year_missing == ("2025-07",)  # figures start in 08/2025
    insured = {r.kpi_id: r for r in service.report("2026-Q3").rows}["health_insurance_rate"]
    last = last_of("people_with_health_insurance", ["2025-09"]) / last_of("population_total", ["2025-09"]) * 100
    assert insured.last_year == pytest.approx(last, abs=1e-6)


def test_plan_typed_in_overrides_and_a_2026_period_ignores_targets_that_ran_to_2025(
    service: IndicatorService,
) -> None:
    service.add_rows(
        [{"period": "2026-09", "metric": m, "value": v} for m, v in (("procedures_full_online", 90),
                                                                     ("procedures_total", 118))],
        "test",
    )
    row = {r.kpi_id: r for r in service.report("2026-09").rows}["dvc_full_online_rate"]
    assert row.plan is None and row.status is Status.NO_TARGET  # 749/QĐ-TTg's 80 % ran to 2025
    service.set_plan("dvc_full_online_rate", 2026, 70, "Kế hoạch năm (nhập tay)")
    row = {r.kpi_id: r for r in service.report("2026-09").rows}["dvc_full_online_rate"]
    assert (row.plan, row.plan_basis, row.status) == (70, "Kế hoạch năm (nhập tay)", Status.MET)


@pytest.mark.parametrize(
    ("period", "label", "span"),
    [("2026-09", "Tháng 9/2026", "2026-9M"), ("2026-Q3", "Quý III/2026", "2026-9M"),
     ("2026-6M", "6 tháng đầu năm 2026", "2026-6M"), ("2026", "Năm 2026", "2026-12M")],
)
def test_period_labels_and_year_to_date(period: str, label: str, span: str) -> None:
    assert period_label(period) == label and year_to_date(period) == span


def test_demo_plan_files_are_up_to_date_and_illustrative(tmp_path: Path, service: IndicatorService) -> None:
    from indicators.demo_plan import DEMO_DIR, FIGURES_FILE, write_demo_plan

    assert write_demo_plan(service.catalogue, tmp_path) == 3 * 24 * 17  # three communes, 24 months, 17 metrics
    for name in (FIGURES_FILE.name, "plan_2025.csv", "plan_2026.csv"):
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes()
    assert "SỐ LIỆU MINH HỌA" in (DEMO_DIR / "plan_2026.csv").read_text(encoding="utf-8-sig")


def test_plan_from_xlsx_with_a_title_row(tmp_path: Path, service: IndicatorService) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["CHỈ TIÊU KẾ HOẠCH NĂM 2027"])
    sheet.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Năm", "Kế hoạch"])
    sheet.append([1, "budget_revenue", "triệu đồng", 2027, 3150.5])
    sheet.append([2, "Tỷ lệ hộ nghèo", "%", 2027, "2,5"])
    sheet.append([3, "Tỷ lệ hộ nghèo", "%", 2027, 2.4])
    book.save(tmp_path / "ke-hoach.xlsx")
    report = service.import_plan(tmp_path / "ke-hoach.xlsx")
    assert report.inserted == 2 and [p.line for p in report.problems] == [5]
    assert "already has a plan for 2027 on line 4" in report.problems[0].reason
    plans = {(p.year, p.kpi_id): p.value for p in service.db.plans()}
    assert plans[(2027, "budget_revenue")] == 3150.5 and plans[(2027, "poor_household_rate")] == 2.5


def test_hamlets_by_criteria_met_with_progress() -> None:
    from configfile.loader import ConfigError
    from indicators.hamlets import hamlet_statuses
    from indicators.settings import HamletCriteria

    config = HamletCriteria.model_validate({
        "criteria": [{"id": f"c{i}", "name_vi": f"Tiêu chí {i}"} for i in range(1, 11)],
        "hamlets": [
            {"id": "khe-coc", "name": "Thôn Khe Cốc", "assessments": [
                {"period": "2026-06", "met": ["c1", "c2", "c3", "c4", "c5", "c6"], "evidence": {"c1": "2 điểm wifi"}},
                {"period": "2025-12", "met": ["c1", "c2"]},
                {"period": "2026-11", "met": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]}]},
            {"id": "ban-a", "name": "Bản A", "assessments": [{"period": "2026-01", "met": ["c1"]}]},
        ],
    })
    first, second = hamlet_statuses(config, "2026-09")
    assert (first.name, first.met, first.assessed) == ("Thôn Khe Cốc", 6, "2026-06")  # the seeds: 6 of 10
    assert first.progress == (("2025-12", 2), ("2026-06", 6))  # November's review is after the month shown
    assert first.checks[0].evidence == "2 điểm wifi" and not first.checks[6].met
    assert (second.name, second.met) == ("Bản A", 1)
    with pytest.raises(ValueError, match="unknown criteria c99"):
        HamletCriteria.model_validate({"criteria": [{"id": "c1", "name_vi": "x"}],
                                       "hamlets": [{"id": "a", "name": "A", "assessments": [
                                           {"period": "2026-01", "met": ["c99"]}]}]})
    assert ConfigError  # the loader turns the ValueError into a located configuration problem


def test_a_month_of_a_summed_kpi_is_judged_on_its_share_of_the_year_plan(service: IndicatorService) -> None:
    month = {v.kpi_id: v for v in service.results("2026-09")}["budget_revenue"]
    assert month.value == total("budget_revenue_mvnd", ["2026-09"])
    assert month.target == pytest.approx(2400 / 12)  # not the whole year's 2.400
    rate = {v.kpi_id: v for v in service.results("2026-09")}["poor_household_rate"]
    assert rate.target == 3.5
