"""RTSP through PyAV (FFmpeg inside its wheel): one connection both decodes the frames for analysis and hands
the compressed H.264 packets to a ring, so that event clips are cut from the stream without re-encoding."""

from __future__ import annotations

import logging
import time

import av
import cv2
import numpy as np

from camera.recording import PacketRing
from camera.urls import mask_url

log = logging.getLogger(__name__)

OPTIONS = {
    "rtsp_transport": "tcp",
    "stimeout": "4000000",  # µs: a dead camera must not hold the reader long
    "analyzeduration": "500000",
    "probesize": "100000",
    "fflags": "nobuffer",
    "flags": "low_delay",
}
OPEN_TIMEOUT_S, READ_TIMEOUT_S = 4.0, 5.0


class AvSource:
    """A live RTSP camera: `grab()` demuxes and decodes the next picture (packets go to the ring on the way),
    `retrieve()` converts the last decoded picture to BGR."""

    live = True

    def __init__(self, url: str, ring: PacketRing | None = None) -> None:
        self.url, self.ring = url, ring
        self.fps = 15.0
        self._container: av.container.InputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._packets = None
        self._frame: av.VideoFrame | None = None

    def open(self) -> bool:
        try:
            container = av.open(self.url, options=OPTIONS, timeout=(OPEN_TIMEOUT_S, READ_TIMEOUT_S))
        except (av.FFmpegError, OSError) as exc:
            log.info("cannot open %s (%s)", mask_url(self.url), type(exc).__name__)
            return False
        if not container.streams.video:
            container.close()
            return False
        stream = container.streams.video[0]
        stream.codec_context.thread_count = 1  # one worker runs many cameras
        rate = stream.average_rate or stream.guessed_rate
        self.fps = float(rate) if rate and 0 < float(rate) <= 120 else 15.0
        self._container, self._stream = container, stream
        self._packets = container.demux(stream)
        if self.ring is not None:
            self.ring.start(stream)
        return True

    def grab(self) -> bool:
        """Read packets until one decodes into a picture; False when the stream ends or fails."""
        if self._packets is None:
            return False
        try:
            for packet in self._packets:
                if packet.dts is None:
                    continue
                if self.ring is not None:
                    self.ring.push(time.time(), packet)
                frames = packet.decode()
                if frames:
                    self._frame = frames[-1]
                    return True
        except (av.FFmpegError, OSError) as exc:
            log.info("camera stream %s ended (%s)", mask_url(self.url), type(exc).__name__)
        return False

    def retrieve(self) -> np.ndarray | None:
        """The picture as BGR; from the usual yuv420p OpenCV converts about 3 times faster than swscale."""
        frame = self._frame
        if frame is None:
            return None
        if frame.format.name == "yuv420p" and frame.width % 2 == 0 and frame.height % 2 == 0:
            return cv2.cvtColor(frame.to_ndarray(format="yuv420p"), cv2.COLOR_YUV2BGR_I420)
        return frame.to_ndarray(format="bgr24")

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = self._stream = self._packets = self._frame = None
