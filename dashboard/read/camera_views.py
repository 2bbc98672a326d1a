"""The frozen views the cameras' reader (dashboard.read.cameras) gives the police desk and the camera API: a camera
(its status as the hub reports it, its hamlet and place), its event episodes folded from start to end (with snapshot,
clip and review mark), the review's filter, and the media URLs and paths they name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from camera.models import CameraEvent, EventPhase, EventType
from config.section import Location
from dashboard.services import CameraStatus as HubRow

ALARM_TYPES = (EventType.INTRUSION, EventType.TAMPER, EventType.MOTION)  # what the review timeline folds


def utc_text(ts: datetime) -> str:
    """An aware time as ISO 8601 UTC ending in Z."""
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def snapshot_url(relative: str | None) -> str | None:
    """The address that serves a snapshot (its path under the snapshot directory)."""
    return f"/api/snapshots/{quote(relative)}" if relative else None


def clip_url(relative: str | None) -> str | None:
    """The address that serves a clip (its path under the clip directory)."""
    return f"/api/clips/{quote(relative)}" if relative else None


def safe_file(root: Path, relative: str) -> Path | None:
    """`root / relative` if it is an existing file inside `root` (no `..` escapes, no symlinks out)."""
    base = Path(root).resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None


@dataclass(frozen=True, slots=True)
class CameraStatusView:
    """A camera as its worker last reported it through the hub (a row of GET /api/cameras); the URL masked."""

    id: str
    name: str
    url: str
    enabled: bool
    online: bool
    last_frame: datetime | None
    fps: float
    analysis_fps: float
    lag_s: float | None
    reconnects: int
    dropped: int
    width: int | None
    height: int | None
    flood_point: str | None
    former_unit: str | None
    zones: tuple[str, ...]
    age_s: float | None  # since the last frame, when the hub read the status
    events_today: int

    @classmethod
    def of(cls, row: HubRow) -> CameraStatusView:
        """From the hub's status object (camera.hub.CameraHub.status); its values kept as they are."""
        last = row["last_frame"]
        return cls(
            id=row["id"], name=row["name"], url=row["url"], enabled=row["enabled"], online=row["online"],
            last_frame=datetime.fromisoformat(last) if last else None, fps=row["fps"],
            analysis_fps=row["analysis_fps"], lag_s=row["lag_s"], reconnects=row["reconnects"], dropped=row["dropped"],
            width=row["width"], height=row["height"], flood_point=row["flood_point"], former_unit=row["former_unit"],
            zones=tuple(row["zones"]), age_s=row["age_s"], events_today=row["events_today"],
        )


@dataclass(frozen=True, slots=True)
class CameraView:
    """A configured camera on the desk, the wall and the map: its hamlet (`area`: its own, else its flood point's
    name, else the commune's), its place (its own, else its flood point's), its status (None: the hub does not
    report it) and the seconds since its last frame."""

    id: str
    name: str
    area: str
    location: Location | None
    former_unit: str | None
    zones: tuple[str, ...]
    status: CameraStatusView | None
    age_s: float | None

    @property
    def online(self) -> bool:
        return self.status is not None and self.status.online

    @property
    def last_frame(self) -> datetime | None:
        return None if self.status is None else self.status.last_frame


class EpisodeStatus(StrEnum):
    """Where an event episode stands on the review timeline."""

    ACTIVE = "active"
    ENDED = "ended"
    FALSE_ALARM = "false_alarm"  # marked by an officer; kept, only greyed


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """What the review timeline shows: a UTC time range and optional camera, hamlet, zone and type."""

    start: datetime | None = None
    end: datetime | None = None
    camera: str | None = None
    area: str | None = None
    zone: str | None = None
    type: str | None = None
    false_alarms: bool = True  # show events marked false alarm


@dataclass(frozen=True, slots=True)
class EpisodeView:
    """One event from its start to its end (Frigate's review item): the peak score, the first snapshot and clip,
    its review status; `clip_ready` once the clip file is written."""

    event_id: str
    camera: str
    camera_name: str
    area: str | None
    type: EventType
    zone: str | None
    start: datetime
    end: datetime | None
    score: float | None
    snapshot: str | None
    clip: str | None
    clip_ready: bool
    status: EpisodeStatus
    local_start: datetime  # the start in the commune's time

    @property
    def duration_s(self) -> float | None:
        return round((self.end - self.start).total_seconds(), 1) if self.end else None

    @property
    def local_time(self) -> str:
        return self.local_start.strftime("%d/%m/%Y %H:%M:%S")

    @property
    def snapshot_url(self) -> str | None:
        return snapshot_url(self.snapshot)

    @property
    def clip_url(self) -> str | None:
        return clip_url(self.clip) if self.clip_ready else None

    @property
    def key(self) -> str:
        """The episode's id, or for an event without one its camera and start."""
        return self.event_id or f"{self.camera}@{utc_text(self.start)}"


@dataclass
class _Fold:
    """An episode while its events are folded in (oldest first)."""

    first: CameraEvent
    end: datetime | None = None
    score: float | None = None
    snapshot: str | None = None
    clip: str | None = None

    def add(self, e: CameraEvent) -> None:
        if e.score is not None:
            self.score = max(self.score or 0.0, e.score)
        self.snapshot = self.snapshot or e.snapshot
        self.clip = self.clip or e.clip
        if e.phase is EventPhase.END:
            self.end = e.ts


def fold_episodes(events: Sequence[CameraEvent]) -> list[_Fold]:
    """Start, updates and end of each intrusion, tamper and motion event folded into one (newest start first).
    The same event: the same camera and event id, or without an id the same camera, time and type."""
    folds: dict[tuple[object, ...], _Fold] = {}
    for e in sorted(events, key=lambda e: e.ts):
        if e.type not in ALARM_TYPES:
            continue
        key: tuple[object, ...] = (e.camera_id, e.event_id) if e.event_id else (e.camera_id, e.ts, e.type)
        fold = folds.get(key)
        if fold is None:
            fold = folds[key] = _Fold(e, score=e.score)
        fold.add(e)
    return sorted(folds.values(), key=lambda f: f.first.ts, reverse=True)
