"""A paho-mqtt client that reads the socket in large chunks and decodes every buffered packet per loop turn.

Stock paho 2.2 reads each packet with three or more `recv` calls and handles one incoming QoS 1 packet per
`select()` turn, which caps one consumer at a few thousand messages per second. This subclass keeps paho's protocol
handling and only changes how bytes reach it (pinned to paho-mqtt 2.2; see tests/ingest/test_fast_client.py)."""

from __future__ import annotations

from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

CHUNK_BYTES = 256 * 1024
MAX_PACKETS_PER_TURN = 100_000


class BufferedClient(mqtt.Client):
    """paho Client with a read buffer in front of the socket."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rbuf = bytearray()

    def _sock_recv(self, bufsize: int) -> bytes:
        if not self._rbuf:
            chunk = super()._sock_recv(CHUNK_BYTES)  # raises BlockingIOError when nothing is there
            if not chunk:
                return b""  # connection closed
            self._rbuf += chunk
        data = bytes(self._rbuf[:bufsize])
        del self._rbuf[:bufsize]
        return data

    def _reset_sockets(self, *args: Any, **kwargs: Any) -> None:
        self._rbuf = bytearray()
        super()._reset_sockets(*args, **kwargs)  # type: ignore[misc]

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        """Decode packets until the socket has nothing more (bounded per turn so writes and pings get a go)."""
        if self._sock is None:
            return MQTTErrorCode.MQTT_ERR_NO_CONN
        for _ in range(MAX_PACKETS_PER_TURN):
            if self._sock is None:
                return MQTTErrorCode.MQTT_ERR_NO_CONN
            rc = self._packet_read()
            if rc > 0:
                return self._loop_rc_handle(rc)
            if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                return MQTTErrorCode.MQTT_ERR_SUCCESS
        return MQTTErrorCode.MQTT_ERR_SUCCESS
