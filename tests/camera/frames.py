"""Synthetic frames for the analysis tests: a textured still scene, a walker, noise, rain, light changes."""

from __future__ import annotations

import cv2
import numpy as np

W, H = 640, 360


def scene(seed: int = 1) -> np.ndarray:
    """A detailed still scene (houses, road, texture) as a BGR frame."""
    from camera.synthetic import SceneParams, make_background

    return make_background(SceneParams(seed=seed, width=W, height=H))


def with_person(frame: np.ndarray, cx: float, cy: float, size: float = 0.12) -> np.ndarray:
    """The frame with a person-sized dark-red figure whose centre is at (cx, cy) in frame fractions."""
    out = frame.copy()
    h = int(size * H)
    w = max(8, h // 3)
    x, y = int(cx * W), int(cy * H)
    cv2.rectangle(out, (x - w // 2, y - h // 2), (x + w // 2, y + h // 2), (30, 20, 160), -1)
    return out


def noisy(frame: np.ndarray, rng: np.random.Generator, sigma: float = 6.0) -> np.ndarray:
    return np.clip(frame + rng.normal(0, sigma, frame.shape), 0, 255).astype(np.uint8)


def rainy(frame: np.ndarray, rng: np.random.Generator, drops: int = 150) -> np.ndarray:
    """Thin bright streaks of rain scattered over the frame."""
    out = frame.copy()
    for _ in range(drops):
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H - 12))
        cv2.line(out, (x, y), (x + 1, y + 10), (200, 200, 200), 1)
    return out


def brighter(frame: np.ndarray, gain: float) -> np.ndarray:
    return cv2.convertScaleAbs(frame, alpha=gain, beta=0)
