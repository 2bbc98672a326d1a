"""The `cameras:` configuration section."""

from __future__ import annotations

from pydantic import Field

from config.section import Section


class ZoneConfig(Section):
    """A watched area of a camera's picture."""

    name: str = Field(min_length=1, description="Zone name shown with its alerts, e.g. 'Sân UBND'.")
    polygon: list[tuple[float, float]] = Field(
        min_length=3, description="Corners as [x, y] fractions of the frame (0..1, origin top left)."
    )
    schedule: str | None = Field(
        default=None, pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Local time window when motion here is an intrusion, e.g. '22:00-05:00'; always when empty.",
    )


class CameraConfig(Section):
    """One CCTV camera."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="Camera id used in topics and URLs.")
    name: str = Field(min_length=1, description="Name shown on screens, in Vietnamese, e.g. 'Chợ Quảng Thọ'.")
    url: str = Field(
        min_length=1,
        description="rtsp://, http(s):// MJPEG, a video file path, or synthetic:; credentials as ${NAME}.",
    )
    fps: float = Field(default=2.0, gt=0, le=30, description="Analysis frames per second.")
    zones: list[ZoneConfig] = Field(default_factory=list, description="Watched zones with their schedules.")
