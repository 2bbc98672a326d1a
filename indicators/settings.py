"""The `indicators:` configuration section."""

from __future__ import annotations

from config.section import Section


class IndicatorsConfig(Section):
    """The KPI catalogue and where official figures come from."""
