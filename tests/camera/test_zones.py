"""Zone schedules and rasterised polygons."""

from __future__ import annotations

from datetime import time

import numpy as np
import pytest

from camera.motion import Blob, MotionResult
from camera.settings import ZoneConfig
from camera.zones import build_zone, in_schedule, zone_hit


@pytest.mark.parametrize(
    ("schedule", "local", "inside"),
    [
        ("22:00-05:00", time(23, 30), True),
        ("22:00-05:00", time(2, 0), True),
        ("22:00-05:00", time(5, 0), False),
        ("22:00-05:00", time(12, 0), False),
        ("08:00-17:30", time(17, 29), True),
        ("08:00-17:30", time(7, 59), False),
        (None, time(12, 0), True),
    ],
)
def test_schedule(schedule, local, inside) -> None:
    assert in_schedule(schedule, local) is inside


def test_small_objects_do_not_count() -> None:
    area = build_zone(
        ZoneConfig(name="z", polygon=[(0, 0), (1, 0), (1, 1), (0, 1)], min_object_fraction=0.01), (90, 160)
    )
    labels = np.zeros((90, 160), np.int32)
    labels[10:14, 10:14] = 1  # 16 px < 1 % of 14,400
    small = MotionResult(labels, (Blob(1, 0, 0, 0.1, 0.1, 16 / 14400),))
    assert zone_hit(area, small) is None
    labels[10:30, 10:30] = 1  # 400 px
    big = MotionResult(labels, (Blob(1, 0, 0, 0.2, 0.3, 400 / 14400),))
    hit = zone_hit(area, big)
    assert hit is not None and hit.pixels == 400 and 0.5 <= hit.score <= 1


def test_zone_rejects_corners_outside_the_frame() -> None:
    with pytest.raises(ValueError, match="Fix:"):
        ZoneConfig(name="z", polygon=[(0, 0), (1.5, 0), (1, 1)])
