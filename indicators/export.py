"""KPI results as table rows for people: JSON-ready records, and CSV / XLSX files with bilingual headers.

The CSV is written for Excel set to Vietnamese: UTF-8 with a byte-order mark (diacritics), ';' between fields
(the list separator of the Vietnamese regional settings) and a decimal comma (54,36), no thousands separator, so
that every figure opens as a number."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from indicators.catalogue import Catalogue, KpiDef
from indicators.models import PILLAR_LABELS, STATUS_LABELS, KpiValue
from indicators.units import unit_label

COLUMNS: tuple[tuple[str, str], ...] = (
    ("commune_name", "Xã / Commune"),
    ("period", "Kỳ / Period"),
    ("pillar_vi", "Lĩnh vực / Pillar"),
    ("id", "Mã chỉ tiêu / KPI id"),
    ("name_vi", "Chỉ tiêu"),
    ("name_en", "Indicator"),
    ("unit_vi", "Đơn vị / Unit"),
    ("value", "Thực hiện / Value"),
    ("target", "Kế hoạch / Target"),
    ("progress_pct", "% so với kế hoạch / % of target"),
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
    return kpi_record(value, catalogue.kpis[value.kpi_id], commune_name)


def kpi_record(value: KpiValue, kpi: KpiDef, commune_name: str) -> dict[str, Any]:
    """One KPI value with the given definition's names, pillar and status labels (GET /api/kpis and the exports)."""
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
        target_basis=value.target_basis,  # the basis of the target applied to this period
        commune_name=commune_name,
        status=value.status.value,
        status_vi=status_vi,
        status_en=status_en,
        unit_vi=unit_label(value.unit, "vi"),
        unit_en=unit_label(value.unit, "en"),
        updated_at=_iso(value.updated_at),
    )
    return data


def _cell(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def csv_cell(value: Any) -> str:
    """A CSV field for Excel in Vietnamese: numbers with a decimal comma and no thousands separator."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
        return ("0" if text == "-0" else text).replace(".", ",")
    return str(value)


def to_csv(records: list[dict[str, Any]], columns: tuple[tuple[str, str], ...] = COLUMNS) -> bytes:
    """UTF-8 CSV with a byte-order mark, ';' separators and decimal commas (Excel in Vietnamese)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([title for _key, title in columns])
    for r in records:
        writer.writerow([csv_cell(r.get(k)) for k, _title in columns])
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
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.0#"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("pillar_vi", "Lĩnh vực"),
    ("name_vi", "Chỉ tiêu"),
    ("unit_vi", "Đơn vị"),
    ("plan", "Kế hoạch"),
    ("value", "Thực hiện"),
    ("year_to_date", "Lũy kế"),
    ("pct_of_plan", "% so với KH"),
    ("last_year", "Cùng kỳ"),
    ("change_pct", "So cùng kỳ (%)"),
    ("status_vi", "Đánh giá"),
    ("rule", "Cách đánh giá"),
    ("id", "Mã chỉ tiêu"),
)


def report_csv(records: list[dict[str, Any]]) -> bytes:
    """A report view's rows as CSV for Excel in Vietnamese."""
    return to_csv(records, REPORT_COLUMNS)
