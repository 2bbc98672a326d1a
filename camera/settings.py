"""The `cameras:` and `camera:` configuration sections."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from config.ids import ID_PATTERN
from config.section import Location, Section


class ZoneConfig(Section):
    """A watched area of a camera's picture."""

    name: str = Field(min_length=1, description="Zone name shown with its alerts, e.g. 'Sân UBND'.")
    polygon: list[tuple[float, float]] = Field(
        min_length=3, description="Corners as [x, y] fractions of the frame (0..1, origin top left)."
    )
    schedule: str | None = Field(
        default=None,
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Local time window when motion here is an intrusion, e.g. '22:00-05:00'; empty: always.",
    )
    min_object_fraction: float = Field(
        default=0.002,
        gt=0,
        le=1,
        description="Smallest object that counts, as a share of the frame area (0.002: 19×19 px at 640×360).",
    )
    objects: list[Literal["person", "vehicle"]] | None = Field(
        default=None,
        description="Which objects raise an intrusion here, e.g. [person] or [person, vehicle]; empty: anything "
        "that moves. With a list, the object must also stay min_dwell_s and travel min_travel_fraction.",
    )
    min_dwell_s: float = Field(
        default=1.0, ge=0, le=600, description="With `objects`: seconds an object must stay in the zone to alarm."
    )
    min_travel_fraction: float = Field(
        default=0.04,
        ge=0,
        le=1,
        description="With `objects`: how far it must move (share of the frame width) — swaying leaves do not.",
    )

    @model_validator(mode="after")
    def _check(self) -> ZoneConfig:
        for x, y in self.polygon:
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError(
                    f"zone '{self.name}' has corner [{x}, {y}] outside the frame. "
                    "Fix: give corners as fractions between 0 and 1, e.g. [0.1, 0.5]"
                )
        if self.schedule:
            for part in self.schedule.split("-"):
                hour, minute = (int(v) for v in part.split(":"))
                if hour > 23 or minute > 59:
                    raise ValueError(
                        f"zone '{self.name}' schedule '{self.schedule}' has an impossible time '{part}'. "
                        "Fix: use HH:MM-HH:MM with hours 00..23, e.g. '22:00-05:00'"
                    )
        return self


class CameraConfig(Section):
    """One CCTV camera."""

    id: str = Field(pattern=ID_PATTERN, description="Camera id used in topics and URLs (config/ids.py's set).")
    name: str = Field(min_length=1, description="Name shown on screens, in Vietnamese, e.g. 'Chợ Quảng Thọ'.")
    url: str = Field(
        min_length=1,
        description="rtsp://, http(s):// MJPEG, a video file path, or synthetic:; credentials as ${NAME}.",
    )
    detect_url: str | None = Field(
        default=None,
        min_length=1,
        description="The camera's sub-stream (e.g. rtsp://…/Streaming/Channels/102) to analyse instead of `url`; "
        "`url` (the main stream) is then only copied into clips and recordings, never decoded.",
    )
    fps: float = Field(default=2.0, gt=0, le=30, description="Analysis frames per second.")
    zones: list[ZoneConfig] = Field(default_factory=list, description="Watched zones with their schedules.")
    flood_point: str | None = Field(
        default=None,
        description="Id of the flood sensor this camera looks at (shown with it), e.g. flood-01.",
    )
    area: str | None = Field(
        default=None,
        description="Hamlet or area it watches, for the police view's filter, e.g. 'Thôn Phò Nam'.",
    )
    location: Location | None = Field(default=None, description="Where it stands, for the map: {lat, lon}.")
    former_unit: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="Id of the former commune (commune.former_units) it stands in, e.g. quang-phuoc; its alerts "
                    "carry it and the police desk filters and groups by it.",
    )
    tamper: bool = Field(default=True, description="Watch for a covered, defocused or moved camera.")
    enabled: bool = Field(default=True, description="false keeps the camera listed but not read or analysed.")
    record: bool = Field(
        default=False,
        description="Record this RTSP camera continuously in MP4 segments (for communes without an NVR).",
    )


class CameraSystemConfig(Section):
    """Options shared by all cameras: where snapshots go, how many worker processes analyse them."""

    snapshot_dir: Path = Field(default=Path("data/snapshots"), description="Directory for event snapshots (JPEG).")
    runtime_dir: Path = Field(
        default=Path("data/run/cameras"),
        description="Directory where workers leave each camera's latest frame and status for the web.",
    )
    snapshot_max_age_days: float = Field(default=30, gt=0, description="Snapshots older than this are deleted.")
    snapshot_max_mb: float = Field(
        default=2000, gt=0, description="Total size of the snapshot directory; the oldest go first above it."
    )
    clips: bool = Field(
        default=True,
        description="Write an MP4 clip around each intrusion, tamper and motion event (RTSP: copied, not re-encoded).",
    )
    clip_dir: Path = Field(default=Path("data/clips"), description="Directory for event clips (MP4).")
    clip_pre_roll_s: float = Field(default=4, ge=0, le=30, description="Seconds of picture kept before the event.")
    clip_post_roll_s: float = Field(default=6, ge=1, le=60, description="Seconds recorded after the event starts.")
    clip_max_age_days: float = Field(default=30, gt=0, description="Clips older than this are deleted.")
    record_dir: Path = Field(default=Path("data/recordings"), description="Directory of continuous recordings.")
    record_segment_s: float = Field(default=300, ge=10, le=3600, description="Length of one recording segment.")
    record_retention_days: float = Field(default=7, gt=0, description="Recordings older than this are deleted.")
    record_max_mb: float = Field(
        default=50000, gt=0, description="Total size of the recordings; the oldest segments go first above it."
    )
    review_log: Path = Field(
        default=Path("data/camera_review.jsonl"),
        description="Append-only file of false-alarm marks on camera events (who, when, note).",
    )
    access_log: Path = Field(
        default=Path("data/camera_access.jsonl"),
        description="Append-only audit of who viewed event clips and exported evidence (Nghị định 13/2023).",
    )
    clip_max_mb: float = Field(
        default=5000, gt=0, description="Total size of the clip directory; the oldest go first above it."
    )
    workers: int = Field(default=2, ge=1, le=32, description="Worker processes reading and analysing cameras.")
    offline_after_s: float = Field(
        default=15, ge=2, le=3600, description="A camera silent this long is offline (event `offline`)."
    )
    tamper_after_s: float = Field(
        default=5,
        ge=0,
        le=600,
        description="A covered, blurred or moved view must last this long to be tamper.",
    )
    idle_key_frames: bool = Field(
        default=True,
        description="While nothing moves, decode only the key frames of an RTSP camera (every picture again from "
        "the next key frame once something moves); clips still hold every packet of their pre-roll.",
    )
    idle_after_s: float = Field(
        default=10, ge=0, le=3600, description="Seconds without motion before a camera decodes key frames only."
    )
    live_fps: float = Field(default=4, gt=0, le=15, description="Frames per second of the live MJPEG view.")
    publish_motion: bool = Field(
        default=False,
        description="Also publish plain `motion` events (outside zones); noisy, off by default.",
    )
    analysis_width_px: int = Field(
        default=160, ge=64, le=640, description="Width of the grey frame the analysis works on."
    )
