"""The configuration sections the alert service and its duty desk read (handed in by the wiring, never the whole
configuration file), and the hooks an announcer channel made by the wiring gets from the alert service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from alerts.duty_settings import DutyConfig
from alerts.models import Signal
from alerts.notify import Channel
from alerts.settings import AlertsConfig
from camera.settings import CameraConfig
from config.commune import CommuneConfig
from sensors.settings import SensorConfig


class _Web(Protocol):
    @property
    def secret_key(self) -> str: ...


class HasAlertSections(Protocol):
    """A configuration holding the sections below (configfile.schema.CocConfig is one)."""

    @property
    def commune(self) -> CommuneConfig: ...

    @property
    def alerts(self) -> AlertsConfig: ...

    @property
    def duty(self) -> DutyConfig: ...

    @property
    def sensors(self) -> Sequence[SensorConfig]: ...

    @property
    def cameras(self) -> Sequence[CameraConfig]: ...

    @property
    def web(self) -> _Web: ...


@dataclass(frozen=True, slots=True)
class AlertSections:
    """What the alert service reads of the configuration: its rules and channels, the duty roster, the devices
    its rules watch, the commune (name, time zone) and the key that signs the duty desk's phone links."""

    commune: CommuneConfig
    alerts: AlertsConfig
    duty: DutyConfig
    sensors: Sequence[SensorConfig]
    cameras: Sequence[CameraConfig]
    link_secret: str  # web.secret_key

    @classmethod
    def of(cls, config: HasAlertSections) -> AlertSections:
        return cls(config.commune, config.alerts, config.duty, config.sensors, config.cameras, config.web.secret_key)

    def sensor_units(self) -> dict[str, str]:
        """Device id → the former unit it belongs to (devices without one are left out)."""
        return {s.id: s.former_unit for s in self.sensors if s.former_unit}

    def camera_units(self) -> dict[str, str]:
        """Camera id → the former unit it belongs to (cameras without one are left out)."""
        return {c.id: c.former_unit for c in self.cameras if c.former_unit}


Audit = Callable[[datetime, str, str, str | None, str], None]  # (at, actor, action, alert id, detail): duty audit


@dataclass(frozen=True, slots=True)
class AnnouncerHooks:
    """What an announcer (the hamlets' loudspeakers) gets from the alert service that carries it as a channel."""

    clock: Callable[[], datetime]
    audit: Audit
    on_signal: Callable[[Signal], None]  # its own verdicts (a loudspeaker cluster offline or back)


Announcer = Callable[[AnnouncerHooks], Channel]  # made by the wiring; the alert service calls it once
