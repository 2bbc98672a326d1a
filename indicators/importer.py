"""Imports official figures from CSV or XLSX, in long form (commune, period, metric, value) or the wide form
staff export from Excel (one row per metric, one column per month)."""

from __future__ import annotations

import csv
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from tqdm import tqdm

from indicators.catalogue import Catalogue
from indicators.figures_db import FiguresDb
from indicators.models import ImportReport, RowProblem
from indicators.periods import PeriodError, parse_period
from indicators.rows import RawRow, check_rows
from indicators.upload_limits import FILE_LIMITS, Budget, ImportFileError, LimitExceeded, UploadLimits

ALIASES: dict[str, set[str]] = {
    "commune": {"commune", "xa", "ma_xa", "commune_id"},
    "period": {"period", "ky", "thang", "ky_bao_cao"},
    "metric": {"metric", "chi_tieu", "ma_chi_tieu", "metric_id"},
    "value": {"value", "gia_tri", "so_lieu"},
}
LABEL_COLUMNS = {"name", "ten", "ten_chi_tieu", "unit", "don_vi", "don_vi_tinh", "ghi_chu", "note", "stt"}


def _key(header: object) -> str:
    text = unicodedata.normalize("NFD", str(header or "").strip().lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "_".join(text.replace("-", " ").split())


def read_table(path: Path, limits: UploadLimits = FILE_LIMITS) -> list[tuple[int, list[object]]]:
    """The file's non-empty rows as (line, cells), line numbered as the spreadsheet shows it; LimitExceeded as
    soon as the file passes one of `limits`, ImportFileError when it cannot be read."""
    suffix = path.suffix.lower()
    budget = Budget(limits, path.name)
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise ImportFileError(f"{path.name}: only .csv and .xlsx files can be imported")
    budget.size("bytes", path.stat().st_size, limits.max_bytes)
    rows = _csv_rows(path, budget) if suffix == ".csv" else _xlsx_rows(path, budget)
    return [
        (i, cells)
        for i, cells in enumerate(rows, start=1)
        if any(c is not None and str(c).strip() != "" for c in cells)
    ]


def _csv_rows(path: Path, budget: Budget) -> list[list[object]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in Vietnamese locales writes ';'
    try:
        return [budget.take(row) for row in csv.reader(text.splitlines(), delimiter=delimiter)]
    except csv.Error as exc:  # the csv module's own field limit is 131,072 characters
        if "field limit" in str(exc):
            raise LimitExceeded("cell_chars", budget.limits.max_cell_chars, path.name) from None
        raise ImportFileError(f"{path.name} is not a readable CSV file ({str(exc)[:80]})") from None


def _xlsx_rows(path: Path, budget: Budget) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is not a readable XLSX file ({type(exc).__name__})") from None
    budget.size("unpacked_bytes", unpacked, budget.limits.max_unpacked_bytes)
    try:
        book = load_workbook(path, read_only=True, data_only=True)  # streams the sheet: stops at a limit
        try:
            return [budget.take(list(r)) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except LimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises zip, XML (a sheet cut short) and its own errors
        raise ImportFileError(f"{path.name} is not a readable XLSX file ({type(exc).__name__})") from None


def _columns(header: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        for role, names in ALIASES.items():
            if _key(cell) in names and role not in found:
                found[role] = i
    return found


def _long_rows(
    rows: list[tuple[int, list[object]]], cols: dict[str, int], commune: str | None
) -> Iterator[RawRow]:
    def cell(cells: list[object], role: str) -> object:
        i = cols.get(role)
        return cells[i] if i is not None and i < len(cells) else None

    for line, cells in rows:
        place = cell(cells, "commune") if "commune" in cols else commune
        yield RawRow(line, place, cell(cells, "period"), cell(cells, "metric"), cell(cells, "value"))


def _wide_rows(
    header_line: int,
    rows: list[tuple[int, list[object]]],
    header: list[object],
    cols: dict[str, int],
    commune: str | None,
    problems: list[RowProblem],
) -> Iterator[RawRow]:
    periods: dict[int, str] = {}
    for i, cell in enumerate(header):
        if i in cols.values() or _key(cell) in LABEL_COLUMNS or cell is None or str(cell).strip() == "":
            continue
        try:
            periods[i] = parse_period(cell)
        except PeriodError as exc:
            problems.append(RowProblem(header_line, f"column '{cell}' ignored: {exc}", str(cell)))
    for line, cells in rows:
        place = cells[cols["commune"]] if "commune" in cols else commune
        for i, period in periods.items():
            value = cells[i] if i < len(cells) else None
            if value is None or str(value).strip() == "":
                continue  # no figure that month
            label = period if isinstance(header[i], date | datetime) else str(header[i]).strip()
            yield RawRow(line, place, period, cells[cols["metric"]], value, label)


def raw_rows(path: Path, commune: str | None, problems: list[RowProblem],
             limits: UploadLimits = FILE_LIMITS) -> tuple[list[RawRow], str]:
    """Every figure cell of the file as a RawRow, and the form detected ('long' or 'wide')."""
    table = read_table(path, limits)
    if not table:
        raise ImportFileError(f"{path.name} is empty")
    (header_line, header), body = table[0], table[1:]
    cols = _columns(header)
    if commune is None and "commune" not in cols:
        raise ImportFileError(f"{path.name} has no commune column; give the commune id (--commune)")
    if {"period", "metric", "value"} <= set(cols):
        return list(_long_rows(body, cols, commune)), "long"
    if "metric" in cols:
        return list(_wide_rows(header_line, body, header, cols, commune, problems)), "wide"
    raise ImportFileError(
        f"{path.name}: line {header_line} must be a header: either commune, period, metric, value "
        "(long form) "
        "or metric followed by one column per month such as 2025-01 or 01/2025 (wide form)"
    )


def import_file(
    path: str | Path, db: FiguresDb, catalogue: Catalogue, progress: bool = True, commune: str | None = None,
    limits: UploadLimits = FILE_LIMITS,
) -> ImportReport:
    """Import one CSV or XLSX file: good rows stored (re-import changes nothing), bad rows reported."""
    path = Path(path)
    problems: list[RowProblem] = []
    rows, _form = raw_rows(path, commune, problems, limits)
    source = f"file:{path.name}"
    bar = tqdm(rows, desc=f"Nhập {path.name}", unit="dòng", disable=not progress, leave=False)
    figures, bad = check_rows(bar, catalogue, source)
    counts = db.upsert(figures)
    problems = collapse(sorted(problems + bad, key=lambda p: p.line))
    return ImportReport(source, len(rows), counts.inserted, counts.updated, counts.unchanged, tuple(problems))


def collapse(problems: list[RowProblem]) -> list[RowProblem]:
    """One problem per line and reason: an unknown metric in a wide row is reported once, with its columns."""
    merged: dict[tuple[int, str], list[str | None]] = {}
    for p in problems:
        merged.setdefault((p.line, p.reason), []).append(p.column)
    return [
        RowProblem(line, reason, ", ".join(c for c in cols if c) or None)
        for (line, reason), cols in merged.items()
    ]
