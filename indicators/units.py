"""The units of the KPI catalogue: each code with its Vietnamese and English label, whether it counts things, and
whether figures in it add up across communes (the default way a merged commune combines its former units)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as people read it: `vi` and `en` labels; `whole` units are counts, shown without decimals;
    `additive` units add up across former communes (counts, amounts), the others do not (shares, hours and days
    that overlap, a commune's list of procedures)."""

    vi: str
    en: str
    whole: bool = False
    additive: bool = True


UNITS: dict[str, Unit] = {
    "%": Unit("%", "%", additive=False),
    "files": Unit("hồ sơ", "files", True),
    "procedures": Unit("thủ tục", "procedures", True, additive=False),
    "items": Unit("phản ánh", "items", True),
    "responses": Unit("lượt", "responses", True),
    "documents": Unit("văn bản", "documents", True),
    "households": Unit("hộ", "households", True),
    "products": Unit("sản phẩm", "products", True),
    "consultations": Unit("lượt", "consultations", True),
    "people": Unit("người", "people", True),
    "cases": Unit("vụ", "cases", True),
    "h": Unit("giờ", "h", True, additive=False),
    "days": Unit("ngày", "days", additive=False),
    "min": Unit("phút", "min", additive=False),
    "million_vnd": Unit("triệu đồng", "million VND"),
    "tonnes": Unit("tấn", "tonnes"),
}


def unit_label(code: str, lang: str = "vi") -> str:
    """The unit's label in the language ('' for an unknown code, so a label is never an internal code)."""
    unit = UNITS.get(code)
    if unit is None:
        return ""
    return unit.vi if lang == "vi" else unit.en


def is_whole(code: str) -> bool:
    """Whether values of this unit are counts (shown without decimals)."""
    unit = UNITS.get(code)
    return bool(unit and unit.whole)


def is_additive(code: str) -> bool:
    """Whether figures of this unit add up across former communes (False for an unknown code)."""
    unit = UNITS.get(code)
    return bool(unit and unit.additive)
