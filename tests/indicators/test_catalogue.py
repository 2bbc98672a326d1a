"""The shipped catalogue: every DOMAIN.md KPI, every formula on hand-computed inputs; located load errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from configfile.loader import ConfigError
from indicators.catalogue import Catalogue, load_catalogue, parse_catalogue
from indicators.models import Figure, PeriodKind, Pillar
from indicators.results import KpiEngine

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_KPIS = [
    "tthc_received",
    "tthc_on_time_rate",
    "tthc_overdue",
    "tthc_online_rate",
    "dvc_full_online_rate",
    "tthc_online_payment_rate",
    "tthc_digitised_rate",
    "pakn_on_time_rate",
    "satisfaction_rate",
    "work_files_online_rate",
    "signed_docs_rate",
    "cashless_households_rate",
    "ecommerce_products",
    "digital_address_rate",
    "telehealth_consultations",
    "ehr_rate",
    "fibre_households_rate",
    "smartphone_adults_rate",
    "digital_skills_rate",
    "officials_trained_rate",
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "config" / "indicators.yaml")


def test_catalogue_has_every_domain_kpi_with_names_and_pillars(catalogue: Catalogue) -> None:
    assert set(DOMAIN_KPIS) <= set(catalogue.kpis)
    assert {k.pillar for k in catalogue.kpis.values()} == set(Pillar)
    for kpi in catalogue.kpis.values():
        assert kpi.name_vi and kpi.name_en and kpi.unit
    # measured on households; 411/QĐ-TTg's 80 % is of people aged 15+, so only the per-person KPI carries it
    assert catalogue.kpis["cashless_households_rate"].target is None
    assert catalogue.kpis["payment_account_adults_rate"].target == 80
    assert catalogue.kpis["dvc_full_online_rate"].target == 80
    assert catalogue.kpis["dvc_full_online_rate"].target_until_year == 2025
    assert catalogue.kpis["ehr_rate"].target == 90
    assert catalogue.kpis["work_files_online_rate"].target == 60


# (KPI, inputs for one month, expected value computed by hand)
CASES = [
    ("tthc_received", {"tthc_received_direct": 60, "tthc_received_online": 35, "tthc_received_post": 5}, 100),
    (
        "tthc_on_time_rate",
        {"tthc_resolved_early": 10, "tthc_resolved_on_time": 80, "tthc_resolved_late": 10},
        90,
    ),
    ("tthc_overdue", {"tthc_resolved_late": 3, "tthc_pending_overdue": 2}, 5),
    (
        "tthc_online_rate",
        {"tthc_received_direct": 60, "tthc_received_online": 35, "tthc_received_post": 5},
        35,
    ),
    ("dvc_full_online_rate", {"procedures_full_online": 18, "procedures_total": 24}, 75),
    ("tthc_online_payment_rate", {"tthc_paid_online": 12, "tthc_with_fee": 48}, 25),
    (
        "tthc_digitised_rate",
        {
            "tthc_e_result": 45,
            "tthc_resolved_early": 10,
            "tthc_resolved_on_time": 40,
            "tthc_resolved_late": 0,
        },
        90,
    ),
    ("pakn_on_time_rate", {"pakn_on_time": 19, "pakn_received": 20}, 95),
    ("satisfaction_rate", {"survey_total": 200, "survey_not_satisfied": 6}, 97),
    ("work_files_online_rate", {"work_files_online": 130, "work_files_total": 200}, 65),
    ("signed_docs_rate", {"docs_out_signed": 45, "docs_out_total": 50}, 90),
    (
        "cashless_households_rate",
        {"households_with_payment_account": 1065, "households_total": 1959},
        1065 / 1959 * 100,
    ),
    ("ecommerce_products", {"ecommerce_products_listed": 14}, 14),
    ("digital_address_rate", {"households_with_vpostcode": 1147, "households_total": 1250}, 91.76),
    ("telehealth_consultations", {"telehealth_consultations_count": 98}, 98),
    ("ehr_rate", {"people_with_ehr": 6300, "population_total": 7000}, 90),
    ("fibre_households_rate", {"households_with_fibre": 1500, "households_total": 2000}, 75),
    ("smartphone_adults_rate", {"adults_with_smartphone": 3400, "adults_total": 4000}, 85),
    ("digital_skills_rate", {"people_trained_digital": 1400, "working_age_total": 3500}, 40),
    ("officials_trained_rate", {"officials_trained_dt": 21, "officials_total": 21}, 100),
    ("air_good_hours_rate", {"air_hours_aqi_ok": 648, "air_hours_measured": 720}, 90),
    ("pm25_exceedance_days", {"pm25_days_over_limit": 4}, 4),
    ("flood_hours_alarm_1", {"flood_hours_level_1": 30}, 30),
    ("flood_hours_alarm_2", {"flood_hours_level_2": 12}, 12),
    ("flood_hours_alarm_3", {"flood_hours_level_3": 2}, 2),
    ("camera_availability_rate", {"camera_online_pct": 97.5}, 97.5),
    ("alert_ack_median_min", {"alert_ack_median_minutes": 6.5}, 6.5),
    ("payment_account_adults_rate", {"people_15_plus_with_account": 4500, "people_15_plus": 6000}, 75),
    ("vneid_level2_rate", {"residents_vneid_level2": 5200, "residents_14_plus": 6500}, 80),
    (
        "tthc_mean_processing_days",
        {
            "tthc_processing_days_total": 340,
            "tthc_resolved_early": 20,
            "tthc_resolved_on_time": 55,
            "tthc_resolved_late": 5,
        },
        4.25,
    ),
    (
        "tthc_input_digitised_rate",
        {"tthc_inputs_digitised": 81, "tthc_received_direct": 40, "tthc_received_online": 50, "tthc_received_post": 0},
        90,
    ),
    ("budget_revenue", {"budget_revenue_mvnd": 1250.5}, 1250.5),
    (
        "public_investment_disbursed_rate",
        {"public_investment_disbursed_mvnd": 5400, "public_investment_plan_mvnd": 12000},
        45,
    ),
    ("new_jobs", {"new_jobs_count": 37}, 37),
    ("poor_household_rate", {"poor_households": 98, "households_total": 1959}, 98 / 1959 * 100),
    ("health_insurance_rate", {"people_with_health_insurance": 7310, "population_total": 7860}, 93.0),
    ("traffic_accidents", {"traffic_accidents_count": 2}, 2),
    ("crimes", {"crimes_count": 1}, 1),
    ("waste_collection_rate", {"waste_collected_t": 171, "waste_generated_t": 190}, 90),
    ("clean_water_rate", {"households_clean_water": 1763, "households_total": 1959}, 1763 / 1959 * 100),
]


def test_every_catalogue_kpi_has_a_hand_computed_case(catalogue: Catalogue) -> None:
    assert {c[0] for c in CASES} == set(catalogue.kpis)


@pytest.mark.parametrize(("kpi_id", "inputs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_catalogue_formula(
    catalogue: Catalogue, kpi_id: str, inputs: dict[str, float], expected: float
) -> None:
    kpi = catalogue.kpis[kpi_id]
    month = {PeriodKind.MONTH: "2025-06", PeriodKind.QUARTER: "2025-Q2", PeriodKind.YEAR: "2025"}[kpi.period]
    engine = KpiEngine(catalogue, [Figure("xa-a", month, m, v) for m, v in inputs.items()])
    value = engine.value(kpi_id, "xa-a", "2025-06")
    assert value.value == pytest.approx(expected, abs=0.01)
    first = next(iter(inputs))
    engine = KpiEngine(catalogue, [Figure("xa-a", month, m, v) for m, v in inputs.items() if m != first])
    empty = engine.value(kpi_id, "xa-a", "2025-06")
    assert empty.value is None and first in (empty.reason or "")


MINIMAL = """\
version: 1
metrics:
  - {id: households_total, name_vi: "Tổng số hộ", name_en: Households, unit: households}
  - {id: households_with_payment_account, name_vi: "Hộ có TK", name_en: Accounts, unit: households}
kpis:
  - id: cashless_households_rate
    name_vi: "Tỷ lệ hộ có tài khoản"
    name_en: Cashless
    pillar: digital_economy
    unit: "%"
    formula: FORMULA
"""


def problems_of(text: str) -> list:
    with pytest.raises(ConfigError) as info:
        parse_catalogue(text, "indicators.yaml")
    return info.value.problems


@pytest.mark.parametrize(
    ("formula", "fragment"),
    [
        ("__import__('os').system('rm -rf /')", "'__import__' is not allowed"),
        ("households_total.__class__", "attribute access"),
        ("9**9**9", "powers"),
        ("lambda: 0", "'lambda' is not allowed"),
        ("households_total[0]", "subscripts"),
        ("households / households_total", "unknown metric or KPI: households"),
    ],
)
def test_bad_formula_is_a_located_configuration_error(formula: str, fragment: str) -> None:
    text = MINIMAL.replace("FORMULA", f'"{formula}"')
    (problem,) = problems_of(text)
    assert problem.file == "indicators.yaml"
    assert problem.line == 11
    assert problem.key == "kpis[0].formula"
    assert fragment in problem.message


def test_cycle_between_kpis_is_reported_with_its_path() -> None:
    text = (
        MINIMAL.replace("FORMULA", "other_rate + 1")
        + """\
  - id: other_rate
    name_vi: "Khác"
    name_en: Other
    pillar: digital_economy
    unit: "%"
    formula: cashless_households_rate * 2
  - {id: self_rate, name_vi: "Tự", name_en: Self, pillar: digital_economy, unit: "%", formula: self_rate}
"""
    )
    problems = problems_of(text)
    messages = {p.key: p.message for p in problems}
    assert "cashless_households_rate → other_rate → cashless_households_rate" in messages["kpis[0].formula"]
    assert "self_rate → self_rate" in messages["kpis[2].formula"]
    assert [p.line for p in problems] == [11, 18]


def test_unknown_key_duplicate_id_and_bad_enum_are_located() -> None:
    text = MINIMAL.replace("FORMULA", "households_total") + "    colour: red\n    pillar_x: 1\n"
    keys = {p.key: p for p in problems_of(text)}
    assert keys["kpis[0].colour"].message == "unknown key 'colour'"
    assert keys["kpis[0].colour"].line == 12
    text = MINIMAL.replace("FORMULA", "households_total").replace(
        "id: households_with_payment_account", "id: households_total"
    )
    (dup,) = problems_of(text)
    assert dup.key == "metrics[1].id" and "used twice" in dup.message and dup.line == 4
    (bad,) = problems_of(MINIMAL.replace("FORMULA", "households_total").replace("digital_economy", "kinh_te"))
    assert bad.key == "kpis[0].pillar" and bad.line == 9
    (unit,) = problems_of(MINIMAL.replace("FORMULA", "households_total").replace('unit: "%"', "unit: count"))
    assert unit.key == "kpis[0].unit" and "unknown unit 'count'" in unit.message


def test_a_key_written_twice_is_a_located_problem() -> None:
    (twice,) = problems_of(MINIMAL.replace("FORMULA", "households_total").replace("    unit: \"%\"\n",
                                                                                 "    unit: \"%\"\n    unit: \"%\"\n"))
    assert (twice.key, twice.line, twice.message) == ("kpis.0.unit", 11, "this key appears twice")


def test_aggregate_of_a_kpi_is_refused() -> None:
    text = (
        MINIMAL.replace("FORMULA", "households_total")
        + """\
  - {id: other_rate, name_vi: "Khác", name_en: Other, pillar: digital_economy, unit: "%",
     formula: "sum(cashless_households_rate)"}
"""
    )
    (problem,) = problems_of(text)
    assert problem.key == "kpis[1].formula" and "not KPIs" in problem.message
