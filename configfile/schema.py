"""The one schema of COC's YAML file: the root model composed of each folder's section model."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from alerts.duty_settings import DutyConfig
from alerts.settings import AlertsConfig
from camera.settings import CameraConfig, CameraSystemConfig
from config.commune import CommuneConfig, FormerUnit
from config.section import Location, Section
from dashboard.settings import AuthConfig, MapConfig, WallConfig, WebConfig
from indicators.settings import IndicatorsConfig
from ingest.settings import MqttConfig, StorageConfig
from loudspeakers.settings import LoudspeakersConfig
from province.settings import ProvinceConfig
from sensors.settings import SensorConfig

__all__ = ["CocConfig", "CommuneConfig", "FormerUnit", "Location", "ProvinceCenterConfig"]


class CocConfig(Section):
    """A whole COC installation."""

    commune: CommuneConfig = Field(description="The commune this COC serves.")
    mqtt: MqttConfig = Field(default_factory=MqttConfig, description="MQTT broker connection.")
    storage: StorageConfig = Field(default_factory=StorageConfig, description="Time-series store and app state.")
    web: WebConfig = Field(description="Web server for pages and the REST API.")
    sensors: list[SensorConfig] = Field(default_factory=list, description="Field devices (air, flood).")
    cameras: list[CameraConfig] = Field(default_factory=list, description="CCTV cameras.")
    camera: CameraSystemConfig = Field(
        default_factory=CameraSystemConfig,
        description="Options shared by all cameras: snapshots, runtime directory, workers, offline delay.",
    )
    walls: list[WallConfig] = Field(default_factory=list, description="Wall screens and their panels.")
    map: MapConfig = Field(
        default_factory=MapConfig, description="The commune's own base map (tiles, GeoJSON layers), served offline."
    )
    alerts: AlertsConfig = Field(default_factory=AlertsConfig, description="Alert rules and notifications.")
    indicators: IndicatorsConfig = Field(default_factory=IndicatorsConfig, description="KPI catalogue and figures.")
    auth: AuthConfig = Field(default_factory=AuthConfig, description="Users and API tokens.")
    duty: DutyConfig = Field(
        default_factory=DutyConfig, description="Duty roster, escalation chains and the channels that reach people.",
    )
    loudspeakers: LoudspeakersConfig = Field(
        default_factory=LoudspeakersConfig, description="The hamlets' loudspeaker clusters, Icecast, broadcast alarms.",
    )

    def served_communes(self) -> list[str]:
        """The communes this COC serves, which users' and tokens' scopes may name: its own (a province center's
        are its province's)."""
        return [self.commune.id]

    @model_validator(mode="after")
    def _check_scopes(self) -> CocConfig:
        known = self.served_communes()
        scoped = [("user", u.username, u.communes) for u in self.auth.users]
        scoped += [("API token", t.name, t.communes) for t in self.auth.api_tokens]
        for label, name, communes in scoped:
            for commune in communes:
                if commune not in known:
                    raise ValueError(
                        f"{label} '{name}' names commune '{commune}', which this COC does not serve. "
                        f"Fix: use one of {known} or leave communes empty (every commune)"
                    )
        return self

    @model_validator(mode="after")
    def _check_references(self) -> CocConfig:
        for label, ids in (
            ("sensor", [s.id for s in self.sensors]),
            ("camera", [c.id for c in self.cameras]),
            ("wall screen", [w.id for w in self.walls]),
            ("user", [u.username for u in self.auth.users]),
        ):
            seen: set[str] = set()
            for item in ids:
                if item in seen:
                    raise ValueError(f"{label} id '{item}' is used twice. Fix: give each {label} its own id")
                seen.add(item)
        floods = {s.id for s in self.sensors if s.kind.value == "flood"}
        for cam in self.cameras:
            if cam.flood_point is not None and cam.flood_point not in floods:
                raise ValueError(
                    f"camera '{cam.id}' names flood_point '{cam.flood_point}', which is not a flood sensor. "
                    f"Fix: use one of {sorted(floods)} or remove flood_point"
                )
        self._check_former_unit_references()
        users = {u.username for u in self.auth.users}
        for index, person in enumerate(self.duty.people):
            if users and person.username not in users:
                raise ValueError(
                    f"duty.people[{index}].username: '{person.username}' is not a user of auth.users. "
                    f"Fix: use one of {sorted(users)} or add the user"
                )
        walls = {w.id for w in self.walls}
        for screen in self.web.public_screens:
            if screen not in walls:
                raise ValueError(
                    f"web.public_screens names '{screen}', which is not a wall screen. "
                    f"Fix: use one of {sorted(walls)} or add it under walls"
                )
        return self

    def sensor(self, device_id: str) -> SensorConfig | None:
        """The configured device with this id, if any."""
        return next((s for s in self.sensors if s.id == device_id), None)

    def sensor_units(self) -> dict[str, str]:
        """Device id → the former unit it belongs to (devices without one are left out)."""
        return {s.id: s.former_unit for s in self.sensors if s.former_unit}

    def camera_units(self) -> dict[str, str]:
        """Camera id → the former unit it belongs to (cameras without one are left out)."""
        return {c.id: c.former_unit for c in self.cameras if c.former_unit}

    def _check_former_unit_references(self) -> None:
        """Every `former_unit` names one of commune.former_units; the message starts with the key's path so that
        the loader can point at its line."""
        known = [u.id for u in self.commune.former_units]
        placed = [("sensors", "sensor", [(s.id, s.former_unit) for s in self.sensors]),
                  ("cameras", "camera", [(c.id, c.former_unit) for c in self.cameras]),
                  ("walls", "wall screen", [(w.id, w.former_unit) for w in self.walls])]
        for section, label, items in placed:
            for index, (item_id, unit) in enumerate(items):
                if unit is not None and unit not in known:
                    raise ValueError(
                        f"{section}[{index}].former_unit: {label} '{item_id}' names former unit "
                        f"'{unit}', which is not under commune.former_units. "
                        f"Fix: use one of {known} or add it under commune.former_units"
                    )


class ProvinceCenterConfig(CocConfig):
    """A province operations center: a COC whose file has a `province:` section (config/province-example.yaml)."""

    province: ProvinceConfig = Field(
        description="The province's communes and the cluster their data arrives on (then `commune` may be left out: "
                    "it is taken from the province's id, name, time zone and location).",
    )

    def served_communes(self) -> list[str]:
        return [c.id for c in self.province.communes]

    @model_validator(mode="before")
    @classmethod
    def _province_is_the_commune(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("province"), dict) and "commune" not in data:
            province = data["province"]
            data = {**data, "commune": {k: province[k] for k in ("id", "name", "timezone", "location")
                                        if k in province}}
        return data
