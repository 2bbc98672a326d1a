"""The types the camera folder hands to others: camera events and their vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EventType(StrEnum):
    """What a camera event is about (the `type` of `<prefix>/camera/<id>/event`)."""

    MOTION = "motion"
    INTRUSION = "intrusion"
    TAMPER = "tamper"
    OFFLINE = "offline"
    ONLINE = "online"


class EventPhase(StrEnum):
    """Where an event is in its lifecycle."""

    START = "start"
    UPDATE = "update"
    END = "end"


@dataclass(frozen=True, slots=True)
class CameraEvent:
    """One camera event as published on MQTT and stored (measurement `camera_event`)."""

    camera_id: str
    ts: datetime
    type: EventType
    event_id: str = ""
    phase: EventPhase = EventPhase.START
    zone: str | None = None
    score: float | None = None
    snapshot: str | None = None
    clip: str | None = None  # MP4 under the clip directory, written once the post-roll has passed


@dataclass(frozen=True, slots=True)
class MqttLink:
    """How camera workers reach the broker (run_coc.py builds it from the `mqtt:` section)."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None  # the `mqtt.tls` files; None: the system CAs, no client certificate
    cert_file: str | None = None
    key_file: str | None = None
    tls_insecure: bool = False
    client_id: str = "coc-camera"
    keepalive_s: int = 30
