"""The commune a COC serves (its id, name, time zone, location) and the former communes merged into it: read by
every folder that shows or files something per commune or former unit, so it stands on the floor."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from config.section import Location, Section


class FormerUnit(Section):
    """A former commune (or town) merged into this commune on `merged_on`; its devices, cameras, alerts and
    figures can still be told apart by its id."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="Id of the former commune, e.g. quang-phu. Figures imported for the time before the merger "
                    "carry it as their commune id.",
    )
    name: str = Field(min_length=1, description="Name with diacritics, e.g. 'Xã Quảng Phú (cũ)'.")
    location: Location | None = Field(default=None, description="Its former headquarters: {lat, lon}.")
    merged_on: date = Field(description="The day the merger took effect, e.g. 2025-07-01.")


class CommuneConfig(Section):
    """The commune this COC serves."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="Commune id used in topics, tags and KPIs, e.g. quang-tho.",
    )
    name: str = Field(min_length=1, description="Commune name with diacritics, e.g. 'Xã Quảng Thọ'.")
    district: str | None = Field(
        default=None,
        description="District, only for installs from before 1 July 2025 (districts were abolished then); "
                    "not shown when absent.",
    )
    province: str | None = Field(default=None, description="Province, e.g. 'Thừa Thiên Huế'.")
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh",
        description="IANA time zone used on screens and for daily figures.",
    )
    households: int | None = Field(
        default=None, ge=0,
        description="Number of households (denominator of household KPIs).",
    )
    location: Location | None = Field(default=None, description="Centre of the commune map: {lat, lon}.")
    former_units: list[FormerUnit] = Field(
        default_factory=list,
        description="The former communes merged into this one (id, name, location, merged_on); empty when the "
                    "commune was not merged.",
    )

    def former_unit(self, unit_id: str) -> FormerUnit | None:
        """The former unit with this id, if any."""
        return next((u for u in self.former_units if u.id == unit_id), None)

    @model_validator(mode="after")
    def _check_former_units(self) -> CommuneConfig:
        seen: set[str] = set()
        for unit in self.former_units:
            if unit.id == self.id or unit.id in seen:
                raise ValueError(
                    f"former unit id '{unit.id}' is used twice (or is the commune's own id). "
                    "Fix: give each former commune its own id"
                )
            seen.add(unit.id)
        return self

    @model_validator(mode="after")
    def _check_timezone(self) -> CommuneConfig:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{self.timezone}'. Fix: use an IANA name such as Asia/Ho_Chi_Minh"
            ) from None
        return self
