"""Results: target, progress, status by margins and direction, previous period, last year, rank, periods."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.catalogue import Catalogue, load_catalogue
from indicators.demo_data import DEMO_FILE, demo_rows, load_demo_figures, write_demo_file
from indicators.figures_db import FiguresDb
from indicators.models import Direction, Figure, Pillar, Status
from indicators.results import KpiEngine
from indicators.targets import progress_pct, rank_of, status_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "config" / "indicators.yaml")


@pytest.mark.parametrize(
    ("value", "target", "direction", "status", "progress"),
    [
        (54.364, 80, Direction.HIGHER, Status.BEHIND, 67.955),
        (80, 80, Direction.HIGHER, Status.MET, 100),
        (72.5, 80, Direction.HIGHER, Status.NEAR, 90.625),
        (71.9, 80, Direction.HIGHER, Status.BEHIND, 89.875),
        (12, 15, Direction.LOWER, Status.MET, 125),
        (16.4, 15, Direction.LOWER, Status.NEAR, 91.463),
        (20, 15, Direction.LOWER, Status.BEHIND, 75),
        (0, 0, Direction.LOWER, Status.MET, 100),
        (3, 0, Direction.LOWER, Status.BEHIND, None),
        (None, 80, Direction.HIGHER, Status.NO_VALUE, None),
        (50, None, Direction.HIGHER, Status.NO_TARGET, None),
    ],
)
def test_status_and_progress(
    value: float | None, target: float | None, direction: Direction, status: Status, progress: float | None
) -> None:
    assert status_of(value, target, direction, 10) is status
    result = progress_pct(value, target, direction)
    assert result == (pytest.approx(progress, abs=0.001) if progress is not None else None)


def test_rank_respects_direction_and_ties() -> None:
    assert rank_of(5, [5, 9, 5, 1], Direction.HIGHER) == 2
    assert rank_of(5, [5, 9, 5, 1], Direction.LOWER) == 2
    assert rank_of(1, [5, 9, 5, 1], Direction.LOWER) == 1
    assert rank_of(None, [1], Direction.HIGHER) is None


def figures(commune: str, month: str, accounts: float, households: float = 1000) -> list[Figure]:
    return [
        Figure(commune, month, "people_15_plus", households),
        Figure(commune, month, "people_15_plus_with_account", accounts),
    ]


def test_comparisons_with_previous_period_last_year_and_other_communes(catalogue: Catalogue) -> None:
    data = (
        figures("a", "2025-06", 700)
        + figures("a", "2025-05", 650)
        + figures("a", "2024-06", 400)
        + figures("b", "2025-06", 820)
        + figures("c", "2025-06", 100, households=0)
    )
    engine = KpiEngine(catalogue, data, targets={"a": {"payment_account_adults_rate": 75}}, near_margin_pct=10)
    a = engine.value("payment_account_adults_rate", "a", "2025-06")
    assert (a.value, a.target, a.status) == (70, 75, Status.NEAR)
    assert a.progress_pct == pytest.approx(93.333333)
    assert (a.previous_period, a.previous_value, a.change) == ("2025-05", 65, 5)
    assert (a.last_year_period, a.last_year_value) == ("2024-06", 40)
    assert (a.rank, a.rank_of) == (2, 2)  # c has no value (0 households): not ranked
    b = engine.value("payment_account_adults_rate", "b", "2025-06")
    assert (b.target, b.status, b.rank, b.previous_value, b.change) == (80, Status.MET, 1, None, None)
    c = engine.value("payment_account_adults_rate", "c", "2025-06")
    assert (
        c.value is None
        and c.reason == "division by zero (people_15_plus = 0)"
        and c.status is Status.NO_VALUE
    )


def test_quarterly_kpi_uses_the_last_month_of_stocks_and_sums_flows(catalogue: Catalogue) -> None:
    data = [Figure("a", m, "people_with_ehr", v) for m, v in (("2025-04", 100), ("2025-05", 200))]
    data += [
        Figure("a", "2025-06", "population_total", 1000),
        Figure("a", "2025-04", "population_total", 900),
    ]
    data += [Figure("a", m, "telehealth_consultations_count", 10) for m in ("2025-04", "2025-05", "2025-06")]
    engine = KpiEngine(catalogue, data)
    ehr = engine.value("ehr_rate", "a", "2025-05")
    assert ehr.period == "2025-Q2" and ehr.value == 20  # last months with data: 200 of 1000
    assert engine.evaluate("telehealth_consultations", "a", "2025-Q2")[0].value == 30
    history = engine.history("telehealth_consultations", "a", "2025-04", "2025-07")
    assert [(h.period, h.value) for h in history] == [
        ("2025-04", 10),
        ("2025-05", 10),
        ("2025-06", 10),
        ("2025-07", None),
    ]


def test_results_filter_by_pillar_and_commune(catalogue: Catalogue) -> None:
    engine = KpiEngine(catalogue, figures("a", "2025-06", 700) + figures("b", "2025-06", 500))
    values = engine.results("2025-06", ["a"], Pillar.ECONOMY)
    assert {v.kpi_id for v in values} == {"budget_revenue", "public_investment_disbursed_rate"}
    assert {v.commune for v in values} == {"a"}
    assert len(engine.results("2025-06")) == 2 * len(catalogue.kpis)


def test_demo_file_is_up_to_date_and_deterministic(tmp_path: Path) -> None:
    assert demo_rows() == demo_rows()
    write_demo_file(tmp_path / "figures.csv")
    assert (tmp_path / "figures.csv").read_bytes() == DEMO_FILE.read_bytes()


def test_demo_figures_match_the_seeds(tmp_path: Path, catalogue: Catalogue) -> None:
    db = FiguresDb(tmp_path / "state.sqlite").open()
    report = load_demo_figures(db)
    assert report.problems == () and report.inserted == 4 * 24 * len(
        {m for c, p, m, v in demo_rows() if c == "quang-tho" and p == "2026-10"}
    )
    assert load_demo_figures(db).unchanged == report.inserted
    engine = KpiEngine(catalogue, db.figures())
    assert engine.communes == ["la-bang", "quang-tho", "sang-moc", "yen-hoa"]
    qt = engine.value("cashless_households_rate", "quang-tho", "2026-10")
    assert round(qt.value, 1) == 54.4 and qt.target is None and qt.status is Status.NO_TARGET  # households
    by_metric = {(f.commune, f.metric): f.value for f in db.figures() if f.period == "2026-10"}
    assert by_metric[("quang-tho", "households_with_payment_account")] == 1065
    assert by_metric[("quang-tho", "households_total")] == 1959
    assert by_metric[("la-bang", "households_with_vpostcode")] == 1147
    assert engine.value("digital_address_rate", "yen-hoa", "2026-10").value == 100
    assert engine.value("signed_docs_rate", "quang-tho", "2026-10").value == 100
    assert engine.value("signed_docs_rate", "sang-moc", "2026-10").value == 90
    assert engine.value("work_files_online_rate", "sang-moc", "2026-10").value == 100
    yen_hoa = [f for f in db.figures() if f.commune == "yen-hoa"]
    assert sum(f.value for f in yen_hoa if f.metric == "telehealth_consultations_count") == 2343
    received = sum(f.value for f in yen_hoa if f.metric.startswith("tthc_received_"))
    online = sum(f.value for f in yen_hoa if f.metric == "tthc_received_online")
    assert (received, online) == (1297, 330)  # 967 at level 2; 312 + 18 at levels 3 and 4
    assert len(engine.history("cashless_households_rate", "quang-tho", "2024-11", "2026-10")) == 24
    db.close()
