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

from camera.motion import Blob, MotionResult
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


OBJECT_COLOURS = {"person": (0, 0, 255), "vehicle": (255, 128, 0)}  # BGR: people red, vehicles blue


def annotate(
    image: np.ndarray,
    zones: Iterable[ZoneConfig],
    motion: MotionResult | None,
    objects: Iterable[tuple[str, Blob]] = (),
) -> np.ndarray:
    """A copy of the frame with the zones outlined in yellow, moving objects boxed in red, and objects the object
    stage recognised boxed in their colour with their kind written above."""
    out = image.copy()
    h, w = out.shape[:2]
    for zone in zones:
        points = np.array([[round(x * (w - 1)), round(y * (h - 1))] for x, y in zone.polygon], np.int32)
        cv2.polylines(out, [points], True, (0, 220, 255), 2)
    named = [(kind, blob) for kind, blob in objects if kind in OBJECT_COLOURS]
    named_labels = {blob.label for _, blob in named}
    for blob in motion.blobs if motion else ():
        if blob.label not in named_labels:
            cv2.rectangle(out, box(blob, w, h)[0], box(blob, w, h)[1], (0, 0, 255), 2)
    for kind, blob in named:
        (x0, y0), corner = box(blob, w, h)
        cv2.rectangle(out, (x0, y0), corner, OBJECT_COLOURS[kind], 2)
        cv2.putText(out, kind, (x0, max(12, y0 - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.5, OBJECT_COLOURS[kind], 1)
    return out


def box(blob: Blob, w: int, h: int) -> tuple[tuple[int, int], tuple[int, int]]:
    return (int(blob.x0 * w), int(blob.y0 * h)), (int(blob.x1 * w), int(blob.y1 * h))


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
