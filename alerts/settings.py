"""The `alerts:` configuration section."""

from __future__ import annotations

from config.section import Section


class AlertsConfig(Section):
    """Alert rules and notification channels (defaults apply when the section is absent)."""
