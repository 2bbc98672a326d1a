"""One camera's reader thread: opens its source, reconnects with backoff, decodes every frame (only the key frames
while `idle` is set), converts only the ones wanted, and keeps just the latest (a slot of one; frames never taken
are counted as dropped)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from camera.sources import FrameSource, open_source
from camera.urls import mask_url

log = logging.getLogger(__name__)

BACKOFF_S = (1.0, 2.0, 4.0, 8.0)  # capped so a camera that returns is back within seconds


@dataclass(frozen=True, slots=True)
class Frame:
    """A converted frame, its wall-clock time (epoch seconds) and its sequence number."""

    image: np.ndarray
    ts: float
    seq: int


@dataclass(slots=True)
class ReaderCounters:
    """What a reader has done since it started."""

    grabbed: int = 0  # pictures decoded
    packets: int = 0  # compressed packets read (RTSP), decoded or not
    retrieved: int = 0
    dropped: int = 0
    reconnects: int = 0
    last_grab_ts: float = 0.0
    connected: bool = False


class CameraReader:
    """Reads one camera until `stop` is set; `want_fps()` says how many converted frames a second it needs."""

    def __init__(
        self,
        camera_id: str,
        url: str,
        want_fps: Callable[[], float],
        stop: threading.Event,
        source_factory: Callable[[str], FrameSource] = open_source,
    ) -> None:
        self.camera_id, self.url, self.want_fps, self.stop = camera_id, url, want_fps, stop
        self.source_factory = source_factory
        self.counters = ReaderCounters()
        self._lock = threading.Lock()
        self._latest: Frame | None = None
        self._taken_seq = 0
        self.idle = False  # set by the analysis: nothing moves, key frames are enough
        self._packets_before = 0
        self._source: FrameSource | None = None
        self._thread = threading.Thread(target=self._run, name=f"camera-reader-{camera_id}", daemon=True)

    def start(self) -> CameraReader:
        self._thread.start()
        return self

    def join(self, timeout_s: float) -> None:
        self._thread.join(timeout_s)

    def last_packet_ts(self) -> float:
        """When the current source last read a packet (0.0: none): alive although no picture is decoded between
        two key frames."""
        source = self._source
        return source.last_packet_ts if source is not None else 0.0

    def latest(self) -> Frame | None:
        """The newest converted frame (without taking it)."""
        return self._latest

    def take(self, after_seq: int) -> Frame | None:
        """The newest frame if it is newer than `after_seq`; marks it taken."""
        with self._lock:
            frame = self._latest
            if frame is None or frame.seq <= after_seq:
                return None
            self._taken_seq = frame.seq
            return frame

    def _put(self, image: np.ndarray, ts: float) -> None:
        with self._lock:
            previous = self._latest
            if previous is not None and previous.seq > self._taken_seq:
                self.counters.dropped += 1
            self._latest = Frame(image, ts, (previous.seq if previous else 0) + 1)

    def _run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            source = self._source = self.source_factory(self.url)
            try:
                if source.open():
                    if failures:
                        log.info("camera %s: connected again to %s", self.camera_id, mask_url(self.url))
                    self.counters.connected = True
                    if self._read(source):
                        failures = 0
            except Exception:  # a broken source must not kill the reader
                log.exception("camera %s: reader error", self.camera_id)
            finally:
                source.close()
                self.counters.connected = False
            if self.stop.is_set():
                break
            if failures == 0:
                log.warning("camera %s: no frames from %s, reconnecting", self.camera_id, mask_url(self.url))
            self.counters.reconnects += 1
            self.stop.wait(BACKOFF_S[min(failures, len(BACKOFF_S) - 1)])
            failures += 1

    def _read(self, source: FrameSource) -> bool:
        """Grab until the source fails or stop; return whether any frame came."""
        got_any = False
        last_retrieve = 0.0
        next_tick = time.monotonic()
        while not self.stop.is_set():
            if not source.live:  # files and synthetic scenes are paced here, live cameras by the network
                next_tick += 1.0 / source.fps
                if self.stop.wait(max(0.0, next_tick - time.monotonic())):
                    break
            source.key_frames_only = self.idle
            ok = source.grab()
            self.counters.packets = self._packets_before + source.packets
            if not ok:
                self._packets_before = self.counters.packets
                return got_any
            now = time.time()
            got_any = True
            self.counters.grabbed += 1
            self.counters.last_grab_ts = now
            want = self.want_fps()
            if want > 0 and now - last_retrieve >= 0.95 / want:
                image = source.retrieve()
                if image is not None:
                    last_retrieve = now
                    self.counters.retrieved += 1
                    self._put(image, now)
        return got_any
