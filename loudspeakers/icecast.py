"""An Icecast source client: an Ogg stream sent with HTTP PUT to a mount (Icecast 2.4), paced at the audio's own
rate so listeners hear it live, stoppable between chunks (an emergency interrupts a programme)."""

from __future__ import annotations

import base64
import socket
import threading
import time
from urllib.parse import urlsplit

CHUNK_BYTES = 4096


class IcecastError(RuntimeError):
    """The server refused the source (wrong password, mount in use) or could not be reached."""


def put_stream(url: str, mount: str, user: str, password: str, data: bytes, duration_s: float,
               stop: threading.Event | None = None, timeout_s: float = 10) -> bool:
    """Send `data` (Ogg, `duration_s` long) to `mount` at real-time pace; False when `stop` cut it short."""
    parts = urlsplit(url)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    head = (f"PUT {mount} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nAuthorization: Basic {auth}\r\n"
            "Content-Type: application/ogg\r\nIce-Public: 0\r\nIce-Name: COC\r\nExpect: 100-continue\r\n\r\n")
    try:
        sock = socket.create_connection((parts.hostname, parts.port or 8000), timeout=timeout_s)
    except OSError as exc:
        raise IcecastError(f"Icecast at {parts.hostname}:{parts.port} unreachable: {exc}") from exc
    with sock:
        sock.sendall(head.encode())
        answer = sock.recv(1024).decode(errors="replace")
        if " 100 " not in answer.split("\r\n", 1)[0] and " 200 " not in answer.split("\r\n", 1)[0]:
            raise IcecastError(f"Icecast refused {mount}: {answer.splitlines()[0] if answer else 'no answer'}")
        rate = len(data) / max(duration_s, 0.1)  # bytes per second of audio
        started = time.monotonic()
        for offset in range(0, len(data), CHUNK_BYTES):
            if stop is not None and stop.is_set():
                return False
            sock.sendall(data[offset:offset + CHUNK_BYTES])
            ahead = (offset + CHUNK_BYTES) / rate - (time.monotonic() - started)
            if ahead > 0.5:  # keep at most half a second ahead of the listeners
                if stop is not None and stop.wait(ahead - 0.5):
                    return False
                if stop is None:
                    time.sleep(ahead - 0.5)
        remaining = len(data) / rate - (time.monotonic() - started)
        if remaining > 0 and stop is not None and stop.wait(remaining):
            return False
    return True
