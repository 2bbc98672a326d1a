"""The commune's former units (communes merged into it) on the pages: which unit a row belongs to, `?unit=` in the
address, and rows grouped by unit in the order of commune.former_units (rows of no unit last). A row is a view with
a `former_unit` or an API row (a mapping with the key "former_unit")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from urllib.parse import parse_qs

from dashboard.services import Named


class InUnit(Protocol):
    """A row that knows its former unit (a view of the read layer)."""

    @property
    def former_unit(self) -> str | None: ...


class MergedCommune(Protocol):
    """The part of the commune's configuration read here (config.commune.CommuneConfig)."""

    @property
    def former_units(self) -> Sequence[Named]: ...


Row = TypeVar("Row", bound=InUnit | Mapping[str, object])


@dataclass(frozen=True, slots=True)
class UnitGroup(Generic[Row]):
    """The rows of one former unit (`unit` None: the rows that belong to none)."""

    unit: str | None
    name: str
    rows: list[Row]


def unit_of(row: InUnit | Mapping[str, object]) -> object:
    """The former unit a row belongs to (None: none)."""
    return row.get("former_unit") if isinstance(row, Mapping) else row.former_unit


def unit_from_search(search: str | None, commune: MergedCommune) -> str | None:
    """The former unit named by `?unit=<id>` when the commune has it; None otherwise."""
    values = parse_qs((search or "").lstrip("?")).get("unit") or []
    return values[0] if values and any(u.id == values[0] for u in commune.former_units) else None


def of_unit(rows: Sequence[Row], unit: str | None) -> list[Row]:
    """The rows of one former unit (by their `former_unit`); every row when `unit` is None."""
    return [r for r in rows if unit is None or unit_of(r) == unit]


def group_by_unit(rows: Sequence[Row], commune: MergedCommune, none_name: str) -> list[UnitGroup[Row]]:
    """Rows grouped by former unit, in the order of commune.former_units, then those of no unit (named
    `none_name`); empty groups are left out and each group keeps the rows' order."""
    known = {u.id for u in commune.former_units}
    groups = [UnitGroup(u.id, u.name, [r for r in rows if unit_of(r) == u.id]) for u in commune.former_units]
    groups.append(UnitGroup(None, none_name, [r for r in rows if unit_of(r) not in known]))
    return [g for g in groups if g.rows]
