"""Tamper: a covered lens (the structure the scene had is gone: a uniform or black frame), a defocused lens
(lost sharpness), a moved camera (scene no longer matches its reference). Pure measures on the grey analysis
frame. A night scene is not a covered lens: it keeps some structure (lights, a torch, headlights), and one that
darkens slowly takes the dark reference with it; the analyser also drops `covered` while something moves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np


class TamperKind(StrEnum):
    """Ways a camera is tampered with (published as the event's `zone` of a `tamper` event)."""

    COVERED = "covered"
    DEFOCUSED = "defocused"
    MOVED = "moved"


@dataclass(frozen=True, slots=True)
class TamperParams:
    """Thresholds of the tamper checks."""

    uniform_std: float = 7.0  # grey-level spread below which the frame is uniform (covered, painted)
    dark_mean: float = 10.0  # mean grey below which a frame of little spread (< 2 x uniform_std) is black
    structured_std: float = 14.0  # a reference with this spread had structure that a cover removes
    sharpness_ratio: float = 0.35  # sharpness below this share of the reference's is defocus
    min_reference_sharpness: float = 1.0  # a featureless scene (fog, blank wall) cannot lose focus
    match_threshold: float = 0.5  # scene correlation with the reference below this is a moved camera


@dataclass(frozen=True, slots=True)
class SceneReference:
    """What the camera normally sees: its sharpness and its edge structure."""

    sharpness: float
    edges: np.ndarray
    spread: float = 255.0  # grey-level standard deviation of the reference frame


@dataclass(frozen=True, slots=True)
class TamperVerdict:
    kind: TamperKind
    score: float


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian over the variance of the picture: high for a focused, detailed picture,
    and unchanged when the light only gets brighter or darker."""
    spread = float(grey.astype(np.float32).var())
    return float(cv2.Laplacian(grey, cv2.CV_32F).var()) / spread * 100 if spread > 0 else 0.0


def edge_map(grey: np.ndarray) -> np.ndarray:
    """Gradient magnitude, blurred so that small movements of people do not matter much (float32)."""
    g = grey.astype(np.float32)
    mag = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    return cv2.GaussianBlur(mag, (0, 0), 2.0)


def scene_match(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised correlation of two edge maps (1: same scene)."""
    a0, b0 = a - a.mean(), b - b.mean()
    denom = float(np.sqrt((a0 * a0).sum() * (b0 * b0).sum()))
    return float((a0 * b0).sum() / denom) if denom > 0 else 0.0


def make_reference(grey: np.ndarray) -> SceneReference:
    return SceneReference(sharpness(grey), edge_map(grey), float(grey.std()))


def lacks_structure(grey: np.ndarray, params: TamperParams) -> bool:
    """A uniform frame, or a black one with hardly any contrast (a bright object on black has contrast)."""
    std, mean = float(grey.std()), float(grey.mean())
    return std < params.uniform_std or (mean < params.dark_mean and std < 2 * params.uniform_std)


def check_tamper(
    reference: SceneReference | None, grey: np.ndarray, params: TamperParams = TamperParams()
) -> TamperVerdict | None:
    """The tamper this frame shows against the reference, if any (the caller asks that it lasts)."""
    if lacks_structure(grey, params):
        if reference is None or reference.spread < params.structured_std:
            return None  # nothing known, or the scene had no structure to lose (a dark night): not a cover
        std = float(grey.std())
        return TamperVerdict(TamperKind.COVERED, round(1.0 - min(std / params.uniform_std, 1.0) * 0.5, 3))
    if reference is None:
        return None
    if reference.sharpness >= params.min_reference_sharpness:
        ratio = sharpness(grey) / reference.sharpness
        if ratio < params.sharpness_ratio:
            return TamperVerdict(TamperKind.DEFOCUSED, round(1.0 - ratio, 3))
    match = scene_match(reference.edges, edge_map(grey))
    if match < params.match_threshold:
        return TamperVerdict(TamperKind.MOVED, round(min(1.0, 1.0 - match), 3))
    return None
