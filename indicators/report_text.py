"""The periodic report's words: the administrative table's lines (Chỉ tiêu | Đơn vị | Kế hoạch | Thực hiện |
% so với KH | Cùng kỳ | Ghi chú) grouped by pillar, and the short generated summary of what is behind."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.catalogue import Catalogue
from indicators.merger import is_merger_reason
from indicators.models import PILLAR_LABELS, STATUS_LABELS, Pillar, Status
from indicators.numbers import format_pct, format_value
from indicators.periods import months_in
from indicators.report import ReportRow, ReportView, period_label, year_to_date
from indicators.units import unit_label

# The figures of a report file are lũy kế (January to the period's last month): labelled so, the page's "Thực hiện"
# (the period's own figure) and "So cùng kỳ" (its change) are not mistaken for them.
COLUMNS = ("STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch năm", "Lũy kế thực hiện", "% so với KH", "Lũy kế cùng kỳ",
           "Ghi chú")
SUMMED_MARK = "cộng từ các xã cũ (*)"  # the full sentence once, under the table (ReportView.merger_line)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


@dataclass(frozen=True, slots=True)
class TableLine:
    """One line of the table: a pillar heading (`heading` set) or a KPI with its figures."""

    number: str
    name: str
    unit: str = ""
    plan: float | None = None
    done: float | None = None  # thực hiện: lũy kế from January (the figure the plan is judged on)
    pct: float | None = None
    last_year: float | None = None  # the same months of last year
    note: str = ""
    unit_code: str = ""
    row: ReportRow | None = None
    heading: bool = False


def _month_list(months: tuple[str, ...]) -> str:
    return ", ".join(f"{int(m[5:])}/{m[:4]}" for m in months)


def note_of(row: ReportRow, through: str | None = None) -> str:
    """Ghi chú: the status, missing months (those after `through` are the period not over yet, said once in the
    summary), the change of lũy kế against last year's, and a short mark when a figure shown is a sum of former
    communes."""
    summed = SUMMED_MARK if {"year_to_date", "last_year_to_date"} & set(row.summed) else None
    if row.value is None and row.year_to_date is None:
        uncombined = "không cộng được từ các xã cũ (*)" if is_merger_reason(row.reason) else None
        return "; ".join(n for n in ("Chưa có số liệu", uncombined, summed) if n)
    parts = [STATUS_LABELS[row.status][0]] if row.status is not Status.NO_TARGET else ["Chưa có kế hoạch"]
    if row.year_to_date is not None and row.last_year_to_date:
        change = (row.year_to_date / row.last_year_to_date - 1) * 100
        parts.append(f"lũy kế so cùng kỳ {format_pct(change, signed=True)}")
    missing = [m for m in row.months_missing if through is None or m <= through]
    if missing:
        parts.append(f"thiếu số liệu tháng {_month_list(tuple(missing))}")
    if summed:
        parts.append(summed)
    return "; ".join(parts)


def table_lines(view: ReportView, catalogue: Catalogue) -> list[TableLine]:
    """Pillar headings (I. Kinh tế ...) and numbered KPI lines, in catalogue order."""
    out: list[TableLine] = []
    n = 0
    for i, pillar in enumerate(p for p in Pillar if any(r.pillar is p for r in view.rows)):
        out.append(TableLine(ROMAN[i], PILLAR_LABELS[pillar][0], heading=True))
        for row in (r for r in view.rows if r.pillar is pillar):
            n += 1
            done = row.year_to_date if row.year_to_date is not None else row.value
            out.append(
                TableLine(str(n), catalogue.kpis[row.kpi_id].name_vi, unit_label(row.unit), row.plan, done,
                          row.pct_of_plan, row.last_year_to_date, note_of(row, view.through), row.unit, row)
            )
    return out


def behind(view: ReportView) -> list[ReportRow]:
    """KPIs behind or near their plan, the furthest behind first."""
    rows = [r for r in view.rows if r.status in (Status.BEHIND, Status.NEAR)]
    return sorted(rows, key=lambda r: (r.status is Status.NEAR, _gap(r)))


def _gap(row: ReportRow) -> float:
    if row.expected in (None, 0) or row.year_to_date is None:
        return 0.0
    ratio = row.year_to_date / row.expected
    return ratio if row.direction.value == "higher" else 1 / ratio if ratio else 0.0


def summary_text(view: ReportView, catalogue: Catalogue, commune_name: str) -> list[str]:
    """A few sentences: how many KPIs met their plan, which are behind and by how much, what has no data."""
    label = period_label(view.period) + (f" ({view.partial_note})" if view.partial_note else "")
    met, judged = view.count(Status.MET), view.judged
    lines = [
        f"{label}, {commune_name} có {met}/{judged} chỉ tiêu đạt kế hoạch, {view.count(Status.NEAR)} chỉ tiêu "
        f"gần đạt và {view.count(Status.BEHIND)} chỉ tiêu chưa đạt."
    ]
    for row in behind(view)[:6]:
        name = catalogue.kpis[row.kpi_id].name_vi
        sign = "≥" if row.direction.value == "higher" else "≤"
        state = STATUS_LABELS[row.status][0].lower()
        lines.append(
            f"– {name}: {state}, lũy kế {format_value(row.year_to_date, row.unit)}, "
            f"mức cần đạt đến nay {sign} {format_value(row.expected, row.unit)}."
        )
    missing = [catalogue.kpis[r.kpi_id].name_vi for r in view.rows if r.status is Status.NO_VALUE]
    if missing:
        lines.append(f"Chưa có số liệu: {len(missing)} chỉ tiêu ({', '.join(missing[:5])}"
                     + (", …" if len(missing) > 5 else "") + ").")
    if view.merger_line:
        lines.append(f"(*) {view.merger_line}")
    months = len(months_in(year_to_date(view.through or view.period)))
    lines.append(
        f"Cách đánh giá: chỉ tiêu cộng dồn so lũy kế với {months}/12 kế hoạch năm; chỉ tiêu tỷ lệ, bình quân so "
        f"trực tiếp với kế hoạch; gần đạt khi lệch không quá {format_pct(view.near_margin_pct)}."
    )
    return lines
