"""One camera's analysis: motion, zones and tamper on each analysed frame, turned into lifecycle events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from camera.lifecycle import EventTracker, Timing
from camera.models import CameraEvent, EventType
from camera.motion import MotionParams, MotionResult, detect_motion, prepare
from camera.objects import Dwell, ObjectKind, SeenObject, follow, near, see_objects, travelled
from camera.settings import CameraConfig, CameraSystemConfig
from camera.tamper import (
    SceneReference,
    TamperKind,
    TamperParams,
    TamperVerdict,
    check_tamper,
    make_reference,
)
from camera.zones import ZoneArea, ZoneHit, build_zone, in_schedule, intrusions, zone_hit

WARMUP_FRAMES = 4
REFERENCE_EVERY_S = 120.0
GLOBAL_CHANGE_FRACTION = 0.5  # more of the frame than this changing at once is not an object moving
INTRUSION = Timing(start_after_s=0.4, end_after_s=10.0, update_every_s=30.0)
DEFAULT_MOTION = MotionParams()
DEFAULT_TAMPER = TamperParams()
LOCAL_MOTION_CLEARS = (TamperKind.COVERED, TamperKind.MOVED)  # a covered or moved camera changes all at once
MOTION = Timing(start_after_s=0.4, end_after_s=10.0, update_every_s=60.0)


@dataclass(frozen=True, slots=True)
class Analysis:
    """The outcome of one frame: events to publish and what moved (for drawing snapshots)."""

    events: list[CameraEvent]
    motion: MotionResult


class CameraAnalyzer:
    """One camera's background and scene reference; `analyse` runs at the camera's analysis rate."""

    def __init__(
        self,
        camera: CameraConfig,
        system: CameraSystemConfig,
        timezone: str = "Asia/Ho_Chi_Minh",
        motion: MotionParams = DEFAULT_MOTION,
        tamper: TamperParams = DEFAULT_TAMPER,
    ) -> None:
        self.camera, self.system, self.tz = camera, system, ZoneInfo(timezone)
        self.motion_params, self.tamper_params = motion, tamper
        self.tamper_timing = Timing(system.tamper_after_s, 5.0, 60.0)
        self.tracker = EventTracker(camera.id)
        self.background: np.ndarray | None = None
        self.reference: SceneReference | None = None
        self.reference_ts: datetime | None = None
        self.frames = 0
        self._zones: list[ZoneArea] = []
        self._dwells: dict[str, Dwell] = {}
        self.objects: list[SeenObject] = []  # what the object stage saw in the last frame

    def analyse(self, frame_bgr: np.ndarray, now: datetime) -> Analysis:
        """Analyse one frame taken at `now` (aware UTC)."""
        grey = prepare(frame_bgr, self.system.analysis_width_px)
        if not self._zones or self._zones[0].mask.shape != grey.shape:
            self._zones = [build_zone(z, grey.shape) for z in self.camera.zones]
        self.frames += 1
        verdict = self._verdict(grey, now) if self.camera.tamper else None
        previous = self.background
        background, motion = detect_motion(previous, grey, self.motion_params)
        if verdict is not None and verdict.kind in LOCAL_MOTION_CLEARS and self._moving(motion):
            verdict = None  # an object moves over a still picture (a torch at night): not covered, not moved
        events = self._tamper(verdict, now) if self.camera.tamper else []
        if verdict is not None:  # the view is not the scene: no motion analysis on it
            if any(e.type is EventType.TAMPER for e in self.tracker.active()):
                self.background = grey.astype(np.float32)
            return Analysis(events, MotionResult(np.zeros(grey.shape, np.int32), ()))
        self.background = background
        if not self._moving(motion):
            motion = MotionResult(np.zeros(grey.shape, np.int32), ())
        events += self._intrusions(frame_bgr, grey, previous, motion, now)
        if self.system.publish_motion:
            score = min(1.0, 10 * sum(b.area_fraction for b in motion.blobs))
            events += [
                e for e in [self.tracker.observe((EventType.MOTION, None), bool(motion.blobs), score, now, MOTION)] if e
            ]
        return Analysis(events, motion)

    def _moving(self, motion: MotionResult) -> bool:
        """Objects moving, past the warm-up, and not the whole picture changing at once."""
        share = sum(b.area_fraction for b in motion.blobs)
        return self.frames > WARMUP_FRAMES and 0 < share <= GLOBAL_CHANGE_FRACTION

    def _intrusions(
        self,
        frame_bgr: np.ndarray,
        grey: np.ndarray,
        background: np.ndarray | None,
        motion: MotionResult,
        now: datetime,
    ) -> list[CameraEvent]:
        local = now.astimezone(self.tz).time()
        plain = [z for z in self._zones if z.objects is None]
        hits = {h.zone: h for h in intrusions(plain, motion, local)}
        typed = [z for z in self._zones if z.objects is not None and in_schedule(z.schedule, local)]
        if typed and motion.blobs and background is not None:
            confirm = any(ObjectKind.PERSON.value in z.objects for z in typed)
            self.objects = see_objects(frame_bgr, grey, background, motion.labels, motion.blobs, confirm)
        else:
            self.objects = []
        for zone in typed:
            hit = self._typed_hit(zone, motion, now)
            if hit is not None:
                hits[zone.name] = hit
        out = []
        for zone in self._zones:
            hit = hits.get(zone.name)
            event = self.tracker.observe(
                (EventType.INTRUSION, zone.name), hit is not None, hit.score if hit else 0.0, now, INTRUSION
            )
            if event:
                out.append(event)
        return out

    def _typed_hit(self, zone: ZoneArea, motion: MotionResult, now: datetime) -> ZoneHit | None:
        """A zone with `objects:`: the best wanted object in it, once it has stayed and travelled enough."""
        wanted = [o for o in self.objects if o.kind.value in (zone.objects or ())]
        previous = self._dwells.get(zone.name)
        best: tuple[ZoneHit, SeenObject] | None = None
        for seen in wanted:
            hit = zone_hit(zone, MotionResult(np.where(motion.labels == seen.blob.label, 1, 0), (seen.blob,)))
            if hit is None:
                continue
            rank = (previous is not None and near(previous, seen), hit.pixels)  # the followed one first
            if best is None or rank > (previous is not None and near(previous, best[1]), best[0].pixels):
                best = (hit, seen)
        dwell = follow(previous, best[1] if best else None, now.timestamp())
        if dwell is None:
            self._dwells.pop(zone.name, None)
            return None
        self._dwells[zone.name] = dwell
        if (
            best is None
            or now.timestamp() - dwell.since < zone.min_dwell_s
            or travelled(dwell) < max(zone.min_travel, dwell.size)
        ):
            return None
        return ZoneHit(zone.name, best[0].pixels, round(min(1.0, (best[0].score + best[1].score) / 2), 3))

    def _verdict(self, grey: np.ndarray, now: datetime) -> TamperVerdict | None:
        """This frame's tamper verdict; a clean frame refreshes the scene reference every few minutes."""
        verdict = check_tamper(self.reference, grey, self.tamper_params) if self.frames > WARMUP_FRAMES else None
        due = self.reference_ts is None or now - self.reference_ts >= timedelta(seconds=REFERENCE_EVERY_S)
        if verdict is None and due and self.frames >= WARMUP_FRAMES:
            self.reference, self.reference_ts = make_reference(grey), now
        return verdict

    def _tamper(self, verdict: TamperVerdict | None, now: datetime) -> list[CameraEvent]:
        out = []
        for kind in TamperKind:
            present = verdict is not None and verdict.kind is kind
            event = self.tracker.observe(
                (EventType.TAMPER, kind.value),
                present,
                verdict.score if present else 0.0,
                now,
                self.tamper_timing,
            )
            if event:
                out.append(event)
        return out
