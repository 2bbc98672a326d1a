"""Synthetic camera scenes drawn in-process: a village street with people and vehicles, day or night,
with optional tamper (covered lens) and dropout (camera silent) episodes, for the demo and tests."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

DROPOUT_S = 30.0  # a dropout episode lasts longer than the default offline silence (15 s)
TAMPER_S = 20.0  # a covered-lens episode lasts longer than the default tamper delay (5 s)


@dataclass(frozen=True, slots=True)
class SceneParams:
    """What a `synthetic:?seed=3&night=1&people=4&vehicles=2&tamper=600&dropout=900&fps=5` URL asks for."""

    seed: int = 1
    night: bool = False
    people: int = 3
    vehicles: int = 1
    tamper_every_s: float = 0.0  # 0: never; else a covered-lens episode at the end of each period
    dropout_every_s: float = 0.0  # 0: never; else a silent episode at the end of each period
    fps: float = 5.0
    width: int = 640
    height: int = 360

    @classmethod
    def from_query(cls, params: dict[str, str]) -> SceneParams:
        width, _, height = params.get("size", "640x360").partition("x")
        return cls(
            seed=int(params.get("seed", 1)),
            night=params.get("night", "0") in ("1", "true", "yes"),
            people=int(params.get("people", 3)),
            vehicles=int(params.get("vehicles", 1)),
            tamper_every_s=float(params.get("tamper", 0)),
            dropout_every_s=float(params.get("dropout", 0)),
            fps=float(params.get("fps", 5)),
            width=int(width),
            height=int(height),
        )


@dataclass(frozen=True, slots=True)
class Mover:
    """Someone or something crossing the scene back and forth along a straight line."""

    start: tuple[float, float]  # fractions of the frame
    end: tuple[float, float]
    period_s: float
    phase: float
    size: tuple[float, float]  # width, height as fractions of the frame
    colour: tuple[int, int, int]


def in_episode(t: float, every_s: float, length_s: float) -> bool:
    """True in the last `length_s` seconds of each `every_s` period (never when every_s is 0)."""
    return every_s > 0 and (t % every_s) >= every_s - min(length_s, every_s / 2)


def make_background(p: SceneParams) -> np.ndarray:
    """A textured street scene: sky, houses with windows, trees, a road (BGR)."""
    rng = np.random.default_rng(p.seed)
    w, h = p.width, p.height
    img = np.zeros((h, w, 3), np.uint8)
    img[: h // 3] = (200, 170, 120)
    img[h // 3 :] = (90, 120, 110)
    cv2.rectangle(img, (0, int(h * 0.62)), (w, int(h * 0.82)), (80, 80, 85), -1)
    for x in range(0, w, 40):
        cv2.line(img, (x, int(h * 0.72)), (x + 20, int(h * 0.72)), (220, 220, 220), 2)
    for _ in range(5 + p.seed % 4):
        x0, bw = int(rng.integers(0, w - 80)), int(rng.integers(60, 140))
        top = int(rng.integers(int(h * 0.18), int(h * 0.35)))
        colour = tuple(int(c) for c in rng.integers(60, 230, 3))
        cv2.rectangle(img, (x0, top), (x0 + bw, int(h * 0.6)), colour, -1)
        for wx in range(x0 + 8, x0 + bw - 12, 22):
            cv2.rectangle(img, (wx, top + 12), (wx + 10, top + 26), (40, 40, 40), -1)
    for _ in range(4):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(int(h * 0.3), int(h * 0.55)))
        cv2.circle(img, (cx, cy), int(rng.integers(15, 35)), (40, 110, 50), -1)
    noise = rng.normal(0, 6, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def make_movers(p: SceneParams) -> list[Mover]:
    """People walk across the lower part of the scene; vehicles drive along the road."""
    rng = np.random.default_rng(p.seed + 1000)
    movers = []
    for _ in range(p.people):
        y0, y1 = rng.uniform(0.6, 0.95, 2)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        movers.append(
            Mover(
                (rng.uniform(0, 0.3), y0),
                (rng.uniform(0.7, 1.0), y1),
                rng.uniform(30, 90),
                rng.uniform(0, 1),
                (0.025, 0.12),
                colour,
            )
        )
    for _ in range(p.vehicles):
        y = rng.uniform(0.64, 0.76)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        movers.append(
            Mover((-0.2, y), (1.2, y), rng.uniform(12, 25), rng.uniform(0, 1), (0.16, 0.08), colour)
        )
    return movers


def mover_box(m: Mover, t: float, w: int, h: int) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) of a mover at time t (ping-pong along its line)."""
    s = (t / m.period_s + m.phase) % 1.0
    f = 1 - abs(2 * s - 1)
    cx = (m.start[0] + (m.end[0] - m.start[0]) * f) * w
    by = (m.start[1] + (m.end[1] - m.start[1]) * f) * h
    bw, bh = m.size[0] * w, m.size[1] * h
    return int(cx - bw / 2), int(by - bh), int(cx + bw / 2), int(by)


class SyntheticScene:
    """Draws the frame of one synthetic camera for any time t (seconds)."""

    def __init__(self, params: SceneParams) -> None:
        self.params = params
        self.background = make_background(params)
        if params.night:
            self.background = (self.background * 0.3).astype(np.uint8)
            glow = np.zeros_like(self.background)
            for x in range(60, params.width, 180):
                cv2.circle(glow, (x, int(params.height * 0.55)), 14, (120, 190, 255), -1)
            glow = cv2.GaussianBlur(glow, (0, 0), 18) * 3
            self.background = cv2.add(self.background, np.clip(glow, 0, 255).astype(np.uint8))
        self.movers = make_movers(params)
        self._rng = np.random.default_rng(params.seed + 7)

    def silent(self, t: float) -> bool:
        """True while the camera is in a dropout episode (no frames)."""
        return in_episode(t, self.params.dropout_every_s, DROPOUT_S)

    def frame(self, t: float) -> np.ndarray:
        """The BGR frame at time t."""
        p = self.params
        if in_episode(t, p.tamper_every_s, TAMPER_S):
            return np.full((p.height, p.width, 3), 8 + int(self._rng.integers(0, 4)), np.uint8)
        img = self.background.copy()
        dim = 0.45 if p.night else 1.0
        for m in self.movers:
            x0, y0, x1, y1 = mover_box(m, t, p.width, p.height)
            colour = tuple(int(c * dim) for c in m.colour)
            if m.size[0] > 0.1:
                cv2.rectangle(img, (x0, y0), (x1, y1), colour, -1)
                cv2.circle(img, (x0 + (x1 - x0) // 4, y1), max(3, (y1 - y0) // 4), (20, 20, 20), -1)
                cv2.circle(img, (x1 - (x1 - x0) // 4, y1), max(3, (y1 - y0) // 4), (20, 20, 20), -1)
            else:
                cv2.ellipse(
                    img,
                    ((x0 + x1) // 2, y0 + (y1 - y0) // 3 * 2),
                    ((x1 - x0) // 2, (y1 - y0) // 3),
                    0,
                    0,
                    360,
                    colour,
                    -1,
                )
                cv2.circle(
                    img,
                    ((x0 + x1) // 2, y0 + (y1 - y0) // 6),
                    max(2, (x1 - x0) // 2),
                    (int(150 * dim), int(180 * dim), int(210 * dim)),
                    -1,
                )
        wobble = 2 * math.sin(t / 60.0)  # slow light change
        return cv2.convertScaleAbs(img, alpha=1.0, beta=wobble)
