"""One camera inside a worker process: its reader, its analysis at the configured rate, the offline watchdog,
snapshots of new events, and the latest frame and status left in the runtime directory for the web process.

A camera with a sub-stream (`detect_url`) is read and analysed from it, while its main stream is only demuxed
into the clip ring (camera/main_stream.py). While nothing moves and nobody watches it live, the reader decodes key
frames only; motion (or an intrusion or motion event still open) brings every picture back from the next key
frame, at the analysis rate."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

from camera.analysis import CameraAnalyzer
from camera.lifecycle import Timing
from camera.main_stream import MainStreamTap
from camera.models import CameraEvent, EventPhase, EventType
from camera.publisher import EventPublisher
from camera.reader import CameraReader, Frame
from camera.recording import ClipRecorder, FrameRing, PacketRing, SegmentRecorder
from camera.runtime import CameraStatus, RuntimeDir
from camera.settings import CameraConfig, CameraSystemConfig
from camera.snapshots import annotate, encode_jpeg, save_snapshot, snapshot_path
from camera.sources import open_source
from camera.urls import SourceKind, mask_url, source_kind

log = logging.getLogger(__name__)

IDLE_LIVE_EVERY_S = 2.0  # latest.jpg refresh when nobody watches live
STATUS_EVERY_S = 2.0
CLIPPED = (EventType.INTRUSION, EventType.TAMPER, EventType.MOTION)
BUSY = (EventType.INTRUSION, EventType.MOTION)  # while one of these is open, every picture is decoded
OFFLINE = Timing(start_after_s=0.0, end_after_s=0.0, update_every_s=3600.0)


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class CameraRunner:
    """Drives one camera; `tick()` is called often by the worker's loop and does what is due."""

    def __init__(
        self,
        camera: CameraConfig,
        system: CameraSystemConfig,
        timezone: str,
        runtime: RuntimeDir,
        publisher: EventPublisher,
        stop: threading.Event,
    ) -> None:
        self.camera, self.system, self.runtime, self.publisher = camera, system, runtime, publisher
        self.analyzer = CameraAnalyzer(camera, system, timezone)
        keep_s = system.clip_pre_roll_s + system.clip_post_roll_s + 3
        self.packets, self.pictures = PacketRing(keep_s), FrameRing(keep_s)
        if camera.record:
            self.packets.recorder = SegmentRecorder(system.record_dir, camera.id, system.record_segment_s)
        self.clips = (
            ClipRecorder(system.clip_dir, system.clip_pre_roll_s, system.clip_post_roll_s, self.packets, self.pictures)
            if system.clips
            else None
        )
        keep_packets = bool(self.clips or camera.record)
        sub_stream = camera.detect_url is not None
        self.reader = CameraReader(
            camera.id,
            camera.detect_url or camera.url,
            self._want_fps,
            stop,
            lambda url: open_source(url, self.packets if keep_packets and not sub_stream else None, stop),
        )
        self.main: MainStreamTap | None = None
        if sub_stream and keep_packets and source_kind(camera.url) is SourceKind.RTSP:
            self.main = MainStreamTap(camera.id, camera.url, self.packets, stop)
        self.period_s = 1.0 / camera.fps
        self.online: bool | None = None
        self.started = time.time()
        self.next_analysis = self.started
        self.analysed_seq = 0
        self.analysed = 0
        self.lag_s: float | None = None
        self.watched = False
        self.live_at = self.live_seq = 0
        self.status_at = 0.0
        self._status_counts = (0, 0, self.started)
        self.size: tuple[int, int] | None = None
        self.moved_at = self.started  # every picture is decoded for `idle_after_s` after start (the warm-up)

    def _want_fps(self) -> float:
        return self.camera.fps + (self.system.live_fps if self.watched else 1.0 / IDLE_LIVE_EVERY_S)

    def start(self) -> None:
        self.reader.start()
        if self.main is not None:
            self.main.start()

    def join(self, timeout_s: float) -> None:
        """Wait for the reader (and the main stream's tap) to end, once the stop event is set."""
        deadline = time.monotonic() + timeout_s
        self.reader.join(timeout_s)
        if self.main is not None:
            self.main.join(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        """After the reader has stopped: finish the recording segment being written."""
        if self.packets.recorder is not None:
            self.packets.recorder.close()

    def tick(self, now: float) -> None:
        self._watchdog(now)
        if now >= self.next_analysis:
            self._analyse(now)
        if self.clips is not None and self.clips.pending:
            for relative in self.clips.write_due(now):
                log.info("camera %s: clip %s written", self.camera.id, relative)
        if now - self.live_at >= (1.0 / self.system.live_fps if self.watched else IDLE_LIVE_EVERY_S):
            self._write_live(now)
        if now - self.status_at >= STATUS_EVERY_S:
            self.watched = self.runtime.watched(self.camera.id)
            if self.watched:
                self.reader.idle = False  # a live view wants every picture now, not at the next analysis
            self._write_status(now)

    def _watchdog(self, now: float) -> None:
        last = max(self.reader.counters.last_grab_ts, self.reader.last_packet_ts())
        silent = now - (last or self.started) >= self.system.offline_after_s
        event = self.analyzer.tracker.observe((EventType.OFFLINE, None), silent, 1.0, utc(now), OFFLINE)
        if event:
            self._emit(event, None)
        if silent and self.online is not False:
            self.online = False
            log.warning("camera %s: offline (no frame for %.0f s)", self.camera.id, now - (last or self.started))
            self.publisher.publish_status(self.camera.id, False)
        elif last and not silent and self.online is not True:
            self.online = True
            log.info("camera %s: online", self.camera.id)
            self.publisher.publish_status(self.camera.id, True)
            self._emit(
                CameraEvent(
                    self.camera.id,
                    utc(now),
                    EventType.ONLINE,
                    f"{self.camera.id}-online-{int(now * 1000)}",
                    EventPhase.START,
                    None,
                    1.0,
                ),
                None,
            )

    def _analyse(self, now: float) -> None:
        frame = self.reader.take(self.analysed_seq)
        if frame is None:
            return
        self.analysed_seq = frame.seq
        self.size = (frame.image.shape[1], frame.image.shape[0])
        result = self.analyzer.analyse(frame.image, utc(frame.ts))
        if self.clips is not None and self.packets.stream is None:  # no packets to copy: keep the pictures
            self.pictures.push(frame.ts, frame.image)
        for event in result.events:
            self._emit(event, frame, result.motion)
        self._choose_decoding(now, bool(result.motion.blobs))
        self.analysed += 1
        self.lag_s = time.time() - frame.ts
        self.next_analysis += self.period_s
        if self.next_analysis < now:  # fell behind: skip ahead, never run faster than configured
            self.next_analysis = now + self.period_s

    def _choose_decoding(self, now: float, moving: bool) -> None:
        """Key frames only once nothing has moved for `idle_after_s`, nobody watches live and no intrusion or
        motion event is open; every picture otherwise."""
        if moving or any(e.type in BUSY for e in self.analyzer.tracker.active()):
            self.moved_at = now
        self.reader.idle = (
            self.system.idle_key_frames and not self.watched and now - self.moved_at >= self.system.idle_after_s
        )

    def _emit(self, event: CameraEvent, frame: Frame | None, motion=None) -> None:  # noqa: ANN001
        if event.phase is EventPhase.START and frame is not None:
            relative = snapshot_path(self.camera.id, event.event_id, event.ts)
            seen = [(o.kind.value, o.blob) for o in self.analyzer.objects]
            image = annotate(frame.image, self.camera.zones, motion, seen)
            save_snapshot(self.system.snapshot_dir, relative, encode_jpeg(image))
            event = replace(event, snapshot=relative)
            if self.clips is not None and event.type in CLIPPED:
                clip = relative.removesuffix(".jpg") + ".mp4"
                self.clips.schedule(clip, frame.ts)
                event = replace(event, clip=clip)
        log.info(
            "camera %s: %s %s%s",
            self.camera.id,
            event.type.value,
            event.phase.value,
            f" ({event.zone})" if event.zone else "",
        )
        self.publisher.publish_event(event)
        self.runtime.append_event(event)

    def _write_live(self, now: float) -> None:
        frame = self.reader.latest()
        self.live_at = now
        if frame is not None and frame.seq != self.live_seq:
            self.live_seq = frame.seq
            self.runtime.write_latest(self.camera.id, encode_jpeg(frame.image, 75))

    def _write_status(self, now: float) -> None:
        c = self.reader.counters
        grabbed0, analysed0, t0 = self._status_counts
        dt = max(now - t0, 1e-3)
        self._status_counts = (c.grabbed, self.analysed, now)
        self.status_at = now
        self.runtime.write_status(
            CameraStatus(
                id=self.camera.id,
                url=mask_url(self.camera.url),
                online=self.online,
                last_frame_ts=c.last_grab_ts or None,
                fps=round((c.grabbed - grabbed0) / dt, 2),
                analysis_fps=round((self.analysed - analysed0) / dt, 2),
                lag_s=None if self.lag_s is None else round(self.lag_s, 3),
                reconnects=c.reconnects,
                dropped=c.dropped,
                width=self.size[0] if self.size else None,
                height=self.size[1] if self.size else None,
                updated_ts=now,
                frames_total=c.grabbed,
                analysed_total=self.analysed,
                packets_total=c.packets + (self.main.packets if self.main is not None else 0),
                key_frames_only=self.reader.idle,
            )
        )
