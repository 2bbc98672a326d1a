"""Numbers as Vietnamese readers write them (1.297; 54,4 %) and as English readers do (1,297; 54.4 %)."""

from __future__ import annotations

import math
import re

from indicators.units import is_whole, unit_label

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
VI_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
VI_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def format_number(value: float | None, decimals: int = 1, lang: str = "vi", missing: str = "—") -> str:
    """`value` with at most `decimals` decimals (trailing zeros dropped) and the language's separators."""
    if value is None or not math.isfinite(value):
        return missing
    thousands, point = SEPARATORS.get(lang, SEPARATORS["vi"])
    text = f"{abs(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\0").replace(".", point).replace("\0", thousands)
    negative = value < 0 and text.strip("0.,") != ""
    return ("−" if negative else "") + text


def decimals_for(unit: str) -> int:
    """Counts have no decimals; rates, days, money one."""
    return 0 if is_whole(unit) else 1


def format_value(value: float | None, unit: str, lang: str = "vi", missing: str = "—") -> str:
    """A value with its unit label: '1.297 hồ sơ', '54,4 %', '4,3 ngày'."""
    if value is None:
        return missing
    text = format_number(value, decimals_for(unit), lang, missing)
    label = unit_label(unit, lang)
    return f"{text} {label}".rstrip()


def format_pct(value: float | None, lang: str = "vi", signed: bool = False, missing: str = "—") -> str:
    """A percentage with one decimal: '78,5 %', signed '+12,3 %'."""
    if value is None:
        return missing
    text = format_number(value, 1, lang, missing)
    if signed and value > 0 and text != "0":
        text = "+" + text
    return f"{text} %"


def parse_vi_number(text: str) -> float:
    """A number typed the Vietnamese way ('1.250,5', '54,4', '1.297') or plainly ('1250.5'); ValueError else.

    '1.250' is one thousand two hundred and fifty, as Vietnamese spreadsheets write it."""
    clean = text.strip().replace("\u00a0", "").replace(" ", "")
    if VI_THOUSANDS.match(clean):
        return float(clean.replace(".", "").replace(",", "."))
    if VI_DECIMAL.match(clean):
        return float(clean.replace(",", "."))
    if PLAIN.match(clean):
        return float(clean)
    raise ValueError(f"'{text}' is not a number")
