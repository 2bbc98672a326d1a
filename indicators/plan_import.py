"""Imports a year plan in the shape the commune office keeps it (STT | Chỉ tiêu | Đơn vị | Kế hoạch năm 2026),
from CSV or XLSX: each line matched to a KPI by its id or its Vietnamese name, the unit checked, the value read
in Vietnamese number format; bad lines reported with their line number, good ones kept."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path

from indicators.catalogue import Catalogue
from indicators.figures_db import FiguresDb
from indicators.importer import ImportFileError, _key, read_table
from indicators.models import ImportReport, PlanTarget, RowProblem
from indicators.numbers import parse_vi_number
from indicators.units import UNITS
from indicators.upload_limits import WEB_LIMITS, UploadLimits

PLAN_ALIASES: dict[str, set[str]] = {
    "kpi": {"chi_tieu", "ten_chi_tieu", "ma_chi_tieu", "kpi", "indicator", "noi_dung"},
    "unit": {"don_vi", "don_vi_tinh", "dvt", "unit"},
    "year": {"nam", "year"},
    "commune": {"xa", "ma_xa", "commune"},
}
PLAN_COLUMN = re.compile(r"^(ke_hoach|kh|plan|target)(_nam)?(_(?P<y>\d{4}))?$")
DEFAULT_BASIS = "Kế hoạch năm (Nghị quyết HĐND xã)"


def _plan_columns(header: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _key(cell)
        match = PLAN_COLUMN.match(key)
        if match and "plan" not in found:
            found["plan"] = i
            if match["y"]:
                found["header_year"] = int(match["y"])
            continue
        for role, names in PLAN_ALIASES.items():
            if key in names and role not in found:
                found[role] = i
    return found


def kpi_by_name(catalogue: Catalogue) -> dict[str, str]:
    """KPI ids by their id and by their Vietnamese and English names, in the importer's key form."""
    out: dict[str, str] = {}
    for kpi in catalogue.kpis.values():
        for name in (kpi.id, kpi.name_vi, kpi.name_en):
            out[_key(name)] = kpi.id
    return out


def _unit_ok(text: object, unit: str) -> bool:
    given = _key(text)
    known = UNITS.get(unit)
    return given == "" or known is None or given in {_key(unit), _key(known.vi), _key(known.en)}


def plan_rows(
    rows: Iterable[tuple[int, list[object]]], cols: dict[str, int], catalogue: Catalogue, commune: str,
    year: int | None, basis: str,
) -> tuple[list[PlanTarget], list[RowProblem]]:
    """Every plan line checked: a PlanTarget, or a RowProblem with its line and reason."""
    names = kpi_by_name(catalogue)
    kept: list[PlanTarget] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in rows:
        def cell(role: str, cells: list[object] = cells) -> object:
            i = cols.get(role)
            return cells[i] if i is not None and i < len(cells) else None

        label = str(cell("kpi") or "").strip()
        kpi_id = names.get(_key(label))
        if kpi_id is None:
            problems.append(RowProblem(line, f"'{label}' is not a KPI of the catalogue (chỉ tiêu không có)"))
            continue
        unit = catalogue.kpis[kpi_id].unit
        if not _unit_ok(cell("unit"), unit):
            problems.append(RowProblem(line, f"unit '{cell('unit')}' differs from the KPI's unit ({UNITS[unit].vi})"))
            continue
        raw = cell("plan")
        try:
            value = float(raw) if isinstance(raw, int | float) else parse_vi_number(str(raw or ""))
        except (ValueError, OverflowError):
            problems.append(RowProblem(line, f"plan value '{str(raw)[:24]}' is not a number"))
            continue
        if not math.isfinite(value):
            problems.append(RowProblem(line, f"plan value '{str(raw)[:24]}' is not a finite number (too large)"))
            continue
        line_year = cell("year")
        the_year = int(str(line_year).strip()) if str(line_year or "").strip().isdigit() else year
        if the_year is None or not 2000 <= the_year <= 2100:
            problems.append(RowProblem(line, "no year: add a 'Năm' column or write 'Kế hoạch năm 2026'"))
            continue
        key = (the_year, kpi_id)
        if key in seen:
            problems.append(RowProblem(line, f"'{label}' already has a plan for {the_year} on line {seen[key]}"))
            continue
        seen[key] = line
        place = str(cell("commune") or commune).strip()
        kept.append(PlanTarget(place, the_year, kpi_id, value, basis, "import"))
    return kept, problems


def import_plan(
    path: str | Path, db: FiguresDb, catalogue: Catalogue, commune: str, year: int | None = None,
    basis: str = DEFAULT_BASIS, limits: UploadLimits = WEB_LIMITS,
) -> ImportReport:
    """Import a plan file (uploaded on /kpi: the web's limits); the year comes from a 'Năm' column, the plan
    column's header or `year`."""
    path = Path(path)
    table = read_table(path, limits)
    if not table:
        raise ImportFileError(f"{path.name} is empty")
    header_at = next(
        (i for i, (_line, cells) in enumerate(table) if {"plan", "kpi"} <= set(_plan_columns(cells))), None
    )  # title lines above the header are skipped
    if header_at is None:
        raise ImportFileError(
            f"{path.name}: no header with 'Chỉ tiêu', 'Đơn vị' and 'Kế hoạch năm' (e.g. 'Kế hoạch năm 2026')"
        )
    cols = _plan_columns(table[header_at][1])
    plans, problems = plan_rows(
        table[header_at + 1 :], cols, catalogue, commune, year or cols.get("header_year"), basis
    )
    counts = db.upsert_plans(plans)
    source = f"plan:{path.name}"
    return ImportReport(source, len(table) - header_at - 1, counts.inserted, counts.updated, counts.unchanged,
                        tuple(problems))
