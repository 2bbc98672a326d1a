"""The `indicators:` configuration section."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from config.section import Section

COMMUNE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class CommuneLabel(Section):
    """Another commune whose figures this install compares with (district or province view)."""

    id: str = Field(pattern=COMMUNE_ID_PATTERN, description="Commune id used in the figures, e.g. yen-hoa.")
    name: str = Field(min_length=1, description="Commune name with diacritics, e.g. 'Xã Yên Hòa'.")
    province: str | None = Field(default=None, description="Province, e.g. 'Ninh Bình'.")


class IndicatorsConfig(Section):
    """The KPI catalogue and where official figures come from."""

    catalogue_path: Path = Field(
        default=Path("config/indicators.yaml"),
        description="YAML file of the KPI catalogue (metrics, KPIs, formulas, national targets).",
    )
    figures_db_path: Path | None = Field(
        default=None,
        description="SQLite file holding imported and computed figures; empty: the app-state database "
        "(storage.state_path).",
    )
    targets: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Per-commune target overrides: {commune id: {KPI id: target}}, e.g. {quang-tho: "
        "{cashless_households_rate: 70}}; a KPI not listed keeps the catalogue's national target.",
    )
    near_margin_pct: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description="A value within this many percent of its target (on the wrong side) is 'near' (gần đạt) "
        "instead of 'behind' (chưa đạt).",
    )
    communes: list[CommuneLabel] = Field(
        default_factory=list,
        description="Other communes in this install, for names in comparisons; figures of unlisted communes "
        "are shown by id.",
    )
    sensor_refresh_s: int = Field(
        default=900,
        ge=60,
        le=86400,
        description="Seconds between two recomputations of the sensor-derived KPIs of this and last month.",
    )
    pm25_daily_limit_ug_m3: dict[int, float] = Field(
        default_factory=lambda: {2023: 50.0, 2026: 45.0},
        description="QCVN 05:2023 24-hour PM2.5 limit by the year it applies from: {2023: 50, 2026: 45}.",
    )

    @model_validator(mode="after")
    def _check_targets(self) -> IndicatorsConfig:
        import re

        for commune in self.targets:
            if not re.match(COMMUNE_ID_PATTERN, commune):
                raise ValueError(
                    f"targets names commune '{commune}', which is not a commune id. "
                    "Fix: use the lower-case id with dashes, e.g. quang-tho"
                )
        if not self.pm25_daily_limit_ug_m3:
            raise ValueError("pm25_daily_limit_ug_m3 is empty. Fix: write {2023: 50, 2026: 45}")
        return self
