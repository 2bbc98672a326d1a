"""The cameras as the police desk and the camera API read them: a camera and its event episodes (start to end,
with snapshot, clip and review mark) as the frozen views of dashboard.read.camera_views; the events themselves (the
camera hub's own and those ingest recorded from MQTT, merged), the media files, the false-alarm marks and the access
audit; `camera_reads(ctx)` gives the reader of a context."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from camera.hub import merge_events
from camera.models import CameraEvent
from camera.review import ReviewLog, ReviewMark
from camera.settings import CameraConfig, CameraSystemConfig
from config.commune import CommuneConfig
from config.ids import is_relative_path
from dashboard.camera_audit import AccessDetail, AccessRow, read_access, record_access
from dashboard.read.camera_views import (
    CameraStatusView,
    CameraView,
    EpisodeStatus,
    EpisodeView,
    ReviewFilter,
    fold_episodes,
    safe_file,
)
from dashboard.services import CameraReads as CameraHubReads
from dashboard.services import StateReads
from sensors.settings import SensorConfig

if TYPE_CHECKING:
    from dashboard.context import AppContext

log = logging.getLogger(__name__)
EPISODE_SCAN = 2000  # events read per camera for the review timeline
_KEY = "camera_reads"


class CameraSite(Protocol):
    """The part of the configuration the cameras' reader needs (dashboard.site.SiteConfig has it)."""

    @property
    def cameras(self) -> Sequence[CameraConfig]: ...

    @property
    def camera(self) -> CameraSystemConfig: ...

    @property
    def commune(self) -> CommuneConfig: ...

    def sensor(self, device_id: str) -> SensorConfig | None: ...


class CameraReads:
    """Everything the camera pages and the camera API read, from the camera hub, the app-state file's recorded
    events and the configuration; plus the desk's two writes beside them (a false-alarm mark, an audited access).
    A source that is missing or fails gives nothing (its failure is logged)."""

    def __init__(self, site: CameraSite, hub: CameraHubReads | None, recorded: StateReads | None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.site = site
        self.hub = hub
        self.recorded = recorded
        self.tz = ZoneInfo(site.commune.timezone)
        self._clock = clock or (lambda: datetime.now(UTC))

    def serves(self, site: object, hub: object, recorded: object) -> bool:
        """Made from these very sources (a context copied with another configuration needs its own reader)."""
        return site is self.site and hub is self.hub and recorded is self.recorded

    # -- the configuration ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """The camera hub of the web process is there."""
        return self.hub is not None

    @property
    def commune(self) -> CommuneConfig:
        return self.site.commune

    @property
    def configured(self) -> Sequence[CameraConfig]:
        return self.site.cameras

    def camera(self, camera_id: str | None) -> CameraConfig | None:
        return next((c for c in self.site.cameras if c.id == camera_id), None)

    def camera_of_event(self, event_id: str) -> str | None:
        """The camera an event id belongs to (ids start with '<camera>-')."""
        return next((c.id for c in self.site.cameras if event_id.startswith(f"{c.id}-")), None)

    @property
    def system(self) -> CameraSystemConfig:
        """The camera options of the running hub (tests give it their own folders), else of the configuration."""
        return self.hub.system if self.hub is not None else self.site.camera

    def area_of(self, camera: CameraConfig) -> str:
        """A camera's hamlet: its own `area`, else its flood point's name, else the commune's name."""
        point = self.site.sensor(camera.flood_point) if camera.flood_point else None
        return camera.area or (point.name if point else self.site.commune.name)

    def areas(self) -> list[str]:
        return sorted({self.area_of(c) for c in self.site.cameras})

    def zones(self) -> list[str]:
        return sorted({z.name for c in self.site.cameras for z in c.zones})

    def unit_cameras(self, unit: str) -> set[str]:
        """The ids of the cameras of one former commune."""
        return {c.id for c in self.site.cameras if c.former_unit == unit}

    # -- status ---------------------------------------------------------------------------------------------
    def statuses(self) -> list[CameraStatusView]:
        """Every camera the hub knows, as its worker reports it (nothing while the hub is not running)."""
        if self.hub is None:
            return []
        try:
            rows = self.hub.list()
        except Exception as exc:  # a camera's broken status file must not break a page
            log.warning("camera statuses unavailable: %s", exc)
            return []
        return [CameraStatusView.of(row) for row in rows]

    def cameras(self, unit: str | None = None) -> list[CameraView]:
        """Every configured camera (of one former commune with `unit`), in the configuration's order."""
        listed = {s.id: s for s in self.statuses()}
        now = self._clock()
        out = []
        for cam in self.site.cameras:
            if unit is not None and cam.former_unit != unit:
                continue
            point = self.site.sensor(cam.flood_point) if cam.flood_point else None
            status = listed.get(cam.id)
            last = status.last_frame if status else None
            out.append(CameraView(
                id=cam.id, name=status.name if status else cam.name, area=self.area_of(cam),
                location=cam.location or (point.location if point else None), former_unit=cam.former_unit,
                zones=tuple(z.name for z in cam.zones), status=status,
                age_s=(now - last).total_seconds() if last else None,
            ))
        return out

    # -- events and media -----------------------------------------------------------------------------------
    def events(self, camera: str | None = None, type_: str | None = None, since: datetime | None = None,
               limit: int = 200, within: set[str] | None = None) -> list[CameraEvent]:
        """Events of one camera (or all; or of the cameras `within`), newest first: the workers' own log and,
        merged, the events ingest recorded from MQTT (other publishers such as an NVR)."""
        if within is None:
            return self._events(camera, type_, since, limit)
        found: list[CameraEvent] = []
        for cam in sorted(within if camera is None else within & {camera}):
            found = merge_events(found, self._events(cam, type_, since, limit), limit)
        return found

    def _events(self, camera: str | None, type_: str | None, since: datetime | None, limit: int) -> list[CameraEvent]:
        local: list[CameraEvent] = []
        recorded: list[CameraEvent] = []
        try:
            local = self.hub.events(camera, type_, since, limit) if self.hub is not None else []
        except Exception as exc:  # an unreadable event log must not break a page
            log.warning("camera events unavailable: %s", exc)
        try:
            recorded = self.recorded.camera_events(camera, type_, since, limit) if self.recorded is not None else []
        except Exception as exc:
            log.warning("recorded camera events unavailable: %s", exc)
        return merge_events(local, recorded, limit)

    def latest_jpeg(self, camera_id: str) -> bytes | None:
        return self.hub.latest_jpeg(camera_id) if self.hub is not None else None

    def stream(self, camera_id: str) -> Iterator[bytes]:
        """The live MJPEG chunks of one camera (nothing while the hub is not running)."""
        return self.hub.stream(camera_id) if self.hub is not None else iter(())

    def knows(self, camera_id: str) -> bool:
        """The running hub has this camera."""
        return self.hub is not None and camera_id in self.hub.cameras

    def event_snapshot(self, event_id: str) -> Path | None:
        return self.hub.event_snapshot(event_id) if self.hub is not None else None

    def snapshot_file(self, relative: str | None) -> Path | None:
        """A JPEG under the snapshot directory, by the path events carry."""
        path = safe_file(self.system.snapshot_dir, relative) if is_relative_path(relative) and relative else None
        return path if path is not None and path.suffix.lower() in (".jpg", ".jpeg") else None

    def clip_file(self, relative: str | None) -> Path | None:
        """An MP4 under the clip directory, by the path events carry."""
        path = safe_file(self.system.clip_dir, relative) if is_relative_path(relative) and relative else None
        return path if path is not None and path.suffix.lower() == ".mp4" else None

    # -- review ---------------------------------------------------------------------------------------------
    def false_alarms(self) -> set[str]:
        """Ids of the events whose newest review mark says false alarm."""
        return ReviewLog(self.system.review_log).false_alarms()

    def episodes(self, flt: ReviewFilter, limit: int = 300) -> list[EpisodeView]:
        """The review timeline: event episodes matching the filter, newest first."""
        cameras = {c.id: c for c in self.site.cameras}
        ids = [flt.camera] if flt.camera else list(cameras)
        if flt.area:
            ids = [i for i in ids if i in cameras and self.area_of(cameras[i]) == flt.area]
        events: list[CameraEvent] = []
        for camera_id in ids:
            events += self.events(camera_id, flt.type, flt.start, EPISODE_SCAN)
        false_ids = self.false_alarms()
        clip_root = self.system.clip_dir
        out: list[EpisodeView] = []
        for fold in fold_episodes(events):
            e = fold.first
            status = (EpisodeStatus.FALSE_ALARM if e.event_id in false_ids
                      else EpisodeStatus.ENDED if fold.end else EpisodeStatus.ACTIVE)
            if (flt.end and e.ts > flt.end) or (flt.zone and e.zone != flt.zone):
                continue
            if not flt.false_alarms and status is EpisodeStatus.FALSE_ALARM:
                continue
            cam = cameras.get(e.camera_id)
            out.append(EpisodeView(
                event_id=e.event_id, camera=e.camera_id, camera_name=cam.name if cam else e.camera_id,
                area=self.area_of(cam) if cam else None, type=e.type, zone=e.zone, start=e.ts, end=fold.end,
                score=fold.score, snapshot=fold.snapshot, clip=fold.clip,
                clip_ready=bool(fold.clip and safe_file(clip_root, fold.clip)), status=status,
                local_start=e.ts.astimezone(self.tz),
            ))
            if len(out) >= limit:
                break
        return out

    def episode(self, event_id: str | None) -> EpisodeView | None:
        """One episode by its event id (None when no configured camera has it)."""
        camera = self.camera_of_event(event_id) if event_id else None
        if camera is None:
            return None
        return next((r for r in self.episodes(ReviewFilter(camera=camera), 5000) if r.event_id == event_id), None)

    def evidence_files(self, episode: EpisodeView) -> dict[str, Path]:
        """The files of an episode's evidence ZIP by their name in it ('snapshot.jpg', 'clip.mp4')."""
        files: dict[str, Path] = {}
        for key, root, relative in (("snapshot", self.system.snapshot_dir, episode.snapshot),
                                    ("clip", self.system.clip_dir, episode.clip)):
            path = safe_file(root, relative) if relative and is_relative_path(relative) else None
            if path is not None:
                files[f"{key}{path.suffix}"] = path
        return files

    def mark_false_alarm(self, event_id: str, camera: str, flag: bool, who: str, note: str = "") -> None:
        """Mark an event a false alarm (or take the mark back); the event itself is kept."""
        ReviewLog(self.system.review_log).append(ReviewMark(event_id, camera, flag, who, self._clock(), note))

    # -- the access audit -----------------------------------------------------------------------------------
    def audit(self, action: str, who: str, role: str, event_id: str, camera: str,
              **detail: AccessDetail) -> AccessRow:
        """Record a clip view, an export or a review mark (who, when, from where)."""
        return record_access(self.system.access_log, action, who, role, event_id, camera, **detail)

    def accesses(self, limit: int = 500) -> list[AccessRow]:
        """The audited accesses, newest first."""
        return read_access(self.system.access_log, limit)


def camera_reads(ctx: AppContext) -> CameraReads:
    """The cameras' reader of a context, made once (kept in ctx.extras; again when the context was copied with
    other sources)."""
    reads = ctx.extras.get(_KEY)
    if isinstance(reads, CameraReads) and reads.serves(ctx.config, ctx.cameras, ctx.state_db):
        return reads
    made = CameraReads(ctx.config, ctx.cameras, ctx.state_db)
    ctx.extras[_KEY] = made
    return made

