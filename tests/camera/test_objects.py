"""The object stage on drawn clips: shape classes, and per-zone `objects:` with dwell and travel keeping
swaying foliage, rain and headlight sweeps from alarming where only people (or vehicles) count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from camera.analysis import CameraAnalyzer
from camera.models import EventPhase, EventType
from camera.motion import Blob
from camera.objects import Dwell, ObjectKind, SeenObject, classify, follow, lit_not_moved, travelled
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from tests.camera.clips import CLIPS, FPS, frames_of

LOWER = [(0.0, 0.45), (1.0, 0.45), (1.0, 1.0), (0.0, 1.0)]
NIGHT_UTC = datetime(2025, 7, 1, 16, 0, tzinfo=UTC)
SHAPE = (90, 160)  # analysis frame (height, width)


def intrusions(clip_name: str, objects: list[str] | None) -> int:
    clip = next(c for c in CLIPS if c.name == clip_name)
    zone = ZoneConfig(name="Đường", polygon=LOWER, objects=objects)
    camera = CameraConfig(id="cam-o", name="Thử", url="synthetic:", tamper=False, zones=[zone])
    analyzer = CameraAnalyzer(camera, CameraSystemConfig())
    events = []
    for i, frame in enumerate(frames_of(clip)):
        events += analyzer.analyse(frame, NIGHT_UTC + timedelta(seconds=i / FPS)).events
    return sum(1 for e in events if e.type is EventType.INTRUSION and e.phase is EventPhase.START)


@pytest.mark.parametrize(
    ("clip", "objects", "expected"),
    [
        ("walker", ["person"], 1),
        ("car", ["person"], 0),
        ("foliage", ["person"], 0),
        ("rain", ["person"], 0),
        ("headlights", ["person"], 0),
        ("car", ["vehicle"], 1),
        ("walker", ["vehicle"], 0),
        ("foliage", None, 1),  # motion alone alarms on leaves: what the object stage is for
        ("headlights", None, 1),  # and on a sweep of light
    ],
)
def test_zone_objects_decide_what_alarms(clip: str, objects: list[str] | None, expected: int) -> None:
    assert intrusions(clip, objects) == expected


@pytest.mark.parametrize(
    ("box", "solidity", "kind"),
    [
        ((0.50, 0.40, 0.53, 0.60), 0.8, ObjectKind.PERSON),  # 5 × 18 px: upright
        ((0.20, 0.60, 0.45, 0.75), 0.8, ObjectKind.VEHICLE),  # 40 × 13 px: wide and large
        ((0.20, 0.60, 0.24, 0.62), 0.8, ObjectKind.OTHER),  # small and flat
        ((0.50, 0.40, 0.53, 0.60), 0.2, ObjectKind.OTHER),  # ragged (leaves, light)
    ],
)
def test_blob_shape_classes(box: tuple[float, float, float, float], solidity: float, kind: ObjectKind) -> None:
    x0, y0, x1, y1 = box
    assert classify(Blob(1, x0, y0, x1, y1, (x1 - x0) * (y1 - y0) * 0.8), SHAPE, solidity) is kind


def test_dwell_follows_one_object_and_drops_it_after_missed_frames() -> None:
    def person(x: float) -> SeenObject:
        return SeenObject(Blob(1, x, 0.5, x + 0.03, 0.6, 0.002), ObjectKind.PERSON, 0.6)

    dwell = follow(None, person(0.1), 0.0)
    assert isinstance(dwell, Dwell) and travelled(dwell) == 0
    dwell = follow(dwell, person(0.15), 1.0)
    assert dwell is not None and dwell.since == 0.0 and travelled(dwell) == pytest.approx(0.05)
    other = follow(dwell, person(0.6), 1.5)  # too far in one frame: another object, followed from now on
    assert other is not None and other.since == 1.5 and travelled(other) == 0
    for _ in range(2):
        other = follow(other, None, 2.0)
        assert other is not None
    assert follow(other, None, 3.0) is None


def test_a_change_of_light_is_not_an_object() -> None:
    from tests.camera.frames import scene

    grey = cv2.cvtColor(scene(), cv2.COLOR_BGR2GRAY)
    lit = np.clip(grey.astype(np.float32) * 1.6 + 20, 0, 255).astype(np.uint8)
    covered = grey.copy()
    covered[100:200, 200:260] = 60  # something standing in front of the texture
    blob = Blob(1, 200 / 640, 100 / 360, 260 / 640, 200 / 360, 0.03)
    assert lit_not_moved(lit, grey, blob) and not lit_not_moved(covered, grey, blob)
