"""The `web:`, `walls:`, `auth:` and `map:` configuration sections."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from config.section import Section

PANELS = ("map", "air", "flood", "alerts", "cameras", "kpis", "clock")


class Role(StrEnum):
    """Who a user or token is; decides what it may see and do."""

    ADMIN = "admin"
    OPERATOR = "operator"
    POLICE = "police"
    LEADER = "leader"


class WebConfig(Section):
    """The web server (pages and REST API)."""

    host: str = Field(default="127.0.0.1", description="Address to listen on; 0.0.0.0 to serve the whole LAN.")
    port: int = Field(default=8050, ge=1, le=65535, description="TCP port of the web server.")
    secret_key: str = Field(
        min_length=16,
        description="Key that signs login cookies, as ${NAME}; `run` (not --demo) wants 32 or more characters.",
    )
    public_screens: list[str] = Field(
        default_factory=list, description="Wall screen ids shown without login (e.g. the street-facing LED board)."
    )
    language: Literal["vi", "en"] = Field(default="vi", description="Default language of the pages: vi or en.")
    https: bool = Field(
        default=False,
        description=(
            "True when the pages are served over HTTPS (directly or behind a proxy): cookies are marked "
            "Secure."
        ),
    )
    session_hours: int = Field(default=12, ge=1, le=720, description="Hours a login stays valid without activity.")


class WallPageConfig(Section):
    """One page of a rotating wall screen."""

    title: str = Field(min_length=1, description="Page title shown in the header.")
    panels: list[Literal["map", "air", "flood", "alerts", "cameras", "kpis", "clock"]] = Field(
        min_length=1, description="Panels on this page, in order: map, air, flood, alerts, cameras, kpis, clock."
    )


class WallConfig(Section):
    """One wall screen, at /wall/<id>."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Screen id used in the URL /wall/<id>.")
    title: str = Field(min_length=1, description="Screen title shown in the header, in Vietnamese.")
    panels: list[Literal["map", "air", "flood", "alerts", "cameras", "kpis", "clock"]] = Field(
        default_factory=list, description="Panels of the first page: map, air, flood, alerts, cameras, kpis, clock."
    )
    pages: list[WallPageConfig] = Field(
        default_factory=list, description="Further pages the screen rotates through after the first."
    )
    rotate_s: int = Field(default=30, ge=5, le=3600, description="Seconds each page stays before the next.")
    takeover_s: int = Field(
        default=120, ge=0, le=86400,
        description="Kept for older files and no longer used: a critical alarm takes over the screen until it is "
                    "acknowledged or shelved (ISA-18.2).",
    )
    refresh_s: float = Field(default=2.0, ge=0.5, le=60, description="Seconds between two refreshes of the screen.")
    cameras_per_page: int = Field(
        default=6, ge=1, le=36, description="Camera snapshots shown at once in the mosaic (it rotates through all)."
    )
    former_unit: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="Id of a former commune (commune.former_units): the screen shows only that unit's devices, "
                    "cameras and alerts (null: the whole commune).",
    )


class UserConfig(Section):
    """A person who logs in to the pages."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{2,64}$", description="Login name.")
    role: Role = Field(description="admin, operator, police or leader.")
    password_hash: str = Field(
        min_length=8, description="Password hash made by `run_coc.py hash-password` (never the password itself)."
    )
    display_name: str | None = Field(default=None, description="Name shown in the page header and the audit log.")
    communes: list[str] = Field(
        default_factory=list,
        description="At a province center: the communes this person may see (empty: every commune, province "
                    "staff). Another commune's pages and API data answer 403.",
    )


class ApiTokenConfig(Section):
    """A machine client of the REST API (gateway, another system)."""

    name: str = Field(min_length=1, description="Who uses the token; recorded in the audit log.")
    role: Role = Field(description="Role the token acts with: admin, operator, police or leader.")
    token: str = Field(min_length=16, description="The bearer token, at least 16 characters, as ${NAME}.")
    communes: list[str] = Field(
        default_factory=list,
        description="At a province center: the communes this token may read (empty: every commune).",
    )


class AuthConfig(Section):
    """Users and API tokens."""

    users: list[UserConfig] = Field(default_factory=list, description="People who log in to the pages.")
    api_tokens: list[ApiTokenConfig] = Field(default_factory=list, description="Bearer tokens for machine clients.")
    login_attempts_per_user: int = Field(
        default=5, ge=1, le=1000,
        description="Failed logins per (user name, client address) before each further attempt waits 2 s, "
        "doubled after each failure (at most login_window_s); never a lock for other addresses.",
    )
    login_attempts_per_ip: int = Field(
        default=20, ge=1, le=10000, description="Failed logins allowed per client address within login_window_s."
    )
    login_window_s: int = Field(
        default=300, ge=10, le=86400,
        description="Seconds over which an address's failed logins count; also the longest wait between attempts.",
    )


MAP_KINDS = ("boundary", "former_boundary", "hamlet", "river", "road", "evacuation")


class MapLayerConfig(Section):
    """One GeoJSON layer of the wall and province maps."""

    file: Path = Field(description="GeoJSON file (.geojson or .json), relative to the working directory.")
    kind: Literal["boundary", "former_boundary", "hamlet", "river", "road", "evacuation"] = Field(
        description="What the layer holds, which decides how it is drawn: boundary, former_boundary, hamlet, river, "
                    "road or evacuation.",
    )
    label: str = Field(min_length=1, description="Name of the layer in the map's legend, in Vietnamese.")

    @field_validator("file")
    @classmethod
    def _geojson(cls, value: Path) -> Path:
        if value.suffix.lower() not in (".geojson", ".json"):
            raise ValueError(f"'{value}' is not a GeoJSON file. Fix: name a .geojson or .json file")
        if not value.is_file():
            raise ValueError(f"no file '{value}'. Fix: give the path of an existing GeoJSON file")
        return value


class MapConfig(Section):
    """The base layer the commune owns, drawn under the devices on the wall and province maps, offline."""

    tiles: Path | None = Field(
        default=None,
        description="Raster tiles served at /tiles/<z>/<x>/<y>.png: an MBTiles file (.mbtiles) or a folder "
                    "<z>/<x>/<y>.png (null: no tiles, the GeoJSON layers on a dark ground).",
    )
    tiles_zoom: int = Field(default=14, ge=0, le=22, description="Zoom level of the tiles drawn under the map.")
    layers: list[MapLayerConfig] = Field(
        default_factory=list, description="GeoJSON layers: boundaries, hamlets, rivers, roads, evacuation points."
    )

    @field_validator("tiles")
    @classmethod
    def _tiles(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() == ".mbtiles":
            if not value.is_file():
                raise ValueError(f"no MBTiles file '{value}'. Fix: give the path of an existing .mbtiles file")
        elif not value.is_dir():
            raise ValueError(f"'{value}' is neither an .mbtiles file nor a folder. Fix: give one, or null")
        return value
