"""Zones: polygons in frame fractions with a local-time schedule; motion in one on schedule is intrusion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import cv2
import numpy as np

from camera.motion import MotionResult
from camera.settings import ZoneConfig


@dataclass(frozen=True, slots=True)
class ZoneArea:
    """A zone rasterised for one analysis frame size."""

    name: str
    schedule: str | None
    mask: np.ndarray  # bool, analysis frame shape
    min_pixels: int
    objects: tuple[str, ...] | None = None  # None: any moving object
    min_dwell_s: float = 0.0
    min_travel: float = 0.0


@dataclass(frozen=True, slots=True)
class ZoneHit:
    """Motion inside a zone: how many moving pixels of the largest object fall in it, and a score 0..1."""

    zone: str
    pixels: int
    score: float


def parse_hhmm(text: str) -> time:
    hour, minute = (int(v) for v in text.split(":"))
    return time(hour, minute)


def in_schedule(schedule: str | None, local: time) -> bool:
    """Whether a local time of day falls in 'HH:MM-HH:MM' (wrapping past midnight); always when empty."""
    if not schedule:
        return True
    start, end = (parse_hhmm(part) for part in schedule.split("-"))
    if start == end:
        return True
    if start < end:
        return start <= local < end
    return local >= start or local < end


def build_zone(zone: ZoneConfig, shape: tuple[int, int]) -> ZoneArea:
    """Rasterise a zone's polygon for frames of `shape` (height, width)."""
    h, w = shape
    mask = np.zeros((h, w), np.uint8)
    points = np.array([[round(x * (w - 1)), round(y * (h - 1))] for x, y in zone.polygon], np.int32)
    cv2.fillPoly(mask, [points], 1)
    return ZoneArea(
        zone.name,
        zone.schedule,
        mask.astype(bool),
        max(1, round(zone.min_object_fraction * h * w)),
        tuple(zone.objects) if zone.objects else None,
        zone.min_dwell_s,
        zone.min_travel_fraction,
    )


def zone_hit(area: ZoneArea, motion: MotionResult) -> ZoneHit | None:
    """The zone's hit when a moving object covers at least its minimum size inside it."""
    if not motion.blobs:
        return None
    counts = np.bincount(motion.labels[area.mask], minlength=len(motion.blobs) + 1)[1:]
    largest = int(counts.max()) if counts.size else 0
    if largest < area.min_pixels:
        return None
    score = min(1.0, 0.5 + 0.5 * (largest / area.min_pixels - 1) / 3)
    return ZoneHit(area.name, largest, round(score, 3))


def intrusions(areas: list[ZoneArea], motion: MotionResult, local: time) -> list[ZoneHit]:
    """Zones with motion inside them during their schedule."""
    hits = (zone_hit(a, motion) for a in areas if in_schedule(a.schedule, local))
    return [h for h in hits if h is not None]
