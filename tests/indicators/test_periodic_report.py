"""The periodic report: PDF (Vietnamese read back with poppler's pdftotext) and XLSX in the administrative table,
and the scheduled report e-mailed through a real local SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import email
import email.policy
import io
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from configfile.loader import parse_config
from indicators.report_delivery import due_periods
from indicators.report_text import summary_text, table_lines
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService
from tests.polling import wait_until
from tests.servers import free_port

CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ", province: "Huế", households: 1959}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
indicators:
  communes: [{id: yen-hoa, name: "Xã Yên Hòa"}]
  sensor_refresh_s: 60
  report:
    enabled: true
    day_of_month: 20
    hour: 7
    views: [month, quarter, 9M]
    output_dir: REPORTS
    email:
      smtp_host: 127.0.0.1
      smtp_port: PORT
      starttls: false
      sender: ubnd.quangtho@example.vn
      recipients: [chutich@example.vn, vanphong@example.vn]
"""
# 20 October 2026, 08:30 in Huế: the September, third-quarter and nine-month reports are due
NOW = datetime(2026, 10, 20, 1, 30, tzinfo=UTC)


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def make_service(tmp_path: Path, port: int, enabled: bool = True) -> IndicatorService:
    text = (CONFIG.replace("STATE", str(tmp_path / "state.sqlite")).replace("REPORTS", str(tmp_path / "reports"))
            .replace("PORT", str(port)).replace("enabled: true", f"enabled: {str(enabled).lower()}"))
    service = IndicatorService(IndicatorSections.of(parse_config(text, "coc.yaml", {})), clock=lambda: NOW)
    return service


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndicatorService]:
    service = make_service(tmp_path_factory.mktemp("report"), 25, enabled=False)  # files on demand only
    service.start()
    service.load_demo()
    yield service
    service.stop()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_pdf_has_the_heading_every_indicator_row_and_the_summary(demo: IndicatorService, tmp_path: Path) -> None:
    data = demo.report_bytes("2026-9M", "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "UBND XÃ QUẢNG THỌ" in text and "Quảng Thọ, ngày 20 tháng 10 năm 2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập – Tự do – Hạnh phúc" in text
    assert "9 THÁNG ĐẦU NĂM 2026" in text
    assert "Chỉ tiêu Đơn vị Kế hoạch năm Lũy kế thực hiện % so với KH Lũy kế cùng kỳ Ghi chú" in text
    view = demo.report("2026-9M")
    for row in view.rows:
        assert demo.catalogue.kpis[row.kpi_id].name_vi in text, row.kpi_id
    assert f"Xã Quảng Thọ có {view.count(row.status.MET)}/{view.judged} chỉ tiêu đạt kế hoạch" in text
    assert "2.800" in text and "triệu đồng" in text  # the revenue plan in Vietnamese format
    assert "thực hiện so với mức cần đạt (%)" in text  # the chart of what is behind


def test_xlsx_in_the_administrative_table_form(demo: IndicatorService) -> None:
    sheet = load_workbook(io.BytesIO(demo.report_bytes("2026-Q3", "xlsx"))).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "UBND XÃ QUẢNG THỌ" and rows[3][0].endswith("QUÝ III/2026")
    head = rows.index(("STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch năm", "Lũy kế thực hiện", "% so với KH", "Lũy kế cùng kỳ",
                         "Ghi chú"))
    lines = {r[1]: r for r in rows[head + 1 :] if r[0] and r[0].isdigit()}
    assert len(lines) == len(demo.catalogue.kpis)
    revenue = lines["Thu ngân sách nhà nước trên địa bàn"]
    row = next(r for r in demo.report("2026-Q3").rows if r.kpi_id == "budget_revenue")
    assert revenue[2:5] == ("triệu đồng", 2800, pytest.approx(row.year_to_date))
    assert revenue[5] == pytest.approx(row.pct_of_plan / 100, abs=1e-4)
    assert revenue[6] == pytest.approx(row.last_year_to_date)  # lũy kế cùng kỳ, like Thực hiện
    assert [r[1] for r in rows[head + 1 :] if r[0] == "I"] == ["Kinh tế"]


@pytest.mark.parametrize(
    ("now", "views", "due"),
    [
        (datetime(2026, 10, 20, 8), ["month", "quarter", "9M", "6M", "year"], ["2026-09", "2026-Q3", "2026-9M"]),
        (datetime(2026, 10, 20, 6), ["month"], ["2026-08"]),  # before the hour: the report due a month ago
        (datetime(2026, 10, 19, 23), ["month", "quarter"], ["2026-08"]),
        (datetime(2026, 12, 7, 9), ["month", "quarter", "year"], ["2026-10"]),  # the demo's 7 December
        (datetime(2027, 1, 25, 9), ["month", "quarter", "year"], ["2026-12", "2026-Q4", "2026"]),
        (datetime(2026, 7, 28, 9), ["quarter", "6M"], ["2026-Q2", "2026-6M"]),
    ],
)
def test_due_periods(now: datetime, views: list[str], due: list[str], demo: IndicatorService) -> None:
    schedule = demo.settings.report.model_copy(update={"views": views})
    assert due_periods(now, schedule) == due


def test_scheduled_report_reaches_the_smtp_server_once(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    figures = make_service(tmp_path, port, enabled=False)
    figures.start()
    figures.load_demo()  # the figures and plans are in place before the scheduled service starts
    figures.stop()
    service = make_service(tmp_path, port)
    service.start()  # the service's own loop makes and sends what is due
    try:
        wait_until(lambda: len(inbox.messages) == 3, "three report e-mails", timeout_s=60)
    finally:
        service.stop()
    subjects = sorted(m["Subject"] for _to, m in inbox.messages)
    assert subjects[0] == "[COC] Báo cáo kinh tế – xã hội 9 tháng đầu năm 2026 – Xã Quảng Thọ"
    recipients, message = next((to, m) for to, m in inbox.messages if "Tháng 9/2026" in m["Subject"])
    assert recipients == ["chutich@example.vn", "vanphong@example.vn"]
    names = [p.get_filename() for p in message.iter_attachments()]
    assert names == [f"bao-cao-quang-tho-2026-09.{fmt}" for fmt in ("pdf", "docx", "xlsx")]
    body = message.get_body(("plain",)).get_content()
    assert "Tháng 9/2026, Xã Quảng Thọ có" in body and "chỉ tiêu đạt kế hoạch" in body
    assert re.search(r"^– .+: chưa đạt, lũy kế .+, mức cần đạt đến nay [≥≤] .+\.$", body, re.MULTILINE)
    pdf = next(p for p in message.iter_attachments() if p.get_filename().endswith(".pdf")).get_payload(decode=True)
    assert pdf.startswith(b"%PDF")
    made = {f.name for f in service.report_files()}
    assert {"bao-cao-quang-tho-2026-Q3.pdf", "bao-cao-quang-tho-2026-9M.xlsx"} <= made
    service.db.open()
    assert service.run_scheduled_reports() == []  # sent once: nothing more is due
    assert len(inbox.messages) == 3
    service.db.close()


def test_docx_for_the_office_to_edit(demo: IndicatorService) -> None:
    from docx import Document

    document = Document(io.BytesIO(demo.report_bytes("2026-09", "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH PHÁT TRIỂN KINH TẾ – XÃ HỘI THÁNG 9/2026" in text
    assert "Tháng 9/2026, Xã Quảng Thọ có" in text
    heading, table = document.tables
    assert heading.cell(0, 0).text == "UBND XÃ QUẢNG THỌ"
    assert [c.text for c in table.rows[0].cells] == ["STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch năm", "Lũy kế thực hiện",
                                                     "% so với KH", "Lũy kế cùng kỳ", "Ghi chú"]
    names = {row.cells[1].text for row in table.rows[1:]}
    assert {k.name_vi for k in demo.catalogue.kpis.values()} <= names
    revenue = next(row for row in table.rows if row.cells[1].text == "Thu ngân sách nhà nước trên địa bàn")
    assert revenue.cells[3].text == "2.800" and revenue.cells[2].text == "triệu đồng"


def test_a_quarter_and_a_year_not_over_say_so_and_are_judged_to_their_last_month(demo: IndicatorService) -> None:
    q4, year, q3 = demo.report("2026-Q4"), demo.report("2026"), demo.report("2026-Q3")
    assert q4.through == year.through == "2026-10" and q3.through is None  # the demo's figures end in October
    text = " ".join(summary_text(q4, demo.catalogue, "Xã Quảng Thọ"))
    assert text.startswith("Quý IV/2026 (chưa đủ kỳ, số liệu đến tháng 10/2026, đánh giá tạm), Xã Quảng Thọ có")
    assert "so lũy kế với 10/12 kế hoạch năm" in text
    revenue = next(r for r in year.rows if r.kpi_id == "budget_revenue")
    assert revenue.rule.startswith("Đạt khi lũy kế ≥ 10/12 kế hoạch năm")  # not the whole year's plan yet
    assert "thiếu số liệu tháng" not in " ".join(line.note for line in table_lines(q4, demo.catalogue))
