"""The commune's former units (communes merged into it) on the pages: which unit a row belongs to, `?unit=` in the
address, and rows grouped by unit in the order of commune.former_units (rows of no unit last)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from config.commune import CommuneConfig


@dataclass(frozen=True, slots=True)
class UnitGroup:
    """The rows of one former unit (`unit` None: the rows that belong to none)."""

    unit: str | None
    name: str
    rows: list[dict[str, Any]]


def unit_from_search(search: str | None, commune: CommuneConfig) -> str | None:
    """The former unit named by `?unit=<id>` when the commune has it; None otherwise."""
    values = parse_qs((search or "").lstrip("?")).get("unit") or []
    return values[0] if values and commune.former_unit(values[0]) is not None else None


def of_unit(rows: Sequence[dict[str, Any]], unit: str | None) -> list[dict[str, Any]]:
    """The rows of one former unit (by their `former_unit`); every row when `unit` is None."""
    return [r for r in rows if unit is None or r.get("former_unit") == unit]


def group_by_unit(rows: Sequence[dict[str, Any]], commune: CommuneConfig, none_name: str) -> list[UnitGroup]:
    """Rows grouped by former unit, in the order of commune.former_units, then those of no unit (named
    `none_name`); empty groups are left out and each group keeps the rows' order."""
    known = {u.id for u in commune.former_units}
    groups = [UnitGroup(u.id, u.name, [r for r in rows if r.get("former_unit") == u.id])
              for u in commune.former_units]
    groups.append(UnitGroup(None, none_name, [r for r in rows if r.get("former_unit") not in known]))
    return [g for g in groups if g.rows]
