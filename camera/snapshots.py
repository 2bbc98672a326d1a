"""Event snapshots: JPEG files under the snapshot directory, drawn with the zones and what moved, and their
retention by age and by total size."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from camera.motion import MotionResult
from camera.settings import ZoneConfig

log = logging.getLogger(__name__)
JPEG_QUALITY = 85


def encode_jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("cannot encode frame as JPEG")
    return data.tobytes()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def annotate(image: np.ndarray, zones: Iterable[ZoneConfig], motion: MotionResult | None) -> np.ndarray:
    """A copy of the frame with the zones outlined in yellow and moving objects boxed in red."""
    out = image.copy()
    h, w = out.shape[:2]
    for zone in zones:
        points = np.array([[round(x * (w - 1)), round(y * (h - 1))] for x, y in zone.polygon], np.int32)
        cv2.polylines(out, [points], True, (0, 220, 255), 2)
    for blob in motion.blobs if motion else ():
        cv2.rectangle(
            out, (int(blob.x0 * w), int(blob.y0 * h)), (int(blob.x1 * w), int(blob.y1 * h)), (0, 0, 255), 2
        )
    return out


def snapshot_path(camera_id: str, event_id: str, ts: datetime) -> str:
    """Where an event's snapshot goes, relative to the snapshot directory."""
    return f"{camera_id}/{ts.astimezone(UTC):%Y-%m-%d}/{event_id}.jpg"


def save_snapshot(root: Path, relative: str, jpeg: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, jpeg)


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    mtime: float
    size: int


def plan_prune(files: list[StoredFile], now: float, max_age_s: float, max_bytes: int) -> list[Path]:
    """Files to delete: all older than max_age_s, then the oldest until the rest fit in max_bytes."""
    doomed = [f for f in files if now - f.mtime > max_age_s]
    kept = sorted((f for f in files if now - f.mtime <= max_age_s), key=lambda f: f.mtime)
    total = sum(f.size for f in kept)
    for f in kept:
        if total <= max_bytes:
            break
        doomed.append(f)
        total -= f.size
    return [f.path for f in doomed]


def prune_snapshots(root: Path, max_age_s: float, max_bytes: int, pattern: str = "*.jpg") -> int:
    """Apply retention to the snapshot (or clip, `*.mp4`) directory; return how many files were deleted."""
    files = []
    for path in root.rglob(pattern):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        files.append(StoredFile(path, st.st_mtime, st.st_size))
    doomed = plan_prune(files, time.time(), max_age_s, max_bytes)
    for path in doomed:
        path.unlink(missing_ok=True)
    for folder in sorted((p for p in root.glob("*/*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if doomed:
        log.info("retention of %s: deleted %d files", root, len(doomed))
    return len(doomed)
