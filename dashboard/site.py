"""What the dashboard reads of COC's configuration (`SiteConfig`): each section typed by the model of the folder that
owns it, and the lookups the pages use. configfile.schema.CocConfig satisfies it structurally, so the dashboard reads
the configuration without importing the roof that composes every folder's sections (mypy checks it where the wiring
builds the app context)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from alerts.duty_settings import DutyConfig
from alerts.settings import AlertsConfig
from camera.settings import CameraSystemConfig
from dashboard.settings import AuthConfig, MapConfig, WallConfig, WebConfig
from indicators.settings import IndicatorsConfig
from ingest.pipeline import CommuneSections
from loudspeakers.settings import LoudspeakersConfig
from sensors.settings import SensorConfig


class SiteConfig(CommuneSections, Protocol):
    """The configuration a COC's web app runs with (a commune's, or a province center's), read-only: the sections its
    data path is made from (commune, mqtt, storage, sensors, cameras: ingest.pipeline.CommuneSections) and these."""

    @property
    def web(self) -> WebConfig: ...

    @property
    def camera(self) -> CameraSystemConfig: ...

    @property
    def walls(self) -> Sequence[WallConfig]: ...

    @property
    def map(self) -> MapConfig: ...

    @property
    def alerts(self) -> AlertsConfig: ...

    @property
    def indicators(self) -> IndicatorsConfig: ...

    @property
    def auth(self) -> AuthConfig: ...

    @property
    def duty(self) -> DutyConfig: ...

    @property
    def loudspeakers(self) -> LoudspeakersConfig: ...

    def sensor(self, device_id: str) -> SensorConfig | None:
        """The configured device with this id, if any."""
        ...

    def sensor_units(self) -> dict[str, str]:
        """Device id -> the former unit it belongs to."""
        ...

    def camera_units(self) -> dict[str, str]:
        """Camera id -> the former unit it belongs to."""
        ...
