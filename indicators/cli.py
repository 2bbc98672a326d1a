"""The `run_coc.py import-kpi FILE` command: import official figures; print what was kept and each bad row."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from config.problems import ConfigError
from indicators.catalogue import load_catalogue
from indicators.figures_db import FiguresDb
from indicators.importer import import_file
from indicators.models import ImportReport
from indicators.sections import IndicatorSections
from indicators.upload_limits import ImportFileError


def format_report(report: ImportReport) -> str:
    """The import summary in Vietnamese and English, then one line per refused row."""
    lines = [
        f"{report.source}: {report.rows_read} số liệu đọc / figures read; "
        f"{report.inserted} mới / new, {report.updated} cập nhật / updated, "
        f"{report.unchanged} không đổi / unchanged, {len(report.problems)} dòng lỗi / bad rows",
    ]
    for p in report.problems:
        column = f" [{p.column}]" if p.column else ""
        lines.append(f"  dòng / line {p.line}{column}: {p.reason}")
    return "\n".join(lines)


def main_import_kpi(
    config: IndicatorSections,
    path: str | Path,
    commune: str | None = None,
    progress: bool = True,
    out: TextIO | None = None,
) -> int:
    """Import one file; exit code 0 when every row was kept, 1 when some rows were refused, 2 when nothing
    could be imported (unreadable file or catalogue)."""
    out = out or sys.stdout
    try:
        catalogue = load_catalogue(config.catalogue_path())
    except (ConfigError, OSError) as exc:
        print(f"Danh mục chỉ tiêu lỗi / KPI catalogue error:\n{exc}", file=out)
        return 2
    db = FiguresDb(config.figures_db_path()).open()
    try:
        report = import_file(path, db, catalogue, progress=progress, commune=commune or config.commune.id)
    except (ImportFileError, OSError, UnicodeDecodeError) as exc:
        print(f"Không nhập được / cannot import: {exc}", file=out)
        return 2
    finally:
        db.close()
    print(format_report(report), file=out)
    return 1 if report.problems else 0
