"""Imports of real CSV and XLSX files: good rows kept, every bad row reported with line and reason,
re-import changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from configfile.loader import parse_config
from indicators.catalogue import Catalogue, load_catalogue
from indicators.cli import main_import_kpi
from indicators.figures_db import FiguresDb
from indicators.importer import ImportFileError, import_file
from indicators.results import KpiEngine
from indicators.sections import IndicatorSections

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "indicators"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "config" / "indicators.yaml")


@pytest.fixture
def db(tmp_path: Path) -> FiguresDb:
    database = FiguresDb(tmp_path / "state.sqlite").open()
    yield database
    database.close()


def stored(db: FiguresDb) -> dict[tuple[str, str, str], float]:
    return {(f.commune, f.period, f.metric): f.value for f in db.figures()}


def test_long_csv_keeps_good_rows_and_reports_each_bad_one(db: FiguresDb, catalogue: Catalogue) -> None:
    report = import_file(FIXTURES / "figures_long.csv", db, catalogue, progress=False)
    assert report.rows_read == 16
    assert (report.inserted, report.updated, report.unchanged) == (7, 0, 0)
    reasons = {p.line: p.reason for p in report.problems}
    assert sorted(reasons) == [6, 7, 8, 9, 10, 13, 14, 15, 16]
    assert reasons[6].startswith("wrong period format: month 13")
    assert reasons[7].startswith("unknown metric 'households_with_bank'")
    assert reasons[8] == "'một nghìn' is not a number"
    assert reasons[9] == "duplicate row: households_total of quang-tho for 2025-06 is already on line 2"
    assert "without thousands separators" in reasons[10]
    assert "not a commune id" in reasons[13]
    assert "is a KPI computed by COC" in reasons[14]
    assert "above the largest allowed" in reasons[15]
    assert reasons[16].startswith("negative value")
    assert stored(db) == {
        ("quang-tho", "2025-06", "households_total"): 1959,
        ("quang-tho", "2025-06", "households_with_payment_account"): 1065,
        ("quang-tho", "2025-06", "docs_out_signed"): 48,
        ("quang-tho", "2025-06", "docs_out_total"): 48,
        ("yen-hoa", "2025-06", "households_total"): 2410,
        ("yen-hoa", "2025-06", "households_with_vpostcode"): 2410,
        ("la-bang", "2025-Q2", "people_with_ehr"): 3950,
    }
    assert {f.source for f in db.figures()} == {"file:figures_long.csv"}
    assert all(f.imported_at is not None for f in db.figures())


def test_reimport_changes_nothing(db: FiguresDb, catalogue: Catalogue) -> None:
    import_file(FIXTURES / "figures_long.csv", db, catalogue, progress=False)
    before = db.figures()
    again = import_file(FIXTURES / "figures_long.csv", db, catalogue, progress=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)
    assert db.figures() == before  # values, sources and import times untouched


def test_changed_value_is_updated(db: FiguresDb, catalogue: Catalogue, tmp_path: Path) -> None:
    import_file(FIXTURES / "figures_long.csv", db, catalogue, progress=False)
    changed = tmp_path / "fix.csv"
    changed.write_text(
        "commune,period,metric,value\nquang-tho,2025-06,households_total,1960\n", encoding="utf-8"
    )
    report = import_file(changed, db, catalogue, progress=False)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    assert stored(db)[("quang-tho", "2025-06", "households_total")] == 1960


def test_wide_csv_with_semicolons_and_vietnamese_headers(db: FiguresDb, catalogue: Catalogue) -> None:
    report = import_file(FIXTURES / "figures_wide.csv", db, catalogue, progress=False, commune="yen-hoa")
    problems = [(p.line, p.column, p.reason) for p in report.problems]
    assert problems[0][:2] == (1, "Tổng") and "is not a period" in problems[0][2]
    assert (4, "02/2025", "'x' is not a number") in problems
    assert (
        5,
        "01/2025, 02/2025, 03/2025",
        "unknown metric 'tthc_recieved_post'; did you mean 'tthc_received_post'?",
    ) in problems
    assert len(problems) == 3
    figures = stored(db)
    assert len(figures) == 7 and report.inserted == 7
    assert figures[("yen-hoa", "2025-01", "tthc_received_online")] == 30
    assert ("yen-hoa", "2025-03", "tthc_received_online") not in figures  # empty cell: no figure, not 0
    assert ("yen-hoa", "2025-02", "tthc_received_post") not in figures
    assert figures[("yen-hoa", "2025-03", "tthc_received_post")] == 2


def test_wide_xlsx_with_excel_dates_and_bad_cells(db: FiguresDb, catalogue: Catalogue) -> None:
    report = import_file(FIXTURES / "figures_wide.xlsx", db, catalogue, progress=False)
    problems = {(p.line, p.column): p.reason for p in report.problems}
    assert problems == {
        (1, "Quý 1"): "column 'Quý 1' ignored: 'Quý 1' is not a period; write one of 2025-01, 01/2025, "
        "T01/2025, 2025-Q1, Q1/2025, 2025-9M, 2025-H1, 2025",
        (5, "02/2025"): "'bốn mươi' is not a number",
        (7, "2025-01, 02/2025, 2025-03"): "unknown metric 'wifi_points'",
        (8, "2025-01"): "duplicate row: households_total of quang-tho for 2025-01 is already on line 2",
    }
    figures = stored(db)
    assert report.inserted == len(figures) == 11
    assert (
        figures[("quang-tho", "2025-02", "households_with_payment_account")] == 1052
    )  # number typed as text
    assert (
        figures[("quang-tho", "2025-03", "households_with_payment_account")] == 1065
    )  # column an Excel date
    assert ("quang-tho", "2025-02", "docs_out_signed") not in figures
    again = import_file(FIXTURES / "figures_wide.xlsx", db, catalogue, progress=False)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 11)


def test_long_xlsx_with_vietnamese_headers(db: FiguresDb, catalogue: Catalogue) -> None:
    report = import_file(FIXTURES / "figures_long.xlsx", db, catalogue, progress=False)
    assert report.inserted == 3
    ((line, reason),) = [(p.line, p.reason) for p in report.problems]
    assert line == 5 and reason.startswith("wrong period format: '2025/06'")
    assert stored(db)[("sang-moc", "2025-06", "docs_out_signed")] == 30


def test_seed_figure_of_quang_tho_from_an_import(db: FiguresDb, catalogue: Catalogue) -> None:
    import_file(FIXTURES / "figures_long.csv", db, catalogue, progress=False)
    own_target = {"quang-tho": {"cashless_households_rate": 80.0}}  # no national target on households
    value = KpiEngine(catalogue, db.figures(), own_target).value("cashless_households_rate", "quang-tho", "2025-06")
    assert round(value.value, 1) == 54.4
    assert value.target == 80
    assert round(value.progress_pct, 1) == 68.0
    assert value.status == "behind"
    assert value.updated_at is not None


def test_unusable_files_are_refused_whole(db: FiguresDb, catalogue: Catalogue, tmp_path: Path) -> None:
    other = tmp_path / "figures.ods"
    other.write_text("x")
    with pytest.raises(ImportFileError, match="only .csv and .xlsx"):
        import_file(other, db, catalogue, progress=False)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        import_file(broken, db, catalogue, progress=False)
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFileError, match="must be a header"):
        import_file(headless, db, catalogue, progress=False, commune="quang-tho")
    assert db.count() == 0


CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ"}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
"""


def test_main_import_kpi_exit_codes_and_output(tmp_path: Path) -> None:
    config = parse_config(CONFIG.replace("STATE", str(tmp_path / "state.sqlite")), "coc.yaml", {})
    out = io.StringIO()
    assert main_import_kpi(IndicatorSections.of(config), FIXTURES / "figures_wide.xlsx", progress=False, out=out) == 1
    text = out.getvalue()
    assert "11 mới / new" in text and "dòng / line 5 [02/2025]: 'bốn mươi' is not a number" in text
    good = tmp_path / "good.csv"
    good.write_text("metric,2025-07\nhouseholds_total,1961\n", encoding="utf-8")
    assert main_import_kpi(IndicatorSections.of(config), good, progress=False, out=io.StringIO()) == 0
    assert main_import_kpi(IndicatorSections.of(config), tmp_path / "missing.csv", progress=False,
                           out=io.StringIO()) == 2
    figures = FiguresDb(tmp_path / "state.sqlite").open().figures()
    assert ("quang-tho", "2025-07", "households_total", 1961) in [
        (f.commune, f.period, f.metric, f.value) for f in figures
    ]
