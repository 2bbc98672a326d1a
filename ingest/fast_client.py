"""A paho-mqtt client that reads the socket in large chunks instead of a few bytes per system call.

Stock paho 2.2 reads each packet with three or more `recv` calls and decodes one incoming QoS 1 packet per
`select()` turn, which caps one consumer at a few thousand messages per second. Here the socket is wrapped in a
read buffer that reports its buffered bytes through `pending()` (the hook paho already uses for TLS), and each turn
decodes a bounded batch of packets, so acknowledgements still go out between batches (joined into one `send`);
`close_gracefully()` stops reading and sends every queued acknowledgement before DISCONNECT. Pinned to paho-mqtt 2.2;
tests/ingest/test_fast_client.py checks order, large payloads and acknowledgement against a real Mosquitto."""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode, _ConnectionState

CHUNK_BYTES = 256 * 1024
PACKETS_PER_TURN = 1000
PUBACK = 0x40
LINGER_S = 2.0


def _ack_packet(data: bytes) -> Any:
    """paho's queued-packet record for acknowledgement bytes (PUBACK needs no bookkeeping once sent)."""
    return {"command": PUBACK, "mid": 0, "qos": 0, "pos": 0, "to_process": len(data), "packet": data, "info": None}


class BufferedSocket:
    """A socket (plain or TLS) with a read buffer in front; everything else goes to the socket itself."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._buf = bytearray()

    def recv(self, bufsize: int) -> bytes:
        if not self._buf:
            chunk = self._sock.recv(CHUNK_BYTES)  # raises BlockingIOError / SSLWantReadError when empty
            if not chunk:
                return b""  # the peer closed the connection
            self._buf += chunk
        data = bytes(self._buf[:bufsize])
        del self._buf[:bufsize]
        return data

    def pending(self) -> int:
        inner = self._sock.pending() if hasattr(self._sock, "pending") else 0
        return len(self._buf) + inner

    def close(self) -> None:
        """Half-close, then read until the broker closes: closing a socket with unread bytes makes the kernel
        send a reset, and the broker would drop our last acknowledgements and DISCONNECT unread."""
        try:
            self._sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_S
            while time.monotonic() < deadline:
                ready, _, _ = select.select([self._sock], [], [], max(0.0, deadline - time.monotonic()))
                if ready and not self._sock.recv(CHUNK_BYTES):
                    break
        except (OSError, ValueError):
            pass  # already gone: nothing to protect
        self._buf.clear()
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class LoopWake:
    """The write end of paho's wake-up socket pair; a wake-up from the loop thread itself (one per PUBACK it
    queues) is skipped, because that thread writes its queue before it next waits."""

    def __init__(self, sock: Any, client: mqtt.Client) -> None:
        self._sock, self._client = sock, client

    def send(self, data: bytes) -> int:
        if threading.current_thread() is self._client._thread:  # noqa: SLF001
            return 0
        return self._sock.send(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class BufferedClient(mqtt.Client):
    """paho Client whose socket is a BufferedSocket and which decodes a batch of packets per loop turn."""

    @property  # type: ignore[override]
    def _sockpairW(self) -> Any:  # noqa: N802 - paho's attribute name
        return self.__dict__.get("_wake")

    @_sockpairW.setter
    def _sockpairW(self, sock: Any) -> None:  # noqa: N802
        self.__dict__["_wake"] = None if sock is None else LoopWake(sock, self)

    _draining = False
    read_paused: Callable[[], bool] | None = None  # while it says True, nothing more is read (back-pressure)
    PAUSE_POLL_S = 0.02

    def ack_many(self, mids: Iterable[int]) -> None:
        """Acknowledge (PUBACK) QoS 1 messages received with manual acknowledgement, in one queued packet."""
        data = b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids)
        if data and self._sock is not None:
            self._packet_queue(PUBACK, data, 0, 0)

    def close_gracefully(self, timeout_s: float = 5.0) -> None:
        """Stop reading, let the loop send every queued acknowledgement, then disconnect and stop the loop."""
        self._draining = True
        deadline = time.monotonic() + timeout_s
        while self._out_packet and self.is_connected() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.disconnect()
        self.loop_stop()
        self._draining = False

    def _create_socket(self) -> Any:
        return BufferedSocket(super()._create_socket())

    def _packet_write(self) -> MQTTErrorCode:
        self._coalesce_acks()
        return super()._packet_write()

    def _coalesce_acks(self) -> None:
        """Join the unsent acknowledgements at the head of the queue into one packet: one `send` for a turn's
        PUBACKs instead of one each. Only the loop thread takes from the left; publishers append on the right."""
        out = self._out_packet
        if len(out) < 2:
            return
        parts: list[bytes] = []
        while out:
            packet = out.popleft()
            if packet["command"] & 0xF0 != PUBACK or packet["pos"] != 0:
                out.appendleft(packet)
                break
            parts.append(packet["packet"])
        if len(parts) == 1:
            out.appendleft(_ack_packet(parts[0]))
        elif parts:
            out.appendleft(_ack_packet(b"".join(parts)))

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        if self._sock is None:
            return MQTTErrorCode.MQTT_ERR_NO_CONN
        if self.read_paused is not None and self.read_paused():
            time.sleep(self.PAUSE_POLL_S)  # the loop still sends acknowledgements and keep-alive pings meanwhile
            return MQTTErrorCode.MQTT_ERR_SUCCESS
        for _ in range(PACKETS_PER_TURN):
            if self._sock is None:
                return MQTTErrorCode.MQTT_ERR_NO_CONN
            if self._draining or self._state == _ConnectionState.MQTT_CS_DISCONNECTING:
                break  # read nothing more: an acknowledgement queued now might never be sent
            rc = self._packet_read()
            if rc > 0:
                return self._loop_rc_handle(rc)
            if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                break
        return MQTTErrorCode.MQTT_ERR_SUCCESS
