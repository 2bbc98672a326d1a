"""Scheduled periodic reports: which reports are due on a day (pure), writing them to the report folder, and
sending them by e-mail through the configured SMTP server; each report is written and sent once."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from indicators.periods import shift
from indicators.report import period_label
from indicators.settings import ReportEmail, ReportSchedule

log = logging.getLogger(__name__)
PERIOD_AT_END = re.compile(r"(\d{4}(?:-(?:\d{2}|Q[1-4]|\d{1,2}M))?)$")
QUARTER_ENDS = {3: 1, 6: 2, 9: 3, 12: 4}
MIME = {
    "pdf": ("application", "pdf"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A generated report on disk."""

    name: str
    period: str
    fmt: str
    size: int
    made_at: datetime


def due_periods(local_now: datetime, schedule: ReportSchedule) -> list[str]:
    """The periods of the last report day that has passed: from `day_of_month` at `hour`, the previous month and
    the quarter, 6 or 9 months, or year that month closes; before that day, those of the month before (a COC that
    was stopped on the report day, or first started after it, still writes the report that was due)."""
    before = (local_now.day, local_now.hour) < (schedule.day_of_month, schedule.hour)
    month = shift(f"{local_now.year:04d}-{local_now.month:02d}", -2 if before else -1)
    year, mon = month[:4], int(month[5:7])
    candidates = {
        "month": month,
        "quarter": f"{year}-Q{QUARTER_ENDS[mon]}" if mon in QUARTER_ENDS else None,
        "6M": f"{year}-6M" if mon == 6 else None,
        "9M": f"{year}-9M" if mon == 9 else None,
        "year": year if mon == 12 else None,
    }
    return [p for view in schedule.views if (p := candidates.get(view))]


def file_name(commune: str, period: str, fmt: str) -> str:
    """bao-cao-quang-tho-2026-09.pdf"""
    return f"bao-cao-{commune}-{period}.{fmt}"


def list_reports(folder: Path) -> list[ReportFile]:
    """The reports in the folder, newest first."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob("bao-cao-*.*"):
        fmt = path.suffix.lstrip(".")
        if fmt not in MIME:
            continue
        match = PERIOD_AT_END.search(path.stem)
        if match is None:
            continue
        period = match.group(1)
        stat = path.stat()
        out.append(ReportFile(path.name, period, fmt, stat.st_size, datetime.fromtimestamp(stat.st_mtime).astimezone()))
    return sorted(out, key=lambda r: (r.made_at, r.name), reverse=True)


def send_report(email: ReportEmail, subject: str, text: str, files: list[Path]) -> None:
    """One message with the report files attached, through the SMTP server (STARTTLS and login if set)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = email.sender
    message["To"] = ", ".join(email.recipients)
    message.set_content(text)
    for path in files:
        kind, sub = MIME[path.suffix.lstrip(".")]
        message.add_attachment(path.read_bytes(), maintype=kind, subtype=sub, filename=path.name)
    with smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=email.timeout_s) as smtp:
        if email.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if email.username:
            smtp.login(email.username, email.password or "")
        smtp.send_message(message)


def mail_subject(commune_name: str, period: str) -> str:
    return f"[COC] Báo cáo kinh tế – xã hội {period_label(period)} – {commune_name}"
