"""A merged commune's KPI series: former units' figures imported as theirs, added up metric by metric before the
merger (rates recomputed from the summed parts, never averaged; what cannot be added up left empty with a note),
kept out of comparisons, and said in the reports (PDF, DOCX, XLSX)."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from configfile.loader import parse_config
from indicators.catalogue import Catalogue, load_catalogue, parse_catalogue
from indicators.merger import FormerCommune, Merger, before_merger, combine, combine_series
from indicators.models import Figure, MergeRule
from indicators.report import report_view
from indicators.report_text import note_of, summary_text
from indicators.results import KpiEngine
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService

ROOT = Path(__file__).resolve().parents[2]
MERGED = date(2025, 7, 1)
MERGER = Merger("quang-tho", (FormerCommune("quang-tho-cu", "Xã Quảng Thọ (cũ)", MERGED),
                              FormerCommune("quang-phu", "Xã Quảng Phú (cũ)", MERGED)))
CONFIG = """\
commune:
  id: quang-tho
  name: "Xã Quảng Thọ"
  province: "Huế"
  former_units:
    - {id: quang-tho-cu, name: "Xã Quảng Thọ (cũ)", merged_on: 2025-07-01}
    - {id: quang-phu, name: "Xã Quảng Phú (cũ)", merged_on: 2025-07-01}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
indicators:
  communes:
    - {id: yen-hoa, name: "Xã Yên Hòa"}
"""


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "config" / "indicators.yaml")


def fig(commune: str, period: str, metric: str, value: float) -> Figure:
    return Figure(commune, period, metric, value, "test", datetime(2025, 8, 1, tzinfo=UTC))


# -- the pure rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "values", "value", "units", "note"),
    [
        (MergeRule.SUM, {"quang-tho-cu": 1065, "quang-phu": 232}, 1297, ("quang-tho-cu", "quang-phu"), None),
        (MergeRule.SUM, {"quang-tho-cu": 0, "quang-phu": 0}, 0, ("quang-tho-cu", "quang-phu"), None),
        (MergeRule.SUM, {"quang-tho-cu": 1065, "quang-phu": None}, None, (), "thiếu số liệu của Xã Quảng Phú (cũ)"),
        (MergeRule.NONE, {"quang-tho-cu": 97.0, "quang-phu": 99.0}, None, (), "không cộng được"),
        (MergeRule.NONE, {"quang-tho-cu": 50.0, "quang-phu": None}, None, (), "không cộng được"),
    ],
)
def test_combine_sums_only_complete_additive_figures(
    rule: MergeRule, values: dict, value: float | None, units: tuple, note: str | None
) -> None:
    result = combine(rule, values, MERGER)
    assert result.value == value and result.units == units
    if note is None:
        assert result.note is None
    else:
        assert note in (result.note or "") and (result.note or "").startswith("Trước sáp nhập 01/07/2025")


@pytest.mark.parametrize(
    ("period", "merged_on", "before"),
    [("2025-06", MERGED, True), ("2025-07", MERGED, False), ("2025-Q2", MERGED, True), ("2025-Q3", MERGED, False),
     ("2025-6M", MERGED, True), ("2025", MERGED, False), ("2025-07", date(2025, 7, 15), True),
     ("2025-08", date(2025, 7, 15), False)],
)
def test_a_period_is_before_the_merger_when_its_last_month_began_before_it(
    period: str, merged_on: date, before: bool
) -> None:
    assert before_merger(period, merged_on) is before


@pytest.mark.parametrize(
    ("metric", "rule"),
    [("households_total", MergeRule.SUM), ("tthc_received_online", MergeRule.SUM),
     ("budget_revenue_mvnd", MergeRule.SUM), ("waste_collected_t", MergeRule.SUM),
     ("tthc_processing_days_total", MergeRule.SUM),  # days summed over files: additive, set in the catalogue
     ("air_hours_measured", MergeRule.SUM),  # station-hours add up, set in the catalogue
     ("flood_hours_level_1", MergeRule.NONE),  # hours of the same flood overlap
     ("pm25_days_over_limit", MergeRule.NONE), ("camera_online_pct", MergeRule.NONE),
     ("alert_ack_median_minutes", MergeRule.NONE), ("procedures_total", MergeRule.NONE)],
)
def test_the_catalogue_says_how_each_metric_combines(catalogue: Catalogue, metric: str, rule: MergeRule) -> None:
    assert catalogue.merge_rules()[metric] is rule


def test_a_catalogue_can_refuse_to_add_up_a_count() -> None:
    text = """
metrics:
  - {id: visitors, name_vi: "Lượt khách", name_en: "Visitors", unit: people, merge: none}
  - {id: rooms, name_vi: "Phòng", name_en: "Rooms", unit: items}
kpis:
  - {id: visitors_kpi, name_vi: "Khách", name_en: "Visitors", pillar: economy, unit: people, formula: visitors}
"""
    rules = parse_catalogue(text).merge_rules()
    assert rules == {"visitors": MergeRule.NONE, "rooms": MergeRule.SUM}


def test_combine_series_sums_before_the_merger_and_ignores_unit_figures_after_it(catalogue: Catalogue) -> None:
    figures = [fig("quang-tho-cu", "2025-06", "households_total", 1959),
               fig("quang-phu", "2025-06", "households_total", 1402),
               fig("quang-tho-cu", "2025-06", "camera_online_pct", 97.0),
               fig("quang-phu", "2025-06", "camera_online_pct", 99.0),
               fig("quang-tho-cu", "2025-05", "households_total", 1959),  # Quảng Phú's May is missing
               fig("quang-phu", "2025-08", "households_total", 1405)]  # after the merger: a breakdown only
    series = combine_series(MERGER, catalogue.merge_rules(), figures)
    assert [(f.commune, f.period, f.metric, f.value, f.combined_from) for f in series.figures] == [
        ("quang-tho", "2025-06", "households_total", 3361, ("quang-tho-cu", "quang-phu"))]
    assert set(series.notes) == {("camera_online_pct", "2025-06"), ("households_total", "2025-05")}
    assert "Xã Quảng Phú (cũ)" in series.notes[("households_total", "2025-05")]


# -- the engine ---------------------------------------------------------------------------------------------


def merged_figures() -> list[Figure]:
    """Two former communes until June 2025, the merged commune from July, and another commune to compare."""
    out: list[Figure] = []
    before = {"quang-tho-cu": (1959, 1065, 97.0), "quang-phu": (1402, 210, 99.0)}
    for month in ("2025-05", "2025-06"):
        for unit, (households, accounts, cameras) in before.items():
            out += [fig(unit, month, "households_total", households),
                    fig(unit, month, "households_with_payment_account", accounts),
                    fig(unit, month, "camera_online_pct", cameras)]
        out.append(fig("quang-tho", month, "households_total", 1959))  # the old commune's figure under the new id
    for month in ("2025-07", "2025-08"):
        out += [fig("quang-tho", month, "households_total", 3365),
                fig("quang-tho", month, "households_with_payment_account", 1300),
                fig("quang-tho", month, "camera_online_pct", 98.0)]
    for month in ("2025-06", "2025-07"):
        out += [fig("yen-hoa", month, "households_total", 2410),
                fig("yen-hoa", month, "households_with_payment_account", 1700)]
    return out


@pytest.fixture
def engine(catalogue: Catalogue) -> KpiEngine:
    return KpiEngine(catalogue, merged_figures(), mergers=[MERGER])


def test_a_rate_before_the_merger_is_recomputed_from_summed_parts_not_averaged(engine: KpiEngine) -> None:
    june = engine.value("cashless_households_rate", "quang-tho", "2025-06")
    assert june.value == pytest.approx((1065 + 210) / (1959 + 1402) * 100)  # 37.94 %; the mean of rates is 34.7
    assert june.value != pytest.approx((1065 / 1959 + 210 / 1402) / 2 * 100)
    assert june.combined_from == ("quang-tho-cu", "quang-phu")
    july = engine.value("cashless_households_rate", "quang-tho", "2025-07")
    assert july.value == pytest.approx(1300 / 3365 * 100) and july.combined_from == ()
    assert july.previous_value == pytest.approx(june.value)  # the change across the break compares like with like


def test_a_share_that_cannot_be_added_up_is_empty_with_the_reason(engine: KpiEngine) -> None:
    june = engine.value("camera_availability_rate", "quang-tho", "2025-06")
    assert june.value is None and "không cộng được" in (june.reason or "") and "Xã Quảng Phú (cũ)" in june.reason
    assert engine.value("camera_availability_rate", "quang-tho", "2025-07").value == 98.0
    assert engine.value("camera_availability_rate", "quang-phu", "2025-06").value == 99.0  # per unit it is there


def test_former_units_keep_their_series_but_are_not_communes_to_compare(engine: KpiEngine) -> None:
    assert engine.communes == ["quang-tho", "yen-hoa"]
    unit = engine.value("cashless_households_rate", "quang-phu", "2025-06")
    assert unit.value == pytest.approx(210 / 1402 * 100) and unit.rank is None and unit.rank_of == 0
    july = engine.value("cashless_households_rate", "quang-tho", "2025-07")
    assert (july.rank, july.rank_of) == (2, 2)  # ranked among the two communes only
    history = engine.history("cashless_households_rate", "quang-tho", "2025-05", "2025-08")
    assert [bool(v.combined_from) for v in history] == [True, True, False, False]


def test_without_the_merger_configured_units_are_communes_as_before(catalogue: Catalogue) -> None:
    plain = KpiEngine(catalogue, merged_figures())
    assert plain.communes == ["quang-phu", "quang-tho", "quang-tho-cu", "yen-hoa"]
    june = plain.value("cashless_households_rate", "quang-tho", "2025-06")
    assert june.value is None and june.reason == "missing input: households_with_payment_account"
    assert june.combined_from == ()


def test_a_quarter_across_months_before_the_merger_adds_the_summed_months(catalogue: Catalogue) -> None:
    figures = [fig(u, m, "tthc_received_online", n) for u, n in (("quang-tho-cu", 40), ("quang-phu", 25))
               for m in ("2025-04", "2025-05", "2025-06")]
    figures += [fig(u, m, metric, 0) for u in ("quang-tho-cu", "quang-phu") for m in ("2025-04", "2025-05", "2025-06")
                for metric in ("tthc_received_direct", "tthc_received_post")]
    engine = KpiEngine(catalogue, figures, mergers=[MERGER])
    result, _ = engine.evaluate("tthc_received", "quang-tho", "2025-Q2")
    assert result.value == 3 * 65 and engine.combined_from("tthc_received", "quang-tho", "2025-Q2") == (
        "quang-tho-cu", "quang-phu")


# -- imports, the service and the reports -------------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path) -> Iterator[IndicatorService]:
    config = parse_config(CONFIG.replace("STATE", str(tmp_path / "state.sqlite")), "coc.yaml", {})
    svc = IndicatorService(IndicatorSections.of(config), clock=lambda: datetime(2025, 9, 5, tzinfo=UTC))
    svc.start()
    yield svc
    svc.stop()


def test_figures_of_a_former_unit_are_imported_as_its_own(service: IndicatorService, tmp_path: Path) -> None:
    path = tmp_path / "xa-cu.csv"
    path.write_text("ma_xa;ky;chi_tieu;gia_tri\n"
                    "quang-phu;06/2025;households_total;1402\n"
                    "quang-phu;06/2025;households_with_payment_account;210\n"
                    "quang-tho-cu;06/2025;households_total;1959\n"
                    "quang-tho-cu;06/2025;households_with_payment_account;1065\n", encoding="utf-8")
    report = service.import_file(path)
    assert report.problems == () and report.inserted == 4
    api = service.add_rows([{"commune": "yen-hoa", "period": "2025-06", "metric": "households_total", "value": 2410},
                            {"commune": "yen-hoa", "period": "2025-06", "metric": "households_with_payment_account",
                             "value": 1700}], "api:test")
    assert api.inserted == 2
    stored = {(f.commune, f.metric): f.value for f in service.db.figures()}
    assert stored[("quang-phu", "households_total")] == 1402  # kept as the unit's, not moved to the commune
    assert service.communes() == ["quang-tho", "yen-hoa"]  # the units are no communes to compare with
    assert service.commune_name("quang-phu") == "Xã Quảng Phú (cũ)"
    [own] = [v for v in service.results("2025-06", "quang-tho") if v.kpi_id == "cashless_households_rate"]
    assert own.value == pytest.approx(1275 / 3361 * 100) and own.combined_from == ("quang-tho-cu", "quang-phu")
    assert (own.rank, own.rank_of) == (2, 2)  # against Yên Hòa's 70.5 %
    [unit] = [v for v in service.results("2025-06", "quang-phu") if v.kpi_id == "cashless_households_rate"]
    assert unit.value == pytest.approx(210 / 1402 * 100) and unit.combined_from == ()


def test_a_wide_sheet_of_a_former_unit_is_imported_with_its_id(service: IndicatorService, tmp_path: Path) -> None:
    from indicators.importer import import_file

    path = tmp_path / "quang-phu.csv"
    path.write_text("chi_tieu,ten,05/2025,06/2025\nhouseholds_total,Tổng số hộ,1400,1402\n", encoding="utf-8")
    report = import_file(path, service.db, service.catalogue, progress=False, commune="quang-phu")  # --commune
    assert report.problems == () and report.inserted == 2
    assert {(f.commune, f.period) for f in service.db.figures()} == {("quang-phu", "2025-05"), ("quang-phu", "2025-06")}


@pytest.fixture
def reported(service: IndicatorService) -> IndicatorService:
    rows = []
    for unit, (households, accounts, files) in {"quang-tho-cu": (1959, 1065, 70), "quang-phu": (1402, 210, 30)}.items():
        for month in ("2025-04", "2025-05", "2025-06"):
            rows += [{"commune": unit, "period": month, "metric": m, "value": v} for m, v in
                     (("households_total", households), ("households_with_payment_account", accounts),
                      ("tthc_received_online", files), ("tthc_received_direct", files), ("tthc_received_post", 0),
                      ("camera_online_pct", 97.5))]
    assert service.add_rows(rows, "test").problems == ()
    return service


def test_the_report_of_a_quarter_before_the_merger_says_its_figures_are_sums(reported: IndicatorService) -> None:
    view = reported.report("2025-Q2")
    rows = {r.kpi_id: r for r in view.rows}
    assert rows["tthc_received"].value == 3 * 200
    assert rows["tthc_received"].combined_from == ("quang-tho-cu", "quang-phu")
    note = note_of(rows["cashless_households_rate"])
    assert "cộng từ các xã cũ (*)" in note and "Trước sáp nhập" not in note  # the full sentence once, below
    assert rows["cashless_households_rate"].summed == ("value", "year_to_date")  # 2024 has no figures here
    camera = note_of(rows["camera_availability_rate"])
    assert camera.startswith("Chưa có số liệu") and "không cộng được" in camera
    text = " ".join(summary_text(view, reported.catalogue, "Xã Quảng Thọ"))
    assert "Trước sáp nhập 01/07/2025, số liệu của" in text and "không lấy bình quân" in text
    assert text.count("Trước sáp nhập") == 1  # once in the report, not on every row
    q3 = {r.kpi_id: r for r in reported.report("2025-Q3").rows}  # its own quarter is after the merger ...
    assert q3["tthc_received"].value is None and q3["tthc_received"].year_to_date == 600  # ... its lũy kế is not
    assert q3["tthc_received"].combined_from == ("quang-tho-cu", "quang-phu")
    assert "value" not in q3["tthc_received"].summed and "year_to_date" in q3["tthc_received"].summed
    assert reported.report("2027-Q1").merger_line is None  # nothing of 2027 or of 2026 (cùng kỳ) is a sum


def test_pdf_docx_and_xlsx_reports_mention_the_sum(reported: IndicatorService, tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(reported.report_bytes("2025-Q2", "pdf"))
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "cộng từ các xã cũ" in text.replace("\n", " ") and "Trước sáp nhập 01/07/2025" in text
    doc = Document(io.BytesIO(reported.report_bytes("2025-Q2", "docx")))
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "cộng từ các xã cũ (*)" in cells and "Trước sáp nhập" not in cells  # a mark on the rows ...
    paragraphs = " ".join(p.text for p in doc.paragraphs)
    assert paragraphs.count("Trước sáp nhập 01/07/2025") == 1  # ... and the sentence once
    sheet = load_workbook(io.BytesIO(reported.report_bytes("2025-Q2", "xlsx"))).active
    values = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "cộng từ các xã cũ" in values and "Trước sáp nhập 01/07/2025, số liệu của" in values


def test_report_view_of_a_former_unit_is_its_own(reported: IndicatorService) -> None:
    view = report_view(reported.engine(), "quang-phu", "2025-Q2")
    rows = {r.kpi_id: r for r in view.rows}
    assert rows["tthc_received"].value == 3 * 60 and rows["tthc_received"].combined_from == ()
    assert view.merger_line is None
