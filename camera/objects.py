"""The object stage, run only on what moved (Frigate's order): each moving blob is a person, a vehicle or
something else, by the size and shape of the blob, with OpenCV's HOG people detector confirming people on the
full-resolution crop; and per zone, an object must stay and travel before it is an intrusion, so swaying
foliage, rain and insects (which stay in place or are small) do not alarm."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import cv2
import numpy as np

from camera.motion import Blob


class ObjectKind(StrEnum):
    """What a moving blob is taken for (a zone's `objects:` list names these)."""

    PERSON = "person"
    VEHICLE = "vehicle"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ShapeRules:
    """Upright blobs are people, wide and large ones vehicles (shape in pixels of the frame)."""

    person_min_aspect: float = 1.3  # height / width of a standing or walking person
    person_max_aspect: float = 5.0
    vehicle_min_aspect: float = 1.15  # width / height of a car, motorbike side-on
    vehicle_min_area: float = 0.006  # share of the frame: a car at 30 m is larger than a person
    min_solidity: float = 0.35  # blob pixels / its box: light sweeps and foliage are ragged


@dataclass(frozen=True, slots=True)
class SeenObject:
    """A classified moving object: its blob, kind and a confidence 0..1."""

    blob: Blob
    kind: ObjectKind
    score: float


@cache
def people_detector() -> cv2.HOGDescriptor:
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    return hog


def hog_person(frame_bgr: np.ndarray, blob: Blob) -> bool:
    """Whether the HOG people detector finds a person in the blob's padded crop (scaled to 160 px high)."""
    h, w = frame_bgr.shape[:2]
    bw, bh = (blob.x1 - blob.x0) * w, (blob.y1 - blob.y0) * h
    x0, x1 = int(max(0, blob.x0 * w - bw * 0.6)), int(min(w, blob.x1 * w + bw * 0.6))
    y0, y1 = int(max(0, blob.y0 * h - bh * 0.2)), int(min(h, blob.y1 * h + bh * 0.2))
    crop = frame_bgr[y0:y1, x0:x1]
    if crop.size == 0 or y1 - y0 < 24:
        return False
    scale = 160 / crop.shape[0]
    crop = cv2.resize(crop, (max(80, int(crop.shape[1] * scale)), 160))
    found, _ = people_detector().detectMultiScale(crop, winStride=(8, 8), padding=(8, 8), scale=1.1)
    return len(found) > 0


def classify(blob: Blob, shape: tuple[int, int], solidity: float, rules: ShapeRules = ShapeRules()) -> ObjectKind:
    """A blob's kind from its box (pixels of a frame of `shape` (height, width)) and solidity."""
    h, w = shape
    bw, bh = max(1e-6, (blob.x1 - blob.x0) * w), max(1e-6, (blob.y1 - blob.y0) * h)
    if solidity < rules.min_solidity:
        return ObjectKind.OTHER
    if rules.person_min_aspect <= bh / bw <= rules.person_max_aspect:
        return ObjectKind.PERSON
    if bw / bh >= rules.vehicle_min_aspect and blob.area_fraction >= rules.vehicle_min_area:
        return ObjectKind.VEHICLE
    return ObjectKind.OTHER


def solidity_of(labels: np.ndarray, blob: Blob) -> float:
    """Share of the blob's box its pixels fill."""
    h, w = labels.shape
    box = labels[int(blob.y0 * h) : max(int(blob.y1 * h), int(blob.y0 * h) + 1), int(blob.x0 * w) : int(blob.x1 * w)]
    return float((box == blob.label).sum()) / max(1, box.size)


def texture(grey: np.ndarray) -> np.ndarray:
    """The fine detail of a picture (itself minus its blur): what light falling on a scene does not change."""
    g = grey.astype(np.float32)
    return g - cv2.GaussianBlur(g, (0, 0), 2.0)


def lit_not_moved(
    grey: np.ndarray, background: np.ndarray, blob: Blob, min_match: float = 0.8, max_edges: float = 0.3
) -> bool:
    """Whether the blob is the background lit differently (headlights, a torch, a cloud's shadow): inside its
    box the picture keeps the background's fine texture, or its ratio to the background is a smooth light field
    with no edges. An object hides the texture and has edges."""
    h, w = grey.shape
    ys = slice(int(blob.y0 * h), max(int(blob.y1 * h), int(blob.y0 * h) + 2))
    xs = slice(int(blob.x0 * w), max(int(blob.x1 * w), int(blob.x0 * w) + 2))
    now, before = grey[ys, xs].astype(np.float32), background[ys, xs].astype(np.float32)
    ratio = (now + 8) / (before + 8)
    if float(texture(ratio).std()) < max_edges * (float(ratio.std()) + 1e-6):
        return True
    a, b = texture(now), texture(before)
    a, b = a - a.mean(), b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return denom > 0 and float((a * b).sum()) / denom >= min_match


def see_objects(
    frame_bgr: np.ndarray,
    grey: np.ndarray,
    background: np.ndarray,
    motion_labels: np.ndarray,
    blobs: tuple[Blob, ...],
    confirm: bool,
) -> list[SeenObject]:
    """Classify each moving blob (a change of light is `other`); `confirm` runs the HOG people detector on
    upright ones (costly, so only when a zone asks for people)."""
    labels = motion_labels
    shape = labels.shape
    out = []
    for blob in blobs:
        if lit_not_moved(grey, background, blob):
            out.append(SeenObject(blob, ObjectKind.OTHER, 0.0))
            continue
        kind = classify(blob, shape, solidity_of(labels, blob))
        score = 0.6
        if kind is ObjectKind.PERSON and confirm:
            score = 0.9 if hog_person(frame_bgr, blob) else 0.6
        out.append(SeenObject(blob, kind, score))
    return out


@dataclass(slots=True)
class Dwell:
    """A zone's current candidate: since when it is seen, and where it was first and last (frame fractions)."""

    since: float
    first: tuple[float, float]
    last: tuple[float, float]
    missed: int = 0
    size: float = 0.0  # the smaller side of the object when first seen (frame fractions)
    kind: ObjectKind = ObjectKind.OTHER
    area: float = 0.0  # its area in the last frame (share of the frame)


def centre(blob: Blob) -> tuple[float, float]:
    return ((blob.x0 + blob.x1) / 2, (blob.y0 + blob.y1) / 2)


def near(dwell: Dwell, seen: SeenObject, reach: float = 0.06, max_reach: float = 0.25) -> bool:
    """Whether an object can be the one the dwell follows: the same kind, about the same area (half to twice),
    and it moved at most its own size (at least `reach`, at most `max_reach` of the frame) since the last
    frame. Leaf clusters of a bush look alike but are not one object drifting along."""
    blob = seen.blob
    if seen.kind is not dwell.kind or not 0.5 <= blob.area_fraction / max(dwell.area, 1e-9) <= 2.0:
        return False
    c = centre(blob)
    size = min(blob.x1 - blob.x0, blob.y1 - blob.y0)
    return float(np.hypot(c[0] - dwell.last[0], c[1] - dwell.last[1])) <= min(max_reach, max(reach, size))


def follow(dwell: Dwell | None, seen: SeenObject | None, now_s: float, max_missed: int = 2) -> Dwell | None:
    """The zone's candidate after this frame: started, moved on, restarted on another object, or dropped after
    `max_missed` empty frames."""
    if seen is None:
        if dwell is None or dwell.missed >= max_missed:
            return None
        dwell.missed += 1
        return dwell
    c, b = centre(seen.blob), seen.blob
    if dwell is None or not near(dwell, seen):
        return Dwell(now_s, c, c, 0, min(b.x1 - b.x0, b.y1 - b.y0), seen.kind, b.area_fraction)
    dwell.last, dwell.missed, dwell.area = c, 0, b.area_fraction
    return dwell


def travelled(dwell: Dwell) -> float:
    """How far the candidate moved from where it was first seen (frame fractions). The caller asks for at least
    its own size too: leaves swinging about a branch stay within their own size, a walker leaves it behind."""
    return float(np.hypot(dwell.last[0] - dwell.first[0], dwell.last[1] - dwell.first[1]))
