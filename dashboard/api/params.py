"""Parsing of API query parameters (times, durations, former units) and ISO 8601 UTC formatting of times in answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^(\d{1,12})(s|m|h|d)$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # times the API answers about: no reading is older or newer
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_DURATION_S = 3660 * 86400  # ten years
MAX_TEXT = 64


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message says which and how to write it."""


def iso(ts: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 UTC ending in Z (None stays None)."""
    if ts is None:
        return None
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: str | None, name: str, default: datetime, naive_utc: bool = False) -> datetime:
    """`2026-11-23T07:00:00Z`, an offset time, or epoch seconds, between 1970 and 2200; naive times are
    refused (or read as UTC with `naive_utc`)."""
    if value is None or value == "":
        return default
    example = f"{name}={value[:MAX_TEXT]!r} is not ISO 8601 (e.g. 2026-11-23T07:00:00Z)"
    if len(value) > MAX_TEXT:
        raise BadParameter(example)
    try:
        if re.fullmatch(r"\d+(\.\d+)?", value):
            parsed = datetime.fromtimestamp(float(value), UTC)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except (ValueError, OverflowError, OSError):
        raise BadParameter(example) from None
    if parsed.tzinfo is None and not naive_utc:
        raise BadParameter(f"{name}={value!r} has no time zone; add Z or +07:00")
    try:
        parsed = parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)
    except OverflowError:
        raise BadParameter(f"{name}={value!r} is outside {EARLIEST.year}–{LATEST.year}") from None
    if not EARLIEST <= parsed < LATEST:
        raise BadParameter(f"{name}={value!r} is outside {EARLIEST.year}–{LATEST.year}")
    return parsed


def parse_duration_s(value: str | None, name: str, default_s: int) -> int:
    """`30s`, `5m`, `1h`, `1d` as seconds, at most ten years."""
    if not value:
        return default_s
    match = _DURATION.match(value.strip())
    if not match or int(match.group(1)) == 0:
        raise BadParameter(f"{name}={value[:MAX_TEXT]!r} must look like 30s, 5m, 1h or 1d")
    seconds = int(match.group(1)) * _UNIT_S[match.group(2)]
    if seconds > MAX_DURATION_S:
        raise BadParameter(f"{name}={value!r} is longer than {MAX_DURATION_S // 86400} days")
    return seconds


def window(start: str | None, end: str | None, default_span: timedelta,
           now: datetime | None = None) -> tuple[datetime, datetime]:
    """A [start, end) window from query parameters; by default the last `default_span`."""
    now = now or datetime.now(UTC)
    end_ts = parse_time(end, "end", now)
    start_ts = parse_time(start, "start", max(EARLIEST, end_ts - default_span))
    if start_ts >= end_ts:
        raise BadParameter("start must be before end")
    return start_ts, end_ts


def parse_unit(value: str | None, known: Sequence[str]) -> str | None:
    """`unit=<id>`: one of the commune's former units (commune.former_units), or None when absent."""
    if value is None or value == "":
        return None
    if value not in known:
        choices = f"use one of: {', '.join(known)}" if known else "this commune has no former units"
        raise BadParameter(f"unit={value[:MAX_TEXT]!r} is not a former unit of this commune; {choices}")
    return value
