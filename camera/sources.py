"""Frame sources: RTSP and HTTP MJPEG through OpenCV's FFmpeg backend, looping video files, synthetic scenes.

Every source splits reading a frame into `grab()` (receive and decode, cheap to skip converting) and
`retrieve()` (the BGR image), so a reader decodes the stream but converts only the frames it needs."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

import cv2
import numpy as np

from camera.recording import PacketRing
from camera.synthetic import SceneParams, SyntheticScene
from camera.urls import SourceKind, mask_url, source_kind, synthetic_params

log = logging.getLogger(__name__)

OPEN_TIMEOUT_MS = 4000  # opens are serialised inside OpenCV, so a dead camera must not hold others long
READ_TIMEOUT_MS = 5000
FFMPEG_OPTIONS = "rtsp_transport;tcp|analyzeduration;500000|probesize;100000|fflags;nobuffer|flags;low_delay"
_env_lock = threading.Lock()


class FrameSource(Protocol):
    """One camera's stream of frames."""

    live: bool  # True: grab() waits for the camera; False: the reader paces it at `fps`
    fps: float
    key_frames_only: bool  # a hint: decode only key frames (RTSP through PyAV follows it, the others ignore it)
    packets: int  # compressed packets read since open (0 where the source does not see packets)
    last_packet_ts: float  # when the last one arrived (epoch seconds; 0.0: none)

    def open(self) -> bool: ...
    def grab(self) -> bool: ...
    def retrieve(self) -> np.ndarray | None: ...
    def close(self) -> None: ...


class OpenCvSource:
    """rtsp://, http(s):// MJPEG or a video file through OpenCV's FFmpeg backend, with timeouts."""

    def __init__(self, url: str, loop: bool = False, threads: int = 1) -> None:
        self.url, self.loop, self.threads = url, loop, threads
        self.live = not loop
        self.fps = 15.0
        self.key_frames_only = False
        self.packets = 0
        self.last_packet_ts = 0.0
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> bool:
        with _env_lock:  # OpenCV reads the capture options from the environment at open time
            os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", FFMPEG_OPTIONS)
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            OPEN_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            READ_TIMEOUT_MS,
            cv2.CAP_PROP_N_THREADS,
            self.threads,
        ]
        cap = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            cap.release()
            log.info("cannot open %s", mask_url(self.url))
            return False
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 0 < fps <= 120 else 15.0
        self._cap = cap
        return True

    def grab(self) -> bool:
        if self._cap is None:
            return False
        if self._cap.grab():
            return True
        if self.loop:  # a drill video: start again from the beginning
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            return self._cap.grab()
        return False

    def retrieve(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, frame = self._cap.retrieve()
        return frame if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class SyntheticSource:
    """A synthetic scene; frames are drawn only when retrieved. Silent during its dropout episodes."""

    live = False
    key_frames_only = False
    packets = 0
    last_packet_ts = 0.0

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.params = SceneParams.from_query(synthetic_params(url))
        self.fps = self.params.fps
        self.clock = clock
        self._scene: SyntheticScene | None = None

    def open(self) -> bool:
        if self._scene is None:
            self._scene = SyntheticScene(self.params)
        return not self._scene.silent(self.clock())

    def grab(self) -> bool:
        return self._scene is not None and not self._scene.silent(self.clock())

    def retrieve(self) -> np.ndarray | None:
        return None if self._scene is None else self._scene.frame(self.clock())

    def close(self) -> None:
        pass


def open_source(url: str, ring: PacketRing | None = None, stop: threading.Event | None = None) -> FrameSource:
    """The source for a camera URL (not yet opened); RTSP goes through PyAV, which also fills the packet ring
    that event clips are cut from (and stops reading within a packet once `stop` is set)."""
    kind = source_kind(url)
    if kind is SourceKind.RTSP:
        from camera.av_source import AvSource

        return AvSource(url, ring, stop)
    if kind is SourceKind.SYNTHETIC:
        return SyntheticSource(url)
    if kind is SourceKind.FILE:
        return OpenCvSource(url.removeprefix("file://"), loop=True)
    return OpenCvSource(url)
