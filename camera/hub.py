"""The web process's view of the cameras: status, latest frames, live MJPEG and the event log, read from the
runtime directory the camera workers write (no analysis and no decoding in the web process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from camera.mjpeg import Broadcaster, multipart_chunk
from camera.models import CameraEvent, EventPhase, EventType
from camera.review import ReviewLog
from camera.runtime import RuntimeDir
from camera.settings import CameraConfig, CameraSystemConfig
from camera.urls import mask_url

STATUS_STALE_S = 10.0  # a status not refreshed for this long means its worker is gone


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def offline_share(events: list[CameraEvent], start: datetime, end: datetime) -> float | None:
    """Share of [start, end) a camera spent offline according to its events (None: no event before end)."""
    span = (end - start).total_seconds()
    events = sorted((e for e in events if e.ts < end), key=lambda e: e.ts)
    if not events or span <= 0:
        return None
    offline_since: datetime | None = None
    total = 0.0
    for e in events:
        if e.type is EventType.OFFLINE and e.phase is EventPhase.START and offline_since is None:
            offline_since = e.ts
        elif offline_since is not None and (e.type is EventType.ONLINE or e.type is EventType.OFFLINE):
            total += max(0.0, (min(e.ts, end) - max(offline_since, start)).total_seconds())
            offline_since = None
    if offline_since is not None:
        total += max(0.0, (end - max(offline_since, start)).total_seconds())
    return min(1.0, total / span)


class CameraHub:
    """Read side of the camera system for the dashboard (`AppContext.cameras`)."""

    def __init__(
        self, cameras: Sequence[CameraConfig], system: CameraSystemConfig, timezone: str = "Asia/Ho_Chi_Minh"
    ) -> None:
        self.cameras = {c.id: c for c in cameras}
        self.system = system
        self.tz = ZoneInfo(timezone)
        self.runtime = RuntimeDir(system.runtime_dir)
        self._broadcasters: dict[str, Broadcaster] = {}
        self._lock = threading.Lock()

    def status(self, camera_id: str) -> dict:
        """One camera as the API shows it (the URL masked)."""
        camera = self.cameras[camera_id]
        st = self.runtime.read_status(camera_id)
        fresh = st is not None and time.time() - st.updated_ts < max(
            STATUS_STALE_S, self.system.offline_after_s
        )
        return {
            "id": camera.id,
            "name": camera.name,
            "url": mask_url(camera.url),
            "enabled": camera.enabled,
            "online": bool(fresh and st.online),
            "last_frame": iso(st.last_frame_ts if st else None),
            "fps": st.fps if fresh else 0.0,
            "analysis_fps": st.analysis_fps if fresh else 0.0,
            "lag_s": st.lag_s if fresh else None,
            "reconnects": st.reconnects if st else 0,
            "dropped": st.dropped if st else 0,
            "width": st.width if st else None,
            "height": st.height if st else None,
            "flood_point": camera.flood_point,
            "former_unit": camera.former_unit,
            "zones": [z.name for z in camera.zones],
            "age_s": round(time.time() - st.last_frame_ts, 1) if st and st.last_frame_ts else None,
            "events_today": self.events_today(camera_id),
        }

    def list(self) -> list[dict]:
        return [self.status(cid) for cid in self.cameras]

    def online_count(self) -> int:
        return sum(1 for row in self.list() if row["online"])

    def metrics(self) -> dict[str, dict[str, float]]:
        """Per-camera figures for GET /metrics (labelled by camera)."""
        rows = self.list()
        return {
            "camera_online": {r["id"]: int(r["online"]) for r in rows},
            "camera_fps": {r["id"]: r["fps"] for r in rows},
            "camera_analysis_lag_seconds": {r["id"]: r["lag_s"] for r in rows if r["lag_s"] is not None},
            "camera_reconnects_total": {r["id"]: r["reconnects"] for r in rows},
            "camera_dropped_frames_total": {r["id"]: r["dropped"] for r in rows},
        }

    def camera_availability(self, start: datetime, end: datetime) -> float | None:
        """Percent of [start, end) the cameras were not offline, averaged over cameras with a logged event."""
        shares = [offline_share(self.runtime.read_events(cid), start, end) for cid in self.cameras]
        known = [s for s in shares if s is not None]
        return round(100 * (1 - sum(known) / len(known)), 2) if known else None

    def latest_jpeg(self, camera_id: str) -> bytes | None:
        latest = self.runtime.read_latest(camera_id) if camera_id in self.cameras else None
        return latest[0] if latest else None

    def stream(self, camera_id: str) -> Iterator[bytes]:
        """Multipart MJPEG chunks for one viewer; viewers of a camera share one broadcaster."""
        with self._lock:
            broadcaster = self._broadcasters.get(camera_id)
            if broadcaster is None:
                broadcaster = self._broadcasters[camera_id] = Broadcaster(
                    self.runtime, camera_id, self.system.live_fps
                )
        for jpeg in broadcaster.frames():
            yield multipart_chunk(jpeg)

    def broadcaster(self, camera_id: str) -> Broadcaster | None:
        return self._broadcasters.get(camera_id)

    def events(
        self,
        camera: str | None = None,
        type: str | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[CameraEvent]:
        """Logged events, newest first, filtered by camera, type and start time."""
        ids = [camera] if camera else list(self.cameras)
        found = [
            e
            for cid in ids
            if cid in self.cameras
            for e in self.runtime.read_events(cid)
            if (type is None or e.type.value == type) and (since is None or e.ts >= since)
        ]
        found.sort(key=lambda e: e.ts, reverse=True)
        return found[:limit]

    def events_today(self, camera_id: str) -> int:
        """Events started today (local day) at this camera, online notices and false alarms excepted."""
        midnight = datetime.now(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        false_ids = ReviewLog(self.system.review_log).false_alarms()
        return sum(
            1
            for e in self.runtime.read_events(camera_id)
            if e.phase is EventPhase.START
            and e.type is not EventType.ONLINE
            and e.ts >= midnight
            and e.event_id not in false_ids
        )

    def event_snapshot(self, event_id: str) -> Path | None:
        """The snapshot file of an event, only if it lies inside the snapshot directory."""
        for camera_id in self.cameras:
            if not event_id.startswith(f"{camera_id}-"):
                continue
            for event in self.runtime.read_events(camera_id):
                if event.event_id == event_id and event.snapshot:
                    root = self.system.snapshot_dir.resolve()
                    path = (root / event.snapshot).resolve()
                    if path.is_relative_to(root) and path.is_file():
                        return path
        return None


def merge_events(local: list[CameraEvent], recorded: list[CameraEvent], limit: int) -> list[CameraEvent]:
    """The workers' own event log and the events ingest recorded from MQTT (other publishers too, such as an NVR),
    each event once, newest first. An event is the same when its camera and event id match, or, without an id,
    its camera, time, type and phase."""

    def key(e: CameraEvent) -> tuple:
        return (e.camera_id, e.event_id) if e.event_id else (e.camera_id, e.ts, e.type, e.phase)

    seen = {key(e) for e in local}
    merged = local + [e for e in recorded if key(e) not in seen]
    merged.sort(key=lambda e: e.ts, reverse=True)
    return merged[:limit]
