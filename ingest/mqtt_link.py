"""The MQTT connection of a COC service: paho-mqtt 2 client set-up, TLS, backoff, and logging each transition once."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from ingest.fast_client import BufferedClient
from ingest.settings import MqttConfig, TlsConfig

log = logging.getLogger(__name__)


def make_client(settings: MqttConfig, client_id: str, persistent: bool, manual_ack: bool = False) -> BufferedClient:
    """A paho client for `settings`: MQTT 3.1.1, a persistent session when asked, TLS and credentials applied.
    With `manual_ack`, QoS 1 messages are acknowledged only when the owner calls `ack_many` (once durable)."""
    client = BufferedClient(
        CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=not persistent,
        protocol=mqtt.MQTTv311, reconnect_on_failure=True, manual_ack=manual_ack,
    )
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    if settings.username:
        client.username_pw_set(settings.username, settings.password)
    if settings.tls:
        tls = settings.tls if isinstance(settings.tls, TlsConfig) else TlsConfig()
        client.tls_set(
            ca_certs=str(tls.ca_file) if tls.ca_file else None,
            certfile=str(tls.cert_file) if tls.cert_file else None,
            keyfile=str(tls.key_file) if tls.key_file else None,
            cert_reqs=ssl.CERT_REQUIRED,
        )
        client.tls_insecure_set(tls.insecure)
    return client


class LinkState:
    """Tracks connected / disconnected and logs each transition once (not every retry)."""

    def __init__(self, name: str, on_change: Callable[[bool], None] | None = None) -> None:
        self.name = name
        self.connected = False
        self.ever_connected = False
        self.stopping = False  # set by the owner before a deliberate disconnect
        self._on_change = on_change

    def up(self, where: str) -> None:
        if not self.connected:
            log.info("%s: connected to MQTT broker %s", self.name, where)
        self.connected = self.ever_connected = True
        if self._on_change:
            self._on_change(True)

    def down(self, reason: Any) -> None:
        if self.connected and self.stopping:
            log.info("%s: disconnected from the MQTT broker", self.name)
        elif self.connected:
            log.warning("%s: lost the MQTT broker (%s); reconnecting with backoff", self.name, reason)
        self.connected = False
        if self._on_change:
            self._on_change(False)
