"""Demo of the socio-economic plan: 24 months of ILLUSTRATIVE figures (not official statistics) for three of the
four seed communes (Sảng Mộc has none, so that comparisons show 'chưa có số liệu'), and the year plans 2025 and
2026 of Quảng Thọ in the shape the commune office keeps them. Deterministic.

`python -m indicators.demo_plan` rewrites indicators/demo/socio_figures.csv and plan_<year>.csv;
`load_demo_plan(db, catalogue)` imports them."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from indicators.catalogue import Catalogue
from indicators.demo_data import DEMO_COMMUNES, END_MONTH, MONTHS, demo_rows, ramp
from indicators.figures_db import FiguresDb
from indicators.importer import import_file
from indicators.models import ImportReport
from indicators.numbers import format_number
from indicators.periods import shift
from indicators.plan_import import import_plan
from indicators.units import unit_label

DEMO_DIR = Path(__file__).resolve().parent / "demo"
FIGURES_FILE = DEMO_DIR / "socio_figures.csv"
COMMUNES = ("quang-tho", "yen-hoa", "la-bang")
PLAN_BASIS = "Kế hoạch năm {year} (số liệu minh họa)"
PLANS: dict[int, dict[str, float]] = {
    2025: {"budget_revenue": 2400, "public_investment_disbursed_rate": 95, "new_jobs": 130,
           "poor_household_rate": 4.0, "health_insurance_rate": 93, "traffic_accidents": 6, "crimes": 4,
           "waste_collection_rate": 88, "clean_water_rate": 92, "tthc_on_time_rate": 98,
           "tthc_mean_processing_days": 5, "tthc_input_digitised_rate": 60, "vneid_level2_rate": 70},
    2026: {"budget_revenue": 2800, "public_investment_disbursed_rate": 95, "new_jobs": 150,
           "poor_household_rate": 3.0, "health_insurance_rate": 95, "traffic_accidents": 5, "crimes": 3,
           "waste_collection_rate": 92, "clean_water_rate": 95, "tthc_on_time_rate": 98,
           "tthc_mean_processing_days": 4, "tthc_input_digitised_rate": 80, "vneid_level2_rate": 85,
           "dvc_full_online_rate": 80, "tthc_online_rate": 60, "payment_account_adults_rate": 80,
           "ehr_rate": 95, "fibre_households_rate": 85, "smartphone_adults_rate": 85, "digital_skills_rate": 70,
           "work_files_online_rate": 90, "signed_docs_rate": 100, "camera_availability_rate": 95},
}
Row = tuple[str, str, str, float]


def _resolved(commune: str) -> dict[str, tuple[float, float]]:
    """Files resolved and received per month in the existing demo figures (for processing days)."""
    out: dict[str, list[float]] = {}
    for c, month, metric, value in demo_rows():
        if c != commune:
            continue
        pair = out.setdefault(month, [0.0, 0.0])
        if metric.startswith("tthc_resolved_"):
            pair[0] += value
        elif metric.startswith("tthc_received_"):
            pair[1] += value
    return {m: (p[0], p[1]) for m, p in out.items()}


def socio_rows(end_month: str = END_MONTH) -> list[Row]:
    """Every illustrative figure as (commune, period, metric, value)."""
    months = [shift(end_month, i - MONTHS + 1) for i in range(MONTHS)]
    rows: list[Row] = []
    for p in (c for c in DEMO_COMMUNES if c.id in COMMUNES):
        r = random.Random(f"{p.id}:socio")
        files = _resolved(p.id)
        scale = p.households / 1959
        for i, m in enumerate(months):
            mon, year = int(m[5:7]), int(m[:4])
            allocated = round((12000 if year == 2025 else 14500) * scale, -1)
            resolved, received = files.get(m, (60.0, 60.0))
            waste = round(p.population * 0.0009 * 30 * r.uniform(0.9, 1.1), 1)
            rows += [
                (p.id, m, "budget_revenue_mvnd", round(scale * r.uniform(150, 230) * (1.6 if mon == 12 else 1), 1)),
                (p.id, m, "public_investment_plan_mvnd", allocated),
                (p.id, m, "public_investment_disbursed_mvnd", round(allocated * min(1.0, (mon / 12) ** 1.3 * 0.93))),
                (p.id, m, "new_jobs_count", r.randint(7, 14)),
                (p.id, m, "poor_households", round(p.households * ramp((0.048, 0.033), i))),
                (p.id, m, "people_with_health_insurance", round(p.population * ramp((0.91, 0.943), i))),
                (p.id, m, "traffic_accidents_count", r.choice((0, 0, 0, 1, 1, 2))),
                (p.id, m, "crimes_count", r.choice((0, 0, 0, 0, 1))),
                (p.id, m, "waste_generated_t", waste),
                (p.id, m, "waste_collected_t", round(waste * ramp((0.82, 0.9), i), 1)),
                (p.id, m, "households_clean_water", round(p.households * ramp((0.88, 0.935), i))),
                (p.id, m, "tthc_processing_days_total", round(resolved * ramp((5.6, 3.9), i) * r.uniform(0.95, 1.05))),
                (p.id, m, "tthc_inputs_digitised", round(received * ramp((0.4, 0.84), i))),
                (p.id, m, "residents_14_plus", round(p.population * 0.78)),
                (p.id, m, "residents_vneid_level2", round(p.population * 0.78 * ramp((0.45, 0.83), i))),
                (p.id, m, "people_15_plus", round(p.population * 0.76)),
                (p.id, m, "people_15_plus_with_account", round(p.population * 0.76 * ramp((0.55, 0.79), i))),
            ]
    return rows


def plan_text(year: int, catalogue: Catalogue) -> str:
    """The year plan of Quảng Thọ as the office's CSV (';', Vietnamese numbers), marked illustrative."""
    lines = ["UBND XÃ QUẢNG THỌ;;;",
             f"CHỈ TIÊU KẾ HOẠCH PHÁT TRIỂN KINH TẾ – XÃ HỘI NĂM {year} (SỐ LIỆU MINH HỌA);;;",
             f"STT;Chỉ tiêu;Đơn vị;Kế hoạch năm {year}"]
    for n, (kpi_id, value) in enumerate(PLANS[year].items(), start=1):
        kpi = catalogue.kpis[kpi_id]
        lines.append(f"{n};{kpi.name_vi};{unit_label(kpi.unit)};{format_number(value, 2)}")
    return "\n".join(lines) + "\n"


def write_demo_plan(catalogue: Catalogue, folder: Path = DEMO_DIR) -> int:
    """Write the illustrative figures and plans; return the number of figures."""
    rows = socio_rows()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / FIGURES_FILE.name).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("commune", "period", "metric", "value"))
        writer.writerows((c, p, m, f"{v:g}") for c, p, m, v in rows)
    for year in PLANS:
        (folder / f"plan_{year}.csv").write_text(plan_text(year, catalogue), encoding="utf-8-sig")
    return len(rows)


def load_demo_plan(db: FiguresDb, catalogue: Catalogue, commune: str = "quang-tho") -> list[ImportReport]:
    """Import the illustrative figures and Quảng Thọ's plans (re-running changes nothing)."""
    reports = [import_file(FIGURES_FILE, db, catalogue, progress=False)]
    for year in PLANS:
        reports.append(import_plan(DEMO_DIR / f"plan_{year}.csv", db, catalogue, commune,
                                   basis=PLAN_BASIS.format(year=year)))
    return reports


if __name__ == "__main__":
    from indicators.catalogue import load_catalogue

    count = write_demo_plan(load_catalogue(Path(__file__).resolve().parent.parent / "config" / "indicators.yaml"))
    print(f"{count} illustrative figures and {len(PLANS)} plans written to {DEMO_DIR}")
