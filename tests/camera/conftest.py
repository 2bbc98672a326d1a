"""Camera fixtures: a real GStreamer RTSP server (system Python with gi) on a free port."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import free_port, terminate

HELPER = Path(__file__).resolve().parent.parent / "rtsp_server.py"
SYSTEM_PYTHON = "/usr/bin/python3"


@dataclass
class RtspServer:
    """tests/rtsp_server.py in a subprocess: 640x360 H.264 at 15 fps, a ball moving in the right half."""

    user: str | None = None
    password: str | None = None
    port: int = field(default_factory=free_port)
    mount: str = "/cam"
    extra: tuple[str, ...] = ()  # e.g. ("--scene", "ball") or ("--frames", folder, "--fps", "10")
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}{self.mount}"

    def start(self, timeout_s: float = 20.0) -> RtspServer:
        args = [SYSTEM_PYTHON, str(HELPER), str(self.port), "--mount", self.mount, *self.extra]
        if self.user:
            args += ["--user", self.user, "--password", self.password or ""]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + timeout_s
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("READY") or time.monotonic() > deadline:
            self.stop()
            raise RuntimeError(f"RTSP test server did not start: {line.strip()!r}")
        return self

    def stop(self) -> None:
        terminate(self.process, 5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def rtsp_server() -> Iterator[RtspServer]:
    """A real RTSP server that asks for a user name and password (user / secret-cam-pw)."""
    server = RtspServer(user="user", password="secret-cam-pw").start()
    yield server
    server.stop()
