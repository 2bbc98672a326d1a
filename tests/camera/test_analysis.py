"""Analysis on synthetic frames: intrusion inside/outside a zone and its schedule, tamper, quiet scenes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from camera.analysis import CameraAnalyzer
from camera.models import EventPhase, EventType
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from tests.camera.frames import brighter, noisy, rainy, scene, with_person

NIGHT_UTC = datetime(2025, 7, 1, 16, 0, tzinfo=UTC)  # 23:00 in Asia/Ho_Chi_Minh
NOON_UTC = datetime(2025, 7, 1, 5, 0, tzinfo=UTC)  # 12:00 in Asia/Ho_Chi_Minh
LOWER_RIGHT = [(0.5, 0.5), (1.0, 0.5), (1.0, 1.0), (0.5, 1.0)]


def analyzer(schedule: str | None = "22:00-05:00", tamper: bool = True) -> CameraAnalyzer:
    camera = CameraConfig(
        id="cam-t",
        name="Thử",
        url="synthetic:",
        tamper=tamper,
        zones=[ZoneConfig(name="Sân UBND", polygon=LOWER_RIGHT, schedule=schedule)],
    )
    return CameraAnalyzer(camera, CameraSystemConfig(tamper_after_s=3))


def run(an: CameraAnalyzer, frames: list[np.ndarray], start: datetime, step_s: float = 0.5) -> list:
    events = []
    for i, frame in enumerate(frames):
        events += an.analyse(frame, start + timedelta(seconds=i * step_s)).events
    return events


def walk(path_y: float, x_from: float, x_to: float, n: int = 10) -> list[np.ndarray]:
    """A still scene for warm-up, then a person crossing at height path_y."""
    base = scene()
    rng = np.random.default_rng(0)
    still = [noisy(base, rng) for _ in range(8)]
    return still + [noisy(with_person(base, x_from + (x_to - x_from) * i / n, path_y), rng) for i in range(n)]


@pytest.mark.parametrize(
    ("y", "x_from", "x_to", "start", "expected"),
    [
        (0.75, 0.6, 0.95, NIGHT_UTC, True),  # inside the zone, inside its schedule
        (0.75, 0.6, 0.95, NOON_UTC, False),  # inside the zone, outside its schedule
        (0.25, 0.6, 0.95, NIGHT_UTC, False),  # above the zone
        (0.75, 0.05, 0.4, NIGHT_UTC, False),  # left of the zone
    ],
)
def test_intrusion_needs_zone_and_schedule(y, x_from, x_to, start, expected) -> None:
    events = run(analyzer(), walk(y, x_from, x_to), start)
    starts = [e for e in events if e.type is EventType.INTRUSION and e.phase is EventPhase.START]
    assert bool(starts) is expected
    if expected:
        assert starts[0].zone == "Sân UBND" and 0 < starts[0].score <= 1 and starts[0].event_id


def test_zone_without_schedule_watches_all_day() -> None:
    events = run(analyzer(schedule=None), walk(0.75, 0.6, 0.95), NOON_UTC)
    assert [e.type for e in events if e.phase is EventPhase.START] == [EventType.INTRUSION]


def test_intrusion_ends_after_the_zone_is_clear() -> None:
    an = analyzer()
    frames = walk(0.75, 0.6, 0.95) + [scene()] * 30
    events = run(an, frames, NIGHT_UTC)
    phases = [e.phase for e in events if e.type is EventType.INTRUSION]
    assert phases[0] is EventPhase.START and phases[-1] is EventPhase.END
    assert len({e.event_id for e in events if e.type is EventType.INTRUSION}) == 1


def covered(base: np.ndarray) -> np.ndarray:
    return np.full_like(base, 12)


def blurred(base: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(base, (0, 0), 6)


def shifted(base: np.ndarray) -> np.ndarray:
    return np.roll(scene(seed=1), (40, 130), axis=(0, 1))


@pytest.mark.parametrize(
    ("spoil", "kind"), [(covered, "covered"), (blurred, "defocused"), (shifted, "moved")]
)
def test_tamper_raised_when_it_lasts(spoil, kind) -> None:
    base = scene()
    rng = np.random.default_rng(1)
    frames = [noisy(base, rng) for _ in range(10)] + [noisy(spoil(base), rng, 2) for _ in range(12)]
    events = run(analyzer(), frames, NIGHT_UTC)
    starts = [e for e in events if e.phase is EventPhase.START]
    assert [(e.type, e.zone) for e in starts] == [(EventType.TAMPER, kind)]
    assert starts[0].ts >= NIGHT_UTC + timedelta(seconds=5 + 3)  # 10 clean frames, then 3 s of tamper


def test_short_tamper_is_ignored() -> None:
    base = scene()
    frames = [base] * 10 + [covered(base)] * 4 + [base] * 10  # 2 s covered, tamper needs 3 s
    assert [e for e in run(analyzer(), frames, NIGHT_UTC) if e.type is EventType.TAMPER] == []


@pytest.mark.parametrize("disturb", ["noise", "rain", "light"])
def test_steady_scene_raises_nothing(disturb) -> None:
    base = scene()
    rng = np.random.default_rng(2)
    frames = []
    for i in range(120):
        frame = {
            "noise": lambda: noisy(base, rng, 8),
            "rain": lambda: rainy(noisy(base, rng), rng),
            "light": lambda i=i: noisy(
                brighter(base, 1.0 - 0.5 * i / 120), rng
            ),  # dusk: half the light in 60 s
        }[disturb]()
        frames.append(frame)
    events = run(analyzer(schedule=None), frames, NIGHT_UTC)
    assert events == []
