"""A year-plan file uploaded on /kpi is all or nothing: a file with refused lines changes no target, and the page
lists what would have been applied and what was refused, so the office fixes the file (a plan is an official
document: half of one applied unnoticed is worse than none) or presses "Chỉ áp dụng các dòng hợp lệ". The
import's messages (written in English for the command line) are said in Vietnamese here."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dash import html

from dashboard import ids
from dashboard.i18n import t
from dashboard.read.kpi_views import PlanChoiceView
from indicators.models import ImportReport, PlanTarget

VI_REASONS: tuple[tuple[str, str], ...] = (
    (r"'(?P<x>[^']*)' is not a KPI of the catalogue \(chỉ tiêu không có\)",
     r"'\g<x>' không có trong danh mục chỉ tiêu"),
    (r"unit '(?P<u>[^']*)' differs from the KPI's unit \((?P<k>[^)]*)\)",
     r"đơn vị '\g<u>' khác đơn vị của chỉ tiêu (\g<k>)"),
    (r"plan value '(?P<v>[^']*)' is not a finite number \(too large\)", r"kế hoạch '\g<v>' quá lớn"),
    (r"plan value '(?P<v>[^']*)' is not a number", r"kế hoạch '\g<v>' không phải là số"),
    (r"no year: add a 'Năm' column or write 'Kế hoạch năm 2026'",
     "không rõ năm: thêm cột 'Năm' hoặc ghi 'Kế hoạch năm 2026'"),
    (r"'(?P<x>[^']*)' already has a plan for (?P<y>\d+) on line (?P<n>\d+)",
     r"'\g<x>' đã có kế hoạch năm \g<y> ở dòng \g<n>"),
    (r"(?P<f>\S+) is empty", r"\g<f> không có dòng nào"),
    (r"(?P<f>\S+): no header with 'Chỉ tiêu', 'Đơn vị' and 'Kế hoạch năm' \(e\.g\. 'Kế hoạch năm 2026'\)",
     r"\g<f>: không thấy dòng tiêu đề có 'Chỉ tiêu', 'Đơn vị' và 'Kế hoạch năm' (ví dụ 'Kế hoạch năm 2026')"),
    (r"(?P<f>\S+): only \.csv and \.xlsx files can be imported", r"\g<f>: chỉ nhận tệp .csv và .xlsx"),
    (r"(?P<f>\S+) is not a readable (?P<k>CSV|XLSX) file", r"\g<f> không phải tệp \g<k> đọc được"),
)


def reason_text(reason: str, lang: str) -> str:
    """A refused line's reason (or a file error) in the page's language."""
    if lang != "vi":
        return reason
    for pattern, replacement in VI_REASONS:
        reason = re.sub(pattern, replacement, reason)
    return reason


def refusal(plans: list[PlanTarget], report: ImportReport, choices: Sequence[PlanChoiceView],
            lang: str) -> html.Div:
    """The answer to a file with refused lines: nothing applied, the valid lines, the refused ones, what to do."""
    names = {k.id: (k.name_vi if lang == "vi" else k.name_en) for k in choices}
    return html.Div(
        [
            html.Strong(t("kpi.plan.refused", lang, bad=len(report.problems), good=len(plans))),
            html.Div(t("kpi.plan.refused_lines", lang), className="kpi-note"),
            html.Ul([html.Li(f"{t('kpi.plan.line', lang)} {p.line}: {reason_text(p.reason, lang)}")
                     for p in report.problems[:20]], id="kpi-plan-refused"),
            html.Div(t("kpi.plan.valid_lines", lang), className="kpi-note") if plans else None,
            html.Ul([html.Li(f"{names.get(p.kpi_id, p.kpi_id)}: {p.value:g} ({p.year})") for p in plans[:40]],
                    id="kpi-plan-valid") if plans else None,
            html.Div(t("kpi.plan.what_now", lang, good=len(plans)), className="kpi-note"),
            html.Button(t("kpi.plan.partial", lang), id=ids.KPI_PLAN_APPLY, className="btn",
                        title=t("kpi.plan.partial_help", lang)) if plans else None,
            html.Div(id=ids.KPI_PLAN_APPLIED, role="status"),
        ],
        className="kpi-plan-refusal",
    )
