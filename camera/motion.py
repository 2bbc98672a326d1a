"""Motion: background subtraction on a small grey frame, ignoring noise, rain and slow light changes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, slots=True)
class MotionParams:
    """Tuning of the detector (defaults suit 160-pixel-wide frames at 1-5 fps)."""

    threshold: float = 15.0  # grey levels a pixel must differ from the background
    learn_rate: float = 0.08  # how fast the background follows the scene where nothing moves
    learn_rate_moving: float = 0.01
    open_px: int = 3  # opening kernel: removes specks and thin rain streaks
    min_blob_fraction: float = 0.0008  # blobs smaller than this fraction of the frame are noise


@dataclass(frozen=True, slots=True)
class Blob:
    """A moving object: its box in frame fractions and its area as a fraction of the frame."""

    label: int
    x0: float
    y0: float
    x1: float
    y1: float
    area_fraction: float


@dataclass(frozen=True, slots=True)
class MotionResult:
    """What moved in one frame: the labelled mask (0 = still) and its blobs."""

    labels: np.ndarray
    blobs: tuple[Blob, ...]


def prepare(frame_bgr: np.ndarray, width: int) -> np.ndarray:
    """The analysis frame: grey, downscaled to `width` pixels, lightly smoothed (uint8)."""
    h, w = frame_bgr.shape[:2]
    grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY) if frame_bgr.ndim == 3 else frame_bgr  # grey first: cheaper
    small = cv2.resize(grey, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0)


DARK_MEDIAN = 16.0  # below this median grey a scene is dark: no rescaling (a black frame would zero it all)


def grey_median(image: np.ndarray) -> float:
    """The median grey level (whole levels) from a 256-bin histogram: a fraction of np.median's cost."""
    counts = np.bincount(np.clip(image, 0, 255).astype(np.uint8).ravel(), minlength=256)
    return float(np.searchsorted(np.cumsum(counts), (image.size + 1) / 2))


def compensate_light(background: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """The frame rescaled to the background's median brightness, so a global light change is not motion.
    Dark scenes are left as they are: their median says nothing about the light."""
    median_now, median_bg = grey_median(grey), grey_median(background)
    if min(median_now, median_bg) < DARK_MEDIAN:
        return grey.astype(np.float32)
    return np.clip(grey.astype(np.float32) * (median_bg / median_now), 0, 255)


def motion_mask(background: np.ndarray, grey: np.ndarray, params: MotionParams) -> np.ndarray:
    """Pixels that differ from the background beyond noise, cleaned of specks (uint8 0/255)."""
    diff = cv2.absdiff(compensate_light(background, grey), background)
    mask = (diff > params.threshold).astype(np.uint8) * 255
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (params.open_px, params.open_px))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.dilate(mask, kernel)


def find_blobs(mask: np.ndarray, min_fraction: float) -> MotionResult:
    """Connected moving regions at least `min_fraction` of the frame."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    total = float(h * w)
    blobs, keep = [], np.zeros(count, np.int32)
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area / total >= min_fraction:
            keep[i] = len(blobs) + 1
            blobs.append(Blob(len(blobs) + 1, x / w, y / h, (x + bw) / w, (y + bh) / h, area / total))
    return MotionResult(keep[labels], tuple(blobs))


def update_background(
    background: np.ndarray, grey: np.ndarray, mask: np.ndarray, params: MotionParams
) -> np.ndarray:
    """The background after this frame: fast where still, slow where something moves."""
    rate = np.where(mask > 0, params.learn_rate_moving, params.learn_rate).astype(np.float32)
    return background + rate * (grey.astype(np.float32) - background)


def detect_motion(
    background: np.ndarray | None, grey: np.ndarray, params: MotionParams = MotionParams()
) -> tuple[np.ndarray, MotionResult]:
    """One step: (new background, what moved). The first frame only starts the background."""
    if background is None or background.shape != grey.shape:
        return grey.astype(np.float32), MotionResult(np.zeros(grey.shape, np.int32), ())
    mask = motion_mask(background, grey, params)
    return update_background(background, grey, mask, params), find_blobs(mask, params.min_blob_fraction)
