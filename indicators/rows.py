"""Validates rows of official figures (from a file or the API): every bad row gets its line and reason."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from indicators.catalogue import Catalogue
from indicators.models import Figure, RowProblem
from indicators.periods import PeriodError, parse_period
from indicators.settings import COMMUNE_ID_PATTERN

NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
COMMUNE = re.compile(COMMUNE_ID_PATTERN)
MAX_FIGURE = 1e15  # above any commune count or amount in VND; keeps sums and ratios of figures finite


@dataclass(frozen=True, slots=True)
class RawRow:
    """One figure as read, before checking: `line` as the sheet or request shows it, `column` if wide."""

    line: int
    commune: object
    period: object
    metric: object
    value: object
    column: str | None = None


class RowRejected(ValueError):
    """One row that cannot be imported."""


def parse_number(value: object) -> float:
    """A figure's value: a number, or text holding a plain decimal number (no thousands separators)."""
    if isinstance(value, bool):
        raise RowRejected(f"'{value}' is not a number")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if text == "" or value is None:
            raise RowRejected("the value is empty")
        if not NUMBER.match(text):
            hint = (
                " (write 1065 or 54.4, without thousands separators)" if re.search(r"\d[.,]\d", text) else ""
            )
            raise RowRejected(f"'{value}' is not a number{hint}")
        number = float(text)
    if not math.isfinite(number):
        raise RowRejected(f"'{str(value)[:24]}' is not a finite number (too large: overflows to infinity, or NaN)")
    return number


def _check_metric(metric: object, catalogue: Catalogue) -> str:
    name = str(metric or "").strip()
    if name in catalogue.metrics:
        return name
    if name in catalogue.kpis:
        raise RowRejected(f"'{name}' is a KPI computed by COC; import the metrics its formula uses")
    close = difflib.get_close_matches(name, list(catalogue.metrics), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise RowRejected(f"unknown metric '{name}'{hint}")


def check_row(row: RawRow, catalogue: Catalogue, source: str) -> Figure:
    """Turn one raw row into a Figure or raise RowRejected with the reason."""
    commune = str(row.commune or "").strip()
    if not COMMUNE.match(commune):
        raise RowRejected(
            f"commune '{commune}' is not a commune id (lower-case letters, digits, '-', e.g. quang-tho)"
        )
    try:
        period = parse_period(row.period)
    except PeriodError as exc:
        raise RowRejected(f"wrong period format: {exc}") from None
    metric = _check_metric(row.metric, catalogue)
    value = parse_number(row.value)
    if value < 0:
        raise RowRejected(f"negative value {value:g} for '{metric}'")
    if value > MAX_FIGURE:
        raise RowRejected(f"value {value:g} is larger than any commune figure (at most {MAX_FIGURE:g}) for '{metric}'")
    limit = catalogue.metrics[metric].max_value
    if limit is not None and value > limit:
        raise RowRejected(f"value {value:g} is above the largest allowed for '{metric}' ({limit:g})")
    return Figure(commune, period, metric, value, source)


def check_rows(
    rows: Iterable[RawRow], catalogue: Catalogue, source: str
) -> tuple[list[Figure], list[RowProblem]]:
    """Keep the good rows; report each bad one and each repeat of a (commune, period, metric)."""
    kept: list[Figure] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for row in rows:
        try:
            figure = check_row(row, catalogue, source)
        except RowRejected as exc:
            problems.append(RowProblem(row.line, str(exc), row.column))
            continue
        key = (figure.commune, figure.period, figure.metric)
        if key in first_line:
            problems.append(
                RowProblem(
                    row.line,
                    f"duplicate row: {figure.metric} of {figure.commune} for "
                    f"{figure.period} is already on line {first_line[key]}",
                    row.column,
                )
            )
            continue
        first_line[key] = row.line
        kept.append(figure)
    return kept, problems
