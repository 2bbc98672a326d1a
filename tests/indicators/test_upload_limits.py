"""The limits of every figures and plan file read (indicators/upload_limits.py), file by file: bytes, unpacked
bytes, rows, cells, characters in a cell and seconds, each refused with the limit named; a damaged file is
unreadable, never an exception of the parser; files within the limits still import."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.importer import ImportFileError, read_table
from indicators.upload_limits import FILE_LIMITS, WEB_LIMITS, LimitExceeded

TINY = replace(WEB_LIMITS, max_bytes=10_000, max_unpacked_bytes=50_000, max_rows=50, max_cells=120,
               max_cell_chars=30)


def csv_file(tmp_path: Path, rows: list[list[str]], name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    return path


def xlsx_file(tmp_path: Path, rows: list[list[object]], name: str = "f.xlsx") -> Path:
    book = Workbook()
    for r in rows:
        book.active.append(r)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize(("rows", "limit"), [
    ([["a", "b"]] * 51, "rows"),
    ([["a"] * 5] * 25, "cells"),
    ([["a", "x" * 31]], "cell_chars"),
])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_each_limit_is_named(tmp_path: Path, rows: list[list[str]], limit: str, suffix: str) -> None:
    path = (csv_file if suffix == ".csv" else xlsx_file)(tmp_path, rows, f"f{suffix}")
    with pytest.raises(LimitExceeded) as info:
        read_table(path, TINY)
    assert info.value.limit.name == limit, str(info.value)
    assert info.value.status == 413 and f"({info.value.limit.name})" in str(info.value)
    assert str(info.value).index("vượt giới hạn") < str(info.value).index("over the limit")  # Vietnamese first


def test_bytes_sent_and_bytes_unpacked(tmp_path: Path) -> None:
    big = csv_file(tmp_path, [["a", "b"]] * 3_000)
    packed = xlsx_file(tmp_path, [[f"{i:028d}"] * 4 for i in range(30)])  # 120 cells: within the cell limit
    assert big.stat().st_size > TINY.max_bytes and packed.stat().st_size < TINY.max_bytes
    for path, limit in ((big, "bytes"), (packed, "unpacked_bytes")):
        with pytest.raises(LimitExceeded) as info:
            read_table(path, replace(TINY, max_unpacked_bytes=10_000))
        assert info.value.limit.name == limit and info.value.status == 413


def test_the_csv_modules_own_field_limit_is_the_cell_limit(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [["a", "b"], ["1", "x" * 140_000]])
    with pytest.raises(LimitExceeded) as info:
        read_table(path, FILE_LIMITS)
    assert info.value.limit.name == "cell_chars"


def test_a_slow_read_is_stopped_with_the_time_limit(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [["a", "b"]] * 2_000)
    with pytest.raises(LimitExceeded) as info:
        read_table(path, replace(FILE_LIMITS, max_seconds=-1.0))  # already past: checked every 512 rows
    assert info.value.limit.name == "seconds" and info.value.status == 422


def test_damaged_xlsx_files_are_unreadable_not_crashes(tmp_path: Path) -> None:
    good = xlsx_file(tmp_path, [["commune", "period", "metric", "value"], ["x", "2025-01", "m", 1]])
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    for name, change in (("cut.xlsx", lambda d: d[: len(d) // 2]), ("junk.xlsx", lambda d: b"<<<" + d)):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for part, data in parts.items():
                z.writestr(part, change(data) if part == sheet else data)
        (tmp_path / name).write_bytes(buffer.getvalue())
        with pytest.raises(ImportFileError, match="not a readable XLSX file"):
            read_table(tmp_path / name, WEB_LIMITS)
    (tmp_path / "short.xlsx").write_bytes(good.read_bytes()[:300])
    with pytest.raises(ImportFileError, match="not a readable XLSX file"):
        read_table(tmp_path / "short.xlsx", WEB_LIMITS)


def test_files_within_the_limits_are_read_whole(tmp_path: Path) -> None:
    rows = [["metric", "value"]] + [[f"m{i}", str(i)] for i in range(49)]  # 50 rows, 100 cells
    assert len(read_table(csv_file(tmp_path, rows), TINY)) == 50
    assert len(read_table(xlsx_file(tmp_path, rows), TINY)) == 50


def test_import_kpi_reports_a_damaged_or_oversized_file_and_exits_2(tmp_path: Path) -> None:
    import io as text_io

    from configfile.loader import parse_config
    from indicators.cli import main_import_kpi
    from indicators.sections import IndicatorSections
    from tests.indicators.test_importer import CONFIG

    config = parse_config(CONFIG.replace("STATE", str(tmp_path / "state.sqlite")), "coc.yaml", {})
    wide = csv_file(tmp_path, [["metric", "2025-07"], ["households_total", "1" * 140_000]], "wide.csv")
    good = xlsx_file(tmp_path, [["metric", "2025-07"], ["households_total", 1961]])
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(tmp_path / "cut.xlsx", "w") as z:
        for part, data in parts.items():
            z.writestr(part, data[: len(data) // 2] if part == "xl/worksheets/sheet1.xml" else data)
    for path, words in ((wide, "over the limit: a cell longer than 10,000 characters (cell_chars)"),
                        (tmp_path / "cut.xlsx", "not a readable XLSX file (ParseError)")):
        out = text_io.StringIO()
        assert main_import_kpi(IndicatorSections.of(config), path, progress=False, out=out) == 2
        assert "Không nhập được / cannot import" in out.getvalue() and words in out.getvalue(), out.getvalue()
