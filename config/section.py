"""The base every configuration section model derives from: unknown keys are errors, values are frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A configuration section: strict about unknown keys, immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


class Location(Section):
    """A point on the map in WGS84 degrees."""

    lat: float = Field(ge=-90, le=90, description="Latitude in decimal degrees (WGS84), e.g. 16.57.")
    lon: float = Field(ge=-180, le=180, description="Longitude in decimal degrees (WGS84), e.g. 107.53.")
