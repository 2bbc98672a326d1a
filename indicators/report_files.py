"""The periodic report as files: PDF (reportlab, with an embedded TrueType font that has the Vietnamese glyphs)
and XLSX (openpyxl), both with the commune's heading, the administrative table and the generated summary; the
PDF adds a chart of the indicators behind plan."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indicators.catalogue import Catalogue
from indicators.numbers import decimals_for, format_number, format_pct
from indicators.report import ReportView, period_label
from indicators.report_text import COLUMNS, behind, summary_text, table_lines
from indicators.units import is_whole

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
FONT_FILES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"))


@dataclass(frozen=True, slots=True)
class ReportHeading:
    """Who the report is from: the commune's name and province, the date it was made."""

    commune_name: str  # 'Xã Quảng Thọ'
    province: str | None
    made_on: date


class FontMissing(RuntimeError):
    """No TrueType font with Vietnamese glyphs is installed (Debian: fonts-dejavu-core or fonts-noto-core)."""


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "CocSans" in pdfmetrics.getRegisteredFontNames():
        return "CocSans", "CocSans-Bold"
    for regular, bold in FONT_FILES:
        for folder in FONT_DIRS:
            if (folder / regular).exists() and (folder / bold).exists():
                pdfmetrics.registerFont(TTFont("CocSans", str(folder / regular)))
                pdfmetrics.registerFont(TTFont("CocSans-Bold", str(folder / bold)))
                pdfmetrics.registerFontFamily("CocSans", normal="CocSans", bold="CocSans-Bold",
                                              italic="CocSans", boldItalic="CocSans-Bold")
                return "CocSans", "CocSans-Bold"
    raise FontMissing("no DejaVu or Noto Sans font: apt-get install fonts-dejavu-core")


def report_title(view: ReportView) -> str:
    return f"BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH PHÁT TRIỂN KINH TẾ – XÃ HỘI {period_label(view.period).upper()}"


def place_date(heading: ReportHeading) -> str:
    place = heading.commune_name.removeprefix("Xã ").removeprefix("Phường ")
    d = heading.made_on
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def to_pdf(view: ReportView, catalogue: Catalogue, heading: ReportHeading) -> bytes:
    """The report as an A4 PDF."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    number = ParagraphStyle("number", parent=small, alignment=2)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    centre = ParagraphStyle("centre", parent=strong, alignment=1)
    title = ParagraphStyle("title", parent=centre, fontSize=12, leading=16, spaceBefore=8, spaceAfter=6)
    header = Table(
        [[Paragraph(f"UBND {heading.commune_name.upper()}", centre),
          Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập – Tự do – Hạnh phúc", centre)],
         ["", Paragraph(f"<i>{place_date(heading)}</i>", ParagraphStyle("d", parent=body, alignment=1))]],
        colWidths=[70 * mm, 110 * mm],
    )
    story: list = [header, Paragraph(report_title(view), title)]
    story += [Paragraph(line, body) for line in summary_text(view, catalogue, heading.commune_name)]
    story.append(Spacer(1, 6))
    head = ParagraphStyle("head", parent=strong, fontSize=8.5, leading=10.5)
    rows: list[list] = [[Paragraph(c, head) for c in COLUMNS]]
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ALIGN", (3, 1), (6, -1), "RIGHT"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4f0"))]
    for line in table_lines(view, catalogue):
        if line.heading:
            rows.append([Paragraph(line.number, strong), Paragraph(line.name, strong), "", "", "", "", "", ""])
            style += [("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)),
                      ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#f1f3f7"))]
            continue
        cells = [line.number, line.name, line.unit, _num(line.plan, line.unit_code),
                 _num(line.done, line.unit_code), format_pct(line.pct), _num(line.last_year, line.unit_code),
                 line.note]
        rows.append([Paragraph(str(c), small if i not in (3, 4, 5, 6) else number) for i, c in enumerate(cells)])
    widths = [11 * mm, 52 * mm, 17 * mm, 19 * mm, 19 * mm, 17 * mm, 19 * mm, 33 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    chart = _behind_chart(view, catalogue, regular)
    if chart is not None:
        title_line = Paragraph("Các chỉ tiêu chưa đạt, gần đạt: thực hiện so với mức cần đạt (%)", strong)
        story += [Spacer(1, 8), KeepTogether([title_line, chart])]
    story += [Spacer(1, 14), _signature(body, strong, centre, mm)]
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
                                 bottomMargin=12 * mm, title=report_title(view), author=f"UBND {heading.commune_name}")
    document.build(story)
    return out.getvalue()


def _signature(body, strong, centre, mm):  # noqa: ANN001, ANN202 (reportlab styles and flowable)
    """Nơi nhận on the left; the chairman's signature block on the right."""
    from reportlab.platypus import Paragraph, Table

    left = Paragraph("<b>Nơi nhận:</b><br/>- Thường trực Đảng ủy, HĐND xã;<br/>- Chủ tịch, các Phó Chủ tịch UBND xã;"
                     "<br/>- Lưu: VT.", body)
    right = Paragraph("TM. ỦY BAN NHÂN DÂN<br/>CHỦ TỊCH<br/><br/><br/><br/>", centre)
    return Table([[left, right]], colWidths=[95 * mm, 85 * mm])


def _num(value: float | None, unit: str) -> str:
    """A figure without its unit (the unit has its own column)."""
    return format_number(value, decimals_for(unit))


def _behind_chart(view: ReportView, catalogue: Catalogue, font: str):  # noqa: ANN202 (a reportlab Drawing)
    """Horizontal bars: each KPI behind or near plan, its result as % of what the plan asks by now."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    rows = [r for r in behind(view) if r.expected and r.year_to_date is not None][:10]
    if not rows:
        return None
    values = [
        (r.year_to_date / r.expected * 100) if r.direction.value == "higher" else (r.expected / r.year_to_date * 100
                                                                                    if r.year_to_date else 100)
        for r in rows
    ]
    height = 26 * len(rows) + 40
    drawing = Drawing(500, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 200, 20, 270, height - 30
    chart.data = [values[::-1]]
    chart.categoryAxis.categoryNames = [catalogue.kpis[r.kpi_id].name_vi[:42] for r in rows][::-1]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(110, max(values) + 10)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f} %"
    chart.bars[0].fillColor = colors.HexColor("#e03131")
    chart.barLabelFormat = lambda v: format_pct(v)
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 14
    drawing.add(chart)
    x100 = chart.x + chart.width * 100 / chart.valueAxis.valueMax
    drawing.add(Line(x100, chart.y, x100, chart.y + chart.height, strokeDashArray=[3, 2]))
    drawing.add(String(x100 - 2, chart.y + chart.height + 2, "100 % = mức cần đạt", fontName=font, fontSize=7,
                       textAnchor="end"))
    return drawing


def to_xlsx(view: ReportView, catalogue: Catalogue, heading: ReportHeading) -> bytes:
    """The report as one sheet: heading, summary, then the table with numbers kept as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    thin = Side(style="thin", color="999999")
    sheet.append([f"UBND {heading.commune_name.upper()}", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append(["", "", "", "", "Độc lập – Tự do – Hạnh phúc"])
    sheet.append(["", "", "", "", place_date(heading)])
    sheet.append([report_title(view)])
    for line in summary_text(view, catalogue, heading.commune_name):
        sheet.append([line])
    sheet.append([])
    sheet.append(list(COLUMNS))
    head_row = sheet.max_row
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4F0")
    for line in table_lines(view, catalogue):
        if line.heading:
            sheet.append([line.number, line.name])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            continue
        pct = None if line.pct is None else round(line.pct / 100, 4)
        sheet.append([line.number, line.name, line.unit, line.plan, line.done, pct, line.last_year, line.note])
        row = sheet[sheet.max_row]
        for cell in row[3:5] + row[6:7]:
            cell.number_format = "#,##0" if is_whole(line.unit_code) else "#,##0.0"
        row[5].number_format = "0.0%"
    for row in sheet.iter_rows(min_row=head_row, max_row=sheet.max_row, max_col=len(COLUMNS)):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in zip("ABCDEFGH", (6, 48, 12, 14, 14, 12, 14, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in (sheet["A1"], sheet["E1"], sheet["A4"]):
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

