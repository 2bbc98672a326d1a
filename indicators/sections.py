"""The configuration sections the KPI engine reads (handed in by the wiring, never the whole configuration file):
its own section, the commune, the devices its sensor-derived figures come from, and where figures are kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from config.commune import CommuneConfig
from indicators.settings import IndicatorsConfig
from sensors.settings import SensorConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


class _Storage(Protocol):
    @property
    def state_path(self) -> Path: ...


class HasIndicatorSections(Protocol):
    """A configuration holding the sections below (configfile.schema.CocConfig is one)."""

    @property
    def indicators(self) -> IndicatorsConfig: ...

    @property
    def commune(self) -> CommuneConfig: ...

    @property
    def sensors(self) -> Sequence[SensorConfig]: ...

    @property
    def storage(self) -> _Storage: ...


@dataclass(frozen=True, slots=True)
class IndicatorSections:
    """What the KPI engine and `import-kpi` read of the configuration."""

    indicators: IndicatorsConfig
    commune: CommuneConfig
    sensors: Sequence[SensorConfig] = ()
    state_path: Path | None = None  # storage.state_path: where figures are kept unless indicators.figures_db_path

    @classmethod
    def of(cls, config: HasIndicatorSections) -> IndicatorSections:
        return cls(config.indicators, config.commune, config.sensors, config.storage.state_path)

    def catalogue_path(self) -> Path:
        """The catalogue file: as configured, or relative to the COC folder when it is not found from here."""
        path = self.indicators.catalogue_path
        if not path.is_absolute() and not path.exists() and (REPO_ROOT / path).exists():
            return REPO_ROOT / path
        return path

    def figures_db_path(self) -> Path:
        """Where figures are kept: indicators.figures_db_path, else the app-state database."""
        path = self.indicators.figures_db_path or self.state_path
        if path is None:
            raise ValueError("no indicators.figures_db_path and no storage.state_path: nowhere to keep figures")
        return path
