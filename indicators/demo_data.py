"""Demo figures: 24 months for four seed communes, consistent with what the seeds report (DOMAIN.md).

Deterministic (seeded by commune and metric). `python -m indicators.demo_data` rewrites
indicators/demo/figures.csv;
`load_demo_figures(db)` imports that file. Figures not in the seeds (households of Yên Hòa, La Bằng, Sảng Mộc,
monthly file counts ...) are plausible inventions, marked as such in DEMO_COMMUNES.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indicators.catalogue import Catalogue, load_catalogue
from indicators.figures_db import FiguresDb
from indicators.importer import import_file
from indicators.models import ImportReport
from indicators.periods import shift

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "figures.csv"
END_MONTH = "2026-10"
MONTHS = 24


@dataclass(frozen=True)
class Profile:
    """One commune: its population bases, stock shares (start, end), monthly flows and seed totals."""

    id: str
    name: str
    households: int
    population: int
    officials: int
    shares: dict[str, tuple[float, float]] = field(default_factory=dict)  # metric -> share of its base
    files_per_month: float = 60
    online_share: tuple[float, float] = (0.2, 0.5)
    docs_per_month: int = 40
    signed_share: tuple[float, float] = (0.8, 1.0)
    work_online_share: tuple[float, float] = (0.5, 0.9)
    telehealth_total: int | None = None  # 24-month total from the seeds
    files_total: int | None = None  # 24-month files received from the seeds
    online_files_total: int | None = None
    products: tuple[int, int] = (2, 12)
    floods: bool = False
    winter_smog: float = 0.05


DEMO_COMMUNES: tuple[Profile, ...] = (
    # Seeds: 1,065 of 1,959 households with an account (615 ViettelPay, 450 banks); 100 % documents signed.
    Profile(
        "quang-tho",
        "Xã Quảng Thọ",
        1959,
        7860,
        22,
        {
            "households_with_payment_account": (0.31, 1065 / 1959),
            "households_with_vpostcode": (0.2, 0.74),
            "households_with_fibre": (0.55, 0.78),
        },
        files_per_month=75,
        online_share=(0.25, 0.58),
        signed_share=(1.0, 1.0),
        floods=True,
    ),
    # Seeds: 100 % addresses digitised; 1,297 files (967 level 2, 312 level 3, 18 level 4); 2,343 telehealth
    # consultations; 100 % documents online and signed. Households and population invented.
    Profile(
        "yen-hoa",
        "Xã Yên Hòa",
        2410,
        9120,
        24,
        {
            "households_with_payment_account": (0.4, 0.71),
            "households_with_vpostcode": (0.55, 1.0),
            "households_with_fibre": (0.6, 0.86),
        },
        files_total=1297,
        online_files_total=330,
        signed_share=(1.0, 1.0),
        work_online_share=(1.0, 1.0),
        telehealth_total=2343,
        products=(5, 21),
    ),
    # Seeds: 1,147 digital addresses. Households invented (1,230).
    Profile(
        "la-bang",
        "Xã La Bằng",
        1230,
        4950,
        21,
        {
            "households_with_payment_account": (0.28, 0.6),
            "households_with_vpostcode": (0.3, 1147 / 1230),
            "households_with_fibre": (0.5, 0.81),
        },
        files_per_month=45,
        online_share=(0.15, 0.46),
        signed_share=(0.7, 0.95),
        products=(3, 15),
        winter_smog=0.12,
    ),
    # Seeds: 100 % documents through the system; 90 % of officials sign digitally. Households invented.
    Profile(
        "sang-moc",
        "Xã Sảng Mộc",
        1080,
        4620,
        20,
        {
            "households_with_payment_account": (0.18, 0.45),
            "households_with_vpostcode": (0.25, 0.8),
            "households_with_fibre": (0.35, 0.66),
        },
        files_per_month=35,
        online_share=(0.1, 0.38),
        signed_share=(0.6, 0.9),
        work_online_share=(1.0, 1.0),
        products=(1, 8),
        winter_smog=0.15,
    ),
)

Row = tuple[str, str, str, float]


def ramp(share: tuple[float, float], i: int, done_at: int = MONTHS - 1) -> float:
    """Linear from start (month 0) to end (month `done_at`), then flat."""
    start, end = share
    return end if i >= done_at else start + (end - start) * i / done_at


def distribute(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to exactly `total` (largest remainders)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda k: raw[k] - out[k], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _flows(p: Profile, months: list[str], rnd: Callable[[str], random.Random]) -> list[Row]:
    rows: list[Row] = []
    r = rnd("files")
    weights = [p.files_per_month * (1 + 0.25 * r.uniform(-1, 1)) for _ in months]
    totals = distribute(p.files_total, weights) if p.files_total else [round(w) for w in weights]
    online = (
        distribute(p.online_files_total, [t * (1 + i / 12) for i, t in enumerate(totals)])
        if p.online_files_total
        else [round(t * ramp(p.online_share, i)) for i, t in enumerate(totals)]
    )
    for i, (m, total, on) in enumerate(zip(months, totals, online, strict=True)):
        post = 0 if p.files_total else round(total * 0.03)
        late = round(total * max(0.0, 0.06 - 0.05 * i / 23) * r.uniform(0.5, 1.5))
        early = round((total - late) * 0.3)
        fee = round(total * 0.4)
        rows += [
            (p.id, m, "tthc_received_online", on),
            (p.id, m, "tthc_received_post", post),
            (p.id, m, "tthc_received_direct", max(0, total - on - post)),
            (p.id, m, "tthc_resolved_early", early),
            (p.id, m, "tthc_resolved_on_time", total - late - early),
            (p.id, m, "tthc_resolved_late", late),
            (p.id, m, "tthc_pending_overdue", r.choice((0, 0, 0, 1))),
            (p.id, m, "tthc_with_fee", fee),
            (p.id, m, "tthc_paid_online", round(fee * ramp((0.05, 0.45), i))),
            (p.id, m, "tthc_e_result", round(total * ramp((0.6, 0.98), i))),
        ]
    return rows


def _office(p: Profile, months: list[str], rnd: Callable[[str], random.Random]) -> list[Row]:
    rows: list[Row] = []
    r = rnd("office")
    full_online = r.uniform(0.55, 0.75)
    for i, m in enumerate(months):
        docs = 10 * round(p.docs_per_month * r.uniform(0.8, 1.2) / 10)
        work = round(120 * r.uniform(0.8, 1.2))
        pakn = r.randint(4, 14)
        survey = r.randint(40, 90)
        rows += [
            (p.id, m, "docs_out_total", docs),
            (p.id, m, "docs_out_signed", round(docs * ramp(p.signed_share, i))),
            (p.id, m, "work_files_total", work),
            (p.id, m, "work_files_online", round(work * ramp(p.work_online_share, i))),
            (p.id, m, "pakn_received", pakn),
            (p.id, m, "pakn_on_time", pakn - r.choice((0, 0, 1))),
            (p.id, m, "survey_total", survey),
            (p.id, m, "survey_not_satisfied", round(survey * ramp((0.08, 0.02), i))),
            (p.id, m, "procedures_total", 118),
            (p.id, m, "procedures_full_online", round(118 * ramp((0.3, full_online), i))),
        ]
    return rows


def _society(p: Profile, months: list[str], rnd: Callable[[str], random.Random]) -> list[Row]:
    rows: list[Row] = []
    r = rnd("society")
    adults, working = round(p.population * 0.72), round(p.population * 0.6)
    tele_weights = [1 + i / 8 + r.uniform(0, 0.5) for i in range(len(months))]
    tele = (
        distribute(p.telehealth_total, tele_weights)
        if p.telehealth_total
        else [round(8 * w) for w in tele_weights]
    )
    ends = {
        k: min(1.0, e * r.uniform(0.9, 1.08)) for k, e in (("ehr", 0.88), ("phone", 0.83), ("skills", 0.58))
    }
    for i, m in enumerate(months):
        rows += [
            (p.id, m, "households_total", p.households),
            (p.id, m, "population_total", p.population),
            (p.id, m, "adults_total", adults),
            (p.id, m, "working_age_total", working),
            (p.id, m, "officials_total", p.officials),
            (p.id, m, "officials_trained_dt", round(p.officials * ramp((0.5, 1.0), i, 17))),
            (p.id, m, "people_with_ehr", round(p.population * ramp((0.35, ends["ehr"]), i))),
            (p.id, m, "adults_with_smartphone", round(adults * ramp((0.62, ends["phone"]), i))),
            (p.id, m, "people_trained_digital", round(working * ramp((0.15, ends["skills"]), i))),
            (p.id, m, "telehealth_consultations_count", tele[i]),
            (p.id, m, "ecommerce_products_listed", round(ramp(p.products, i))),
        ]
        rows += [
            (p.id, m, metric, round(p.households * ramp(share, i, 17 if share[1] >= 1 else MONTHS - 1)))
            for metric, share in p.shares.items()
        ]
    return rows


def _sensors(p: Profile, months: list[str], rnd: Callable[[str], random.Random]) -> list[Row]:
    rows: list[Row] = []
    r = rnd("sensors")
    for m in months:
        month = int(m[5:7])
        winter = month in (11, 12, 1, 2, 3)
        hours = {2: 672}.get(month, 720 if month in (4, 6, 9, 11) else 744) - r.randint(0, 12)
        bad = hours * (p.winter_smog * (3 if winter else 0.5)) * r.uniform(0.6, 1.4)
        flood = p.floods and month in (10, 11)
        levels = [r.randint(20, 60), r.randint(5, 20), r.randint(0, 6)] if flood else [0, 0, 0]
        rows += [
            (p.id, m, "air_hours_measured", hours),
            (p.id, m, "air_hours_aqi_ok", hours - round(bad)),
            (p.id, m, "pm25_days_over_limit", round(bad / 24 * 0.6)),
            (p.id, m, "flood_hours_level_1", levels[0]),
            (p.id, m, "flood_hours_level_2", levels[1]),
            (p.id, m, "flood_hours_level_3", levels[2]),
            (p.id, m, "camera_online_pct", round(r.uniform(93.0, 99.6), 1)),
            (p.id, m, "alert_ack_median_minutes", round(r.uniform(4, 22), 1)),
        ]
    return rows


def demo_rows(end_month: str = END_MONTH) -> list[Row]:
    """Every demo figure as (commune, period, metric, value) for the 24 months ending with `end_month`."""
    months = [shift(end_month, i - MONTHS + 1) for i in range(MONTHS)]
    rows: list[Row] = []
    for p in DEMO_COMMUNES:

        def rnd(part: str, commune: str = p.id) -> random.Random:
            return random.Random(f"{commune}:{part}")

        for part in (_flows, _office, _society, _sensors):
            rows += part(p, months, rnd)
    return rows


def write_demo_file(path: Path = DEMO_FILE, end_month: str = END_MONTH) -> int:
    """Write the demo figures as a long-form CSV; return the number of rows."""
    rows = demo_rows(end_month)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("commune", "period", "metric", "value"))
        writer.writerows((c, p, m, f"{v:g}") for c, p, m, v in rows)
    return len(rows)


def load_demo_figures(
    db: FiguresDb, catalogue: Catalogue | None = None, path: Path = DEMO_FILE
) -> ImportReport:
    """Import the demo figures into the figures table (re-running changes nothing)."""
    if catalogue is None:
        catalogue = load_catalogue(Path(__file__).resolve().parent.parent / "config" / "indicators.yaml")
    return import_file(path, db, catalogue, progress=False)


if __name__ == "__main__":
    print(f"{write_demo_file()} figures written to {DEMO_FILE}")
