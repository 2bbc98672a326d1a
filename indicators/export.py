"""KPI results as table rows for people: JSON-ready records, and CSV / XLSX files with bilingual headers."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from indicators.catalogue import Catalogue
from indicators.models import PILLAR_LABELS, STATUS_LABELS, KpiValue

COLUMNS: tuple[tuple[str, str], ...] = (
    ("commune_name", "Xã / Commune"),
    ("period", "Kỳ / Period"),
    ("pillar_vi", "Trụ cột / Pillar"),
    ("id", "Mã chỉ tiêu / KPI id"),
    ("name_vi", "Chỉ tiêu"),
    ("name_en", "Indicator"),
    ("unit", "Đơn vị / Unit"),
    ("value", "Giá trị / Value"),
    ("target", "Chỉ tiêu giao / Target"),
    ("progress_pct", "% so với chỉ tiêu / % of target"),
    ("status_vi", "Đánh giá / Status"),
    ("previous_value", "Kỳ trước / Previous period"),
    ("change", "Thay đổi / Change"),
    ("last_year_value", "Cùng kỳ năm trước / Same period last year"),
    ("rank", "Xếp hạng / Rank"),
    ("reason", "Ghi chú / Note"),
    ("updated_at", "Cập nhật / Updated (UTC)"),
)


def _iso(ts: datetime | None) -> str | None:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z") if ts else None


def record(value: KpiValue, catalogue: Catalogue, commune_name: str) -> dict[str, Any]:
    """One KPI value with its definition's names, pillar and status labels, times in ISO 8601 UTC."""
    kpi = catalogue.kpis[value.kpi_id]
    pillar_vi, pillar_en = PILLAR_LABELS[kpi.pillar]
    status_vi, status_en = STATUS_LABELS[value.status]
    data = asdict(value)
    data.pop("kpi_id")
    data.update(
        id=kpi.id,
        name_vi=kpi.name_vi,
        name_en=kpi.name_en,
        pillar=kpi.pillar.value,
        pillar_vi=pillar_vi,
        pillar_en=pillar_en,
        direction=kpi.direction.value,
        period_kind=kpi.period.value,
        source=kpi.source.value,
        target_basis=kpi.target_basis,
        commune_name=commune_name,
        status=value.status.value,
        status_vi=status_vi,
        status_en=status_en,
        updated_at=_iso(value.updated_at),
    )
    return data


def _cell(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def to_csv(records: list[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark so that Excel shows the Vietnamese diacritics."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _key, title in COLUMNS])
    for r in records:
        writer.writerow(["" if r.get(k) is None else _cell(r.get(k)) for k, _title in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(records: list[dict[str, Any]], title: str = "Chỉ tiêu") -> bytes:
    """One sheet with a bold header row and the same columns as the CSV."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([t for _key, t in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in records:
        sheet.append([_cell(r.get(k)) for k, _title in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
