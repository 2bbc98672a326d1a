"""How numbers and times read on screen: Vietnamese format (1.297; 54,4 %) or English (1,297; 54.4%), local time."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

DASH = "—"


def number(value: object, decimals: int = 0, lang: str = "vi") -> str:
    """1297 → "1.297", 54.43 → "54,4" (decimals=1) in Vietnamese; "1,297", "54.4" in English; "—" for no value.
    Negative zero after rounding reads as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
        return DASH
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def count(value: object, lang: str = "vi") -> str:
    """A count: no decimals, thousands grouped."""
    return number(value, 0, lang)


def percent(value: object, decimals: int = 1, lang: str = "vi") -> str:
    """54.43 → "54,4 %" (Vietnamese writes a space before %), "54.4%" in English."""
    text = number(value, decimals, lang)
    if text == DASH:
        return text
    return f"{text} %" if lang != "en" else f"{text}%"


def signed(value: object, decimals: int = 0, lang: str = "vi") -> str | None:
    """+12 / −3 for a change; None when it rounds to zero (never "+0" or "-0")."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    rounded = round(float(value), decimals)
    if rounded == 0:
        return None
    return ("+" if rounded > 0 else "−") + number(abs(rounded), decimals, lang)


def as_datetime(value: object) -> datetime | None:
    """An aware datetime from a datetime or ISO 8601 text (naive means UTC); None otherwise."""
    if isinstance(value, datetime):
        ts = value
    elif isinstance(value, str) and value:
        try:
            ts = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def local_time(value: object, tz: tzinfo, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A UTC time (datetime or ISO text) as local clock text, e.g. "23/11/2026 17:30"; "—" for no time."""
    ts = as_datetime(value)
    return ts.astimezone(tz).strftime(pattern) if ts else DASH


def size_bytes(value: object, lang: str = "vi") -> str:
    """A size in bytes as B, KB, MB or GB with one decimal (decimal comma in Vietnamese)."""
    if not isinstance(value, int | float):
        return DASH
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{number(size, 0 if unit == 'B' else 1, lang)} {unit}"
        size /= 1024
    return DASH
