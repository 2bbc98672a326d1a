"""Short test clips drawn frame by frame (640×360 BGR): a walking figure, a car-sized box crossing a road,
swaying foliage, rain noise, headlight sweeps. Each clip says whether it holds a person or a vehicle, so the
object stage can be scored (precision and recall) on them, in memory or served over the real RTSP server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tests.camera.frames import H, W, scene

FPS = 4


@dataclass(frozen=True, slots=True)
class Clip:
    name: str
    truth: str | None  # "person", "vehicle" or None (nothing that should alarm)
    draw: Callable[[np.ndarray, int, np.random.Generator], np.ndarray]  # frame i; i < 0: the scene at rest
    frames: int = 40


def walker(base: np.ndarray, i: int, _rng: np.random.Generator) -> np.ndarray:
    """A figure (head, body, legs swinging) walking left to right across the lower half."""
    out = base.copy()
    if i < 0:
        return out
    x, y = int(W * (0.1 + 0.8 * i / 40)), int(H * 0.72)
    cv2.circle(out, (x, y - 44), 8, (60, 80, 120), -1)
    cv2.rectangle(out, (x - 9, y - 36), (x + 9, y + 2), (40, 40, 150), -1)
    swing = 8 if i % 2 else -8
    cv2.line(out, (x - 4, y + 2), (x - 4 + swing, y + 34), (30, 30, 60), 6)
    cv2.line(out, (x + 4, y + 2), (x + 4 - swing, y + 34), (30, 30, 60), 6)
    return out


def car(base: np.ndarray, i: int, _rng: np.random.Generator) -> np.ndarray:
    """A car-sized box with wheels crossing the road right to left."""
    out = base.copy()
    if i < 0:
        return out
    x, y = int(W * (0.95 - 0.9 * i / 40)), int(H * 0.8)
    cv2.rectangle(out, (x - 60, y - 34), (x + 60, y + 6), (160, 60, 20), -1)
    cv2.rectangle(out, (x - 30, y - 52), (x + 30, y - 34), (140, 50, 20), -1)
    for wx in (x - 38, x + 38):
        cv2.circle(out, (wx, y + 8), 11, (20, 20, 20), -1)
    return out


def foliage(base: np.ndarray, i: int, _rng: np.random.Generator) -> np.ndarray:
    """A bush whose dark leaf clusters sway in the wind around where they grow (lower right)."""
    out = base.copy()
    for k in range(10):
        sway = int(26 * np.sin(i * 1.3 + k)) if i >= 0 else 0  # the bush is always there; it sways in the clip
        cx = int(W * 0.62) + (k % 5) * 34 + sway
        cy = int(H * 0.58) + (k // 5) * 46 + abs(sway) // 3
        cv2.ellipse(out, (cx, cy), (20, 36), 20 * (k % 3) + sway, 0, 360, (20, 70 + 6 * (k % 4), 25), -1)
    return out


def rain(base: np.ndarray, i: int, rng: np.random.Generator) -> np.ndarray:
    out = np.clip(base + rng.normal(0, 5, base.shape), 0, 255).astype(np.uint8)
    for _ in range(220 if i >= 0 else 0):
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H - 14))
        cv2.line(out, (x, y), (x + 2, y + 12), (210, 210, 210), 1)
    return out


def headlights(base: np.ndarray, i: int, _rng: np.random.Generator) -> np.ndarray:
    """A dark road; a soft cone of light sweeps across it as a car turns out of sight."""
    out = (base * 0.35).astype(np.uint8)
    if i < 0:
        return out
    light = np.zeros((H, W), np.float32)
    cx = int(W * (0.1 + 0.8 * (i % 20) / 20))
    cv2.ellipse(light, (cx, int(H * 0.75)), (160, 50), 0, 0, 360, 1.0, -1)
    light = cv2.GaussianBlur(light, (0, 0), 40)
    return np.clip(out + light[..., None] * 140, 0, 255).astype(np.uint8)


CLIPS = (
    Clip("walker", "person", walker),
    Clip("car", "vehicle", car),
    Clip("foliage", None, foliage),
    Clip("rain", None, rain),
    Clip("headlights", None, headlights),
)


def frames_of(clip: Clip, seed: int = 0) -> list[np.ndarray]:
    """The clip's frames: 8 frames of its scene at rest (for the background), then the clip."""
    base, rng = scene(), np.random.default_rng(seed)
    still = [clip.draw(base, -1, rng) for _ in range(8)]
    noisy = [np.clip(f + rng.normal(0, 3, f.shape), 0, 255).astype(np.uint8) for f in still]
    return noisy + [clip.draw(base, i, rng) for i in range(clip.frames)]


def write_jpegs(clip: Clip, folder: Path) -> Path:
    """The clip as 0000.jpg, 0001.jpg, ... for `tests/rtsp_server.py --frames` (looped by the server)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames_of(clip)):
        cv2.imwrite(str(folder / f"{i:04d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return folder
