"""RTSP through PyAV (FFmpeg inside its wheel): one connection both decodes the frames for analysis and hands
the compressed H.264 packets to a ring, so that event clips are cut from the stream without re-encoding. While
`key_frames_only` is set (nothing moves), the decoder skips every other picture (FFmpeg `skip_frame=NONKEY`): the
packets still all reach the ring, so a clip keeps its full pre-roll. Back to every picture at the next key frame
(a picture between two key frames cannot be decoded without the ones before it)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

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

    def __init__(self, url: str, ring: PacketRing | None = None, stop: threading.Event | None = None) -> None:
        self.url, self.ring, self.stop = url, ring, stop
        self.fps = 15.0
        self.key_frames_only = False  # asked by the reader; applied at the next key frame when turned off
        self.skipping = False  # what the decoder does now
        self.packets = self.decoded = 0  # video packets read, pictures decoded (since this source opened)
        self.last_packet_ts = 0.0  # the watchdog's sign of life while key frames are seconds apart
        self._container: av.container.InputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._demux: Iterator[av.Packet[Any]] | None = None
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
        self._demux = container.demux(stream)
        if self.ring is not None:
            self.ring.start(stream)
        return True

    def grab(self) -> bool:
        """Read packets until one decodes into a picture; False when the stream ends or fails."""
        if self._demux is None or self._stream is None:
            return False
        try:
            for packet in self._demux:
                if self.stop is not None and self.stop.is_set():  # while skipping, a picture can be a GOP away
                    return False
                if packet.dts is None:
                    continue
                self.packets += 1
                self.last_packet_ts = time.time()
                if self.ring is not None:
                    self.ring.push(self.last_packet_ts, packet)
                self._choose_decoding(packet.is_keyframe)
                if self.skipping and not packet.is_keyframe:
                    continue  # the decoder would drop it (skip_frame): not even handed to it
                frames = packet.decode()
                if frames:
                    self.decoded += len(frames)
                    self._frame = frames[-1]
                    return True
        except (av.FFmpegError, OSError) as exc:
            log.info("camera stream %s ended (%s)", mask_url(self.url), type(exc).__name__)
        return False

    def _choose_decoding(self, key_frame: bool) -> None:
        """Skip pictures at once when asked; decode them all again only from a key frame on."""
        skip = self.key_frames_only
        if skip == self.skipping or (not skip and not key_frame):
            return
        assert self._stream is not None
        self._stream.codec_context.skip_frame = "NONKEY" if skip else "DEFAULT"
        self.skipping = skip

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
        self._container = self._stream = self._demux = self._frame = None
        self.skipping = False
