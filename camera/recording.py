"""Event clips: a ring of the last seconds of a camera (compressed H.264 packets from an RTSP camera, or the
analysed pictures of a source without packets such as a synthetic scene), and the MP4 clip of each event cut
from it with a pre- and post-roll: packets are remuxed (no re-encoding); pictures are encoded (H.264)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

log = logging.getLogger(__name__)


class PacketRing:
    """The last `keep_s` seconds of compressed packets of one stream, with their wall-clock arrival times.
    The reader thread pushes; the analysis thread cuts clips."""

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self.stream: Any = None  # the input stream the packets belong to (the clip's template)
        self._packets: deque[tuple[float, av.Packet]] = deque()
        self._lock = threading.Lock()
        self.recorder: SegmentRecorder | None = None  # continuous recording, fed with every packet

    def start(self, stream: Any) -> None:
        """A new connection: packets of the old one cannot be mixed with it."""
        with self._lock:
            self.stream = stream
            self._packets.clear()
        if self.recorder is not None:
            self.recorder.start(stream)

    def push(self, ts: float, packet: av.Packet) -> None:
        with self._lock:
            self._packets.append((ts, packet))
            while self._packets and ts - self._packets[0][0] > self.keep_s:
                self._packets.popleft()
        if self.recorder is not None:
            try:
                self.recorder.write(ts, packet)
            except (av.FFmpegError, OSError):
                log.exception("camera recording failed; the segment is dropped")
                self.recorder.close()

    def cut(self, start_ts: float, end_ts: float) -> tuple[Any, list[av.Packet]]:
        """The packets from the last keyframe at or before `start_ts` (else the first keyframe after it) up to
        `end_ts`, and their stream."""
        with self._lock:
            packets = [(ts, p) for ts, p in self._packets if ts <= end_ts]
            stream = self.stream
        keys = [i for i, (ts, p) in enumerate(packets) if p.is_keyframe]
        before = [i for i in keys if packets[i][0] <= start_ts]
        first = before[-1] if before else next(iter(keys), None)
        return stream, [] if first is None else [p for _, p in packets[first:]]

    def arrival(self, packet: av.Packet) -> float | None:
        """When a packet of the ring arrived (epoch seconds)."""
        with self._lock:
            return next((ts for ts, p in self._packets if p is packet), None)

    def __len__(self) -> int:
        return len(self._packets)


class FrameRing:
    """The last `keep_s` seconds of analysed pictures, for sources without compressed packets, kept as JPEG
    (a 640×360 picture is 0.7 MB raw, about 40 kB as JPEG: 31 demo cameras stay within tens of MB)."""

    def __init__(self, keep_s: float, quality: int = 85) -> None:
        self.keep_s, self.quality = keep_s, quality
        self._frames: deque[tuple[float, bytes]] = deque()

    def push(self, ts: float, image: np.ndarray) -> None:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            return
        self._frames.append((ts, data.tobytes()))
        while self._frames and ts - self._frames[0][0] > self.keep_s:
            self._frames.popleft()

    def cut(self, start_ts: float, end_ts: float) -> list[tuple[float, np.ndarray]]:
        return [
            (ts, cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR))
            for ts, jpeg in self._frames
            if start_ts <= ts <= end_ts
        ]


def clip_comment(start_ts: float, event_ts: float) -> str:
    """The MP4 `comment` tag: wall-clock (epoch seconds) of the clip's first picture and of the event."""
    return f"coc start_ts={start_ts:.3f} event_ts={event_ts:.3f}"


def copied(packet: av.Packet, base_dts: int, time_base: Any) -> av.Packet:
    """A copy of a packet with timestamps shifted by `base_dts` (the ring's packets are never changed: the reader
    thread and the clip writer share them)."""
    out = av.Packet(bytes(packet))
    out.pts, out.dts = packet.pts - base_dts, packet.dts - base_dts
    out.time_base, out.is_keyframe = time_base, packet.is_keyframe
    return out


def write_remuxed(path: Path, stream: Any, packets: list[av.Packet], comment: str = "") -> int:
    """Packets copied into an MP4 (timestamps start at 0); returns how many."""
    tmp = path.with_name(f".{path.name}.tmp")
    written = 0
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        out.metadata["comment"] = comment
        target = out.add_stream_from_template(stream)
        base = packets[0].dts
        last_dts = None
        for packet in packets:
            if packet.dts is None or packet.pts is None or (last_dts is not None and packet.dts - base <= last_dts):
                continue
            last_dts = packet.dts - base
            copy = copied(packet, base, stream.time_base)
            copy.stream = target
            out.mux(copy)
            written += 1
    tmp.replace(path)
    return written


class SegmentRecorder:
    """Continuous recording of one camera: its packets copied into MP4 segments of about `segment_s` seconds,
    each started on a keyframe, written as `.part` and renamed when complete. Fed by the reader thread."""

    def __init__(self, root: Path, camera_id: str, segment_s: float) -> None:
        self.root, self.camera_id, self.segment_s = Path(root), camera_id, segment_s
        self.stream: Any = None
        self.segments = 0
        self._out: Any = None
        self._target: Any = None
        self._path: Path | None = None
        self._started = 0.0
        self._base = 0
        self._last_dts: int | None = None

    def start(self, stream: Any) -> None:
        self.close()
        self.stream = stream

    def write(self, ts: float, packet: av.Packet) -> None:
        if packet.dts is None or packet.pts is None or self.stream is None:
            return
        if packet.is_keyframe and (self._out is None or ts - self._started >= self.segment_s):
            self._open(ts, packet)
        if self._out is None or (self._last_dts is not None and packet.dts - self._base <= self._last_dts):
            return
        self._last_dts = packet.dts - self._base
        copy = copied(packet, self._base, self.stream.time_base)
        copy.stream = self._target
        self._out.mux(copy)

    def _open(self, ts: float, packet: av.Packet) -> None:
        self.close()
        when = datetime.fromtimestamp(ts, UTC)
        self._path = self.root / self.camera_id / f"{when:%Y-%m-%d}" / f"{self.camera_id}-{when:%Y%m%dT%H%M%SZ}.mp4"
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._out = av.open(str(self._path.with_suffix(".mp4.part")), "w", format="mp4")
        self._target = self._out.add_stream_from_template(self.stream)
        self._started, self._base, self._last_dts = ts, packet.dts, None

    def close(self) -> None:
        """Finish the segment being written (its MP4 index is written at the end)."""
        if self._out is None:
            return
        try:
            self._out.close()
            self._path.with_suffix(".mp4.part").replace(self._path)
            self.segments += 1
        except (av.FFmpegError, OSError):
            log.exception("recording segment %s could not be finished", self._path)
        self._out = self._target = None


def write_encoded(path: Path, frames: list[tuple[float, np.ndarray]], comment: str = "") -> int:
    """Pictures encoded as H.264 (yuv420p, plays in browsers) at their own times; returns how many."""
    tmp = path.with_name(f".{path.name}.tmp")
    h, w = frames[0][1].shape[:2]
    t0 = frames[0][0]
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        out.metadata["comment"] = comment
        stream = out.add_stream("libx264", rate=30, options={"preset": "veryfast", "tune": "zerolatency"})
        stream.width, stream.height, stream.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        last = -1
        for ts, image in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[: h - h % 2, : w - w % 2]), format="bgr24")
            frame.pts = max(last + 1, int((ts - t0) * 1000))
            frame.time_base = Fraction(1, 1000)
            last = frame.pts
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    tmp.replace(path)
    return len(frames)


@dataclass(frozen=True, slots=True)
class PendingClip:
    """A clip to write once its post-roll has passed."""

    relative: str
    start_ts: float
    end_ts: float
    event_ts: float


class ClipRecorder:
    """One camera's clips: `schedule` at an event's start, `write_due` from the analysis loop."""

    def __init__(self, root: Path, pre_roll_s: float, post_roll_s: float, packets: PacketRing, frames: FrameRing):
        self.root, self.pre_roll_s, self.post_roll_s = Path(root), pre_roll_s, post_roll_s
        self.packets, self.frames = packets, frames
        self.pending: list[PendingClip] = []
        self.written = 0

    def schedule(self, relative: str, event_ts: float) -> None:
        self.pending.append(PendingClip(relative, event_ts - self.pre_roll_s, event_ts + self.post_roll_s, event_ts))

    def write_due(self, now: float) -> list[str]:
        """Write every clip whose post-roll is over; return their relative paths."""
        done = []
        for clip in [c for c in self.pending if c.end_ts <= now]:
            self.pending.remove(clip)
            try:
                if self._write(clip):
                    done.append(clip.relative)
            except (av.FFmpegError, OSError, ValueError):
                log.exception("clip %s could not be written", clip.relative)
        return done

    def _write(self, clip: PendingClip) -> bool:
        path = self.root / clip.relative
        path.parent.mkdir(parents=True, exist_ok=True)
        stream, packets = self.packets.cut(clip.start_ts, clip.end_ts)
        if stream is not None and packets:
            self.written += 1
            first = self.packets.arrival(packets[0]) or clip.start_ts
            return write_remuxed(path, stream, packets, clip_comment(first, clip.event_ts)) > 0
        frames = self.frames.cut(clip.start_ts, clip.end_ts)
        if len(frames) >= 2:  # a synthetic or file source: no packets to copy, so the pictures are encoded
            self.written += 1
            return write_encoded(path, frames, clip_comment(frames[0][0], clip.event_ts)) > 0
        return False
