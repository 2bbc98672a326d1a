"""The periodic report as DOCX (python-docx), for the office to edit before signing: the commune's heading, the
generated summary, and the administrative table by pillar."""

from __future__ import annotations

import io

from indicators.catalogue import Catalogue
from indicators.numbers import decimals_for, format_number, format_pct
from indicators.report import ReportView
from indicators.report_files import ReportHeading, place_date, report_title
from indicators.report_text import COLUMNS, summary_text, table_lines

WIDTHS_CM = (1.0, 5.6, 1.6, 1.8, 1.8, 1.6, 1.8, 3.4)


def to_docx(view: ReportView, catalogue: Catalogue, heading: ReportHeading) -> bytes:
    """The report as a Word document (A4, Times New Roman as administrative documents use)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    top = doc.add_table(rows=2, cols=2)
    top.cell(0, 0).text = f"UBND {heading.commune_name.upper()}"
    top.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc"
    top.cell(1, 1).text = place_date(heading)
    for cell in (top.cell(0, 0), top.cell(0, 1), top.cell(1, 1)):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.bold = cell is not top.cell(1, 1)
            run.italic = cell is top.cell(1, 1)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(report_title(view)).bold = True
    for line in summary_text(view, catalogue, heading.commune_name):
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for line in table_lines(view, catalogue):
        cells = table.add_row().cells
        if line.heading:
            cells[0].text = line.number
            merged = cells[1].merge(cells[-1])
            merged.text = line.name
            for cell in (cells[0], merged):
                cell.paragraphs[0].runs[0].bold = True
            continue
        values = [line.number, line.name, line.unit, _num(line.plan, line.unit_code), _num(line.done, line.unit_code),
                  format_pct(line.pct), _num(line.last_year, line.unit_code), line.note]
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if 3 <= i <= 6:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _num(value: float | None, unit: str) -> str:
    return format_number(value, decimals_for(unit))
