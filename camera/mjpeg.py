"""Live MJPEG for the web process: one broadcaster per watched camera reads the worker's latest frame at the
live rate and shares each JPEG with every viewer (one encoder per camera, however many viewers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from camera.runtime import RuntimeDir

BOUNDARY = "cocframe"
IDLE_STOP_S = 10.0  # a broadcaster with no viewer for this long stops
WATCH_EVERY_S = 2.0  # how often the broadcaster tells the worker someone watches


def multipart_chunk(jpeg: bytes) -> bytes:
    """One part of a multipart/x-mixed-replace stream."""
    head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
    return head + jpeg + b"\r\n"


class Broadcaster:
    """Polls one camera's latest.jpg and wakes all viewers when it changes."""

    def __init__(self, runtime: RuntimeDir, camera_id: str, fps: float) -> None:
        self.runtime, self.camera_id, self.period_s = runtime, camera_id, 1.0 / fps
        self._cond = threading.Condition()
        self._jpeg: bytes | None = None
        self._seq = 0
        self.viewers = 0
        self.reads = 0
        self._last_viewer = time.monotonic()
        self._thread: threading.Thread | None = None

    def ensure_running(self) -> None:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._last_viewer = time.monotonic()
                self._thread = threading.Thread(target=self._run, name=f"mjpeg-{self.camera_id}", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        mtime, watched_at = 0.0, 0.0
        while True:
            now = time.monotonic()
            with self._cond:
                if self.viewers == 0 and now - self._last_viewer > IDLE_STOP_S:
                    self._thread = None
                    return
            if now - watched_at >= WATCH_EVERY_S:
                self.runtime.touch_watch(self.camera_id)
                watched_at = now
            latest = self.runtime.read_latest(self.camera_id)
            if latest is not None and latest[1] != mtime:
                mtime = latest[1]
                self.reads += 1
                with self._cond:
                    self._jpeg, self._seq = latest[0], self._seq + 1
                    self._cond.notify_all()
            time.sleep(self.period_s)

    def frames(self, timeout_s: float = 15.0) -> Iterator[bytes]:
        """JPEGs for one viewer, each new frame once; ends when no frame comes for `timeout_s`."""
        self.ensure_running()
        with self._cond:
            self.viewers += 1
        seen = 0
        try:
            while True:
                with self._cond:
                    if not self._cond.wait_for(
                        lambda seen=seen: self._seq != seen and self._jpeg is not None, timeout_s
                    ):
                        return
                    seen, jpeg = self._seq, self._jpeg
                yield jpeg
        finally:
            with self._cond:
                self.viewers -= 1
                self._last_viewer = time.monotonic()
