"""The main stream of a camera that is analysed from its sub-stream (`detect_url`): a thread that only demuxes it
(never decodes) and hands its packets to the clip ring and the continuous recording, reconnecting with backoff."""

from __future__ import annotations

import logging
import threading
import time

import av

from camera.av_source import OPEN_TIMEOUT_S, OPTIONS, READ_TIMEOUT_S
from camera.reader import BACKOFF_S
from camera.recording import PacketRing
from camera.urls import mask_url

log = logging.getLogger(__name__)


class MainStreamTap:
    """Copies the packets of `url` into `ring` until `stop` is set; `packets` counts them."""

    def __init__(self, camera_id: str, url: str, ring: PacketRing, stop: threading.Event) -> None:
        self.camera_id, self.url, self.ring, self.stop = camera_id, url, ring, stop
        self.packets = 0
        self.connected = False
        self._thread = threading.Thread(target=self._run, name=f"camera-main-{camera_id}", daemon=True)

    def start(self) -> MainStreamTap:
        self._thread.start()
        return self

    def join(self, timeout_s: float) -> None:
        self._thread.join(timeout_s)

    def _run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            if self._copy():
                failures = 0
            if self.stop.is_set():
                break
            if failures == 0:
                log.warning("camera %s: main stream %s lost, reconnecting", self.camera_id, mask_url(self.url))
            self.stop.wait(BACKOFF_S[min(failures, len(BACKOFF_S) - 1)])
            failures += 1

    def _copy(self) -> bool:
        """One connection: packets into the ring until it fails or stop; whether any packet came."""
        try:
            container = av.open(self.url, options=OPTIONS, timeout=(OPEN_TIMEOUT_S, READ_TIMEOUT_S))
        except (av.FFmpegError, OSError) as exc:
            log.info("cannot open main stream %s (%s)", mask_url(self.url), type(exc).__name__)
            return False
        got_any = False
        try:
            if not container.streams.video:
                return False
            stream = container.streams.video[0]
            self.ring.start(stream)
            self.connected = True
            for packet in container.demux(stream):
                if self.stop.is_set():
                    break
                if packet.dts is None:
                    continue
                self.ring.push(time.time(), packet)
                self.packets += 1
                got_any = True
        except (av.FFmpegError, OSError) as exc:
            log.info("camera %s: main stream ended (%s)", self.camera_id, type(exc).__name__)
        finally:
            self.connected = False
            container.close()
        return got_any
