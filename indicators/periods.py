"""Reporting periods as text keys: months '2025-01', quarters '2025-Q1', years '2025': parsing, arithmetic."""

from __future__ import annotations

import re
from datetime import date, datetime

from indicators.models import PeriodKind

PATTERNS: tuple[tuple[re.Pattern[str], PeriodKind, str], ...] = (
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"), PeriodKind.MONTH, "2025-01"),
    (re.compile(r"^(?P<m>\d{1,2})[/.-](?P<y>\d{4})$"), PeriodKind.MONTH, "01/2025"),
    (
        re.compile(r"^(?:T|Tháng\s*)(?P<m>\d{1,2})[/.-](?P<y>\d{4})$", re.IGNORECASE),
        PeriodKind.MONTH,
        "T01/2025",
    ),
    (re.compile(r"^(?P<y>\d{4})-?Q(?P<q>[1-4])$", re.IGNORECASE), PeriodKind.QUARTER, "2025-Q1"),
    (re.compile(r"^Q(?P<q>[1-4])[/.-](?P<y>\d{4})$", re.IGNORECASE), PeriodKind.QUARTER, "Q1/2025"),
    (re.compile(r"^(?P<y>\d{4})-(?P<n>\d{1,2})M$", re.IGNORECASE), PeriodKind.TO_DATE, "2025-9M"),
    (re.compile(r"^(?P<y>\d{4})-H(?P<h>[12])$", re.IGNORECASE), PeriodKind.TO_DATE, "2025-H1"),
    (re.compile(r"^(?P<y>\d{4})$"), PeriodKind.YEAR, "2025"),
)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodError(ValueError):
    """Text that is not a period COC understands."""


def parse_period(value: object) -> str:
    """Normalise a period written as 2025-01, 01/2025, T1/2025, 2025-Q1, Q1/2025, 2025 or an Excel date."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = str(value).strip() if isinstance(value, str) else ""
    for pattern, kind, _example in PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        year = int(match["y"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(f"year {year} is out of range {FIRST_YEAR}–{LAST_YEAR}")
        if kind is PeriodKind.MONTH:
            month = int(match["m"])
            if not 1 <= month <= 12:
                raise PeriodError(f"month {month} does not exist in '{text}'")
            return f"{year:04d}-{month:02d}"
        if kind is PeriodKind.QUARTER:
            return f"{year:04d}-Q{match['q']}"
        if kind is PeriodKind.TO_DATE:
            months = 6 * int(match["h"]) if match.groupdict().get("h") else int(match["n"])
            if not 1 <= months <= 12:
                raise PeriodError(f"{months} months from January does not exist in '{text}'")
            return f"{year:04d}-{months}M"
        return f"{year:04d}"
    examples = ", ".join(example for _p, _k, example in PATTERNS)
    raise PeriodError(f"'{value}' is not a period; write one of {examples}")


def kind_of(period: str) -> PeriodKind:
    """Whether a normalised period is a month, a quarter or a year."""
    if "Q" in period:
        return PeriodKind.QUARTER
    if period.endswith("M"):
        return PeriodKind.TO_DATE
    return PeriodKind.MONTH if "-" in period else PeriodKind.YEAR


def _year_month(month: str) -> tuple[int, int]:
    year, mon = month.split("-")
    return int(year), int(mon)


def containing(month: str, kind: PeriodKind) -> str:
    """The period of `kind` that contains a month: ('2025-05', quarter) -> '2025-Q2'."""
    year, mon = _year_month(month)
    if kind is PeriodKind.MONTH:
        return month
    if kind is PeriodKind.QUARTER:
        return f"{year:04d}-Q{(mon - 1) // 3 + 1}"
    if kind is PeriodKind.TO_DATE:
        return f"{year:04d}-{mon}M"
    return f"{year:04d}"


def months_in(period: str) -> list[str]:
    """The months a period covers, in order."""
    kind = kind_of(period)
    if kind is PeriodKind.MONTH:
        return [period]
    year = int(period[:4])
    if kind is PeriodKind.QUARTER:
        q = int(period[-1])
        return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    if kind is PeriodKind.TO_DATE:
        return [f"{year:04d}-{m:02d}" for m in range(1, int(period[5:-1]) + 1)]
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def shift(period: str, steps: int) -> str:
    """The period `steps` periods of the same kind later (negative: earlier)."""
    kind = kind_of(period)
    year = int(period[:4])
    if kind in (PeriodKind.YEAR, PeriodKind.TO_DATE):
        return f"{year + steps:04d}{period[4:]}"
    if kind is PeriodKind.QUARTER:
        index = year * 4 + int(period[-1]) - 1 + steps
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    index = year * 12 + int(period[5:7]) - 1 + steps
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def same_period_last_year(period: str) -> str:
    """'2025-03' -> '2024-03', '2025-Q1' -> '2024-Q1', '2025' -> '2024'."""
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


def periods_between(start: str, end: str, kind: PeriodKind) -> list[str]:
    """Every period of `kind` from the one containing month `start` to the one containing month `end`."""
    first, last = containing(start, kind), containing(end, kind)
    out = [first]
    while out[-1] < last and len(out) < 1200:
        out.append(shift(out[-1], 1))
    return out if first <= last else []
