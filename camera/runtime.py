"""The runtime directory shared by camera workers and the web process, one folder per camera:
`latest.jpg` (the newest frame, replaced atomically), `status.json` (reader and analysis figures, replaced
atomically), `watch` (touched by the web process while someone watches live), and `events/<camera>.jsonl`
(the camera's event log, appended by its one worker)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from camera.models import CameraEvent, EventPhase, EventType
from camera.snapshots import write_atomic

EVENT_LOG_MAX_BYTES = 4 * 1024 * 1024  # then the log turns over into `<camera>.jsonl.1`


@dataclass(frozen=True, slots=True)
class CameraStatus:
    """What the worker knows about a camera, for the web process (times in epoch seconds)."""

    id: str
    url: str  # masked
    online: bool | None  # None: not decided yet (starting)
    last_frame_ts: float | None
    fps: float
    analysis_fps: float
    lag_s: float | None
    reconnects: int
    dropped: int
    width: int | None
    height: int | None
    updated_ts: float
    frames_total: int = 0  # pictures decoded
    analysed_total: int = 0
    packets_total: int = 0  # compressed packets read (both streams of a camera with a sub-stream)
    key_frames_only: bool = False  # nothing moves: only key frames are decoded


def event_payload(event: CameraEvent) -> dict:
    """The JSON object of `<prefix>/camera/<id>/event` (DESIGN.md), with event_id and phase."""
    return {
        "ts": event.ts.astimezone(UTC).isoformat(),
        "type": event.type.value,
        "zone": event.zone,
        "score": event.score,
        "snapshot": event.snapshot,
        "clip": event.clip,
        "event_id": event.event_id,
        "phase": event.phase.value,
        "camera": event.camera_id,
    }


def event_from_payload(camera_id: str, data: dict) -> CameraEvent:
    return CameraEvent(
        camera_id,
        datetime.fromisoformat(data["ts"]),
        EventType(data["type"]),
        data.get("event_id", ""),
        EventPhase(data.get("phase", "start")),
        data.get("zone"),
        data.get("score"),
        data.get("snapshot"),
        data.get("clip"),
    )


class RuntimeDir:
    """Paths and atomic reads and writes of the runtime directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def camera_dir(self, camera_id: str) -> Path:
        path = self.root / camera_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def write_latest(self, camera_id: str, jpeg: bytes) -> None:
        write_atomic(self.camera_dir(camera_id) / "latest.jpg", jpeg)

    def read_latest(self, camera_id: str) -> tuple[bytes, float] | None:
        """The latest frame's JPEG bytes and the time it was written."""
        path = self.root / camera_id / "latest.jpg"
        try:
            with open(path, "rb") as fh:
                return fh.read(), os.fstat(fh.fileno()).st_mtime
        except FileNotFoundError:
            return None

    def write_status(self, status: CameraStatus) -> None:
        write_atomic(self.camera_dir(status.id) / "status.json", json.dumps(asdict(status)).encode())

    def read_status(self, camera_id: str) -> CameraStatus | None:
        try:
            return CameraStatus(**json.loads((self.root / camera_id / "status.json").read_bytes()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def touch_watch(self, camera_id: str) -> None:
        (self.camera_dir(camera_id) / "watch").touch()

    def watched(self, camera_id: str, within_s: float = 10.0) -> bool:
        try:
            return time.time() - (self.root / camera_id / "watch").stat().st_mtime < within_s
        except FileNotFoundError:
            return False

    def _log_path(self, camera_id: str) -> Path:
        folder = self.root / "events"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{camera_id}.jsonl"

    def append_event(self, event: CameraEvent) -> None:
        path = self._log_path(event.camera_id)
        if path.exists() and path.stat().st_size > EVENT_LOG_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(event_payload(event), ensure_ascii=False) + "\n")

    def read_events(self, camera_id: str) -> list[CameraEvent]:
        """The camera's logged events, oldest first (bad lines skipped)."""
        path = self._log_path(camera_id)
        events = []
        for part in (path.with_name(path.name + ".1"), path):
            try:
                lines = part.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                continue
            for line in lines:
                try:
                    events.append(event_from_payload(camera_id, json.loads(line)))
                except (ValueError, KeyError, TypeError):
                    continue
        return events
