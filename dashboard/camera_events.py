"""Camera events as the police pages and the event API show them: the workers' own log merged with the events
ingest recorded from MQTT (other publishers such as an NVR), each as a row with local time and media URLs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from camera.hub import merge_events
from camera.models import CameraEvent
from camera.runtime import event_payload
from dashboard.sources import call_first


def merged_events(
    ctx: Any, camera: str | None = None, type_: str | None = None, since: datetime | None = None, limit: int = 200
) -> list[CameraEvent]:
    """Events of one camera (or all), newest first, from the camera hub and the recorded MQTT events."""
    local = call_first(ctx.cameras, ("events",), camera, type_, since, limit) or []
    recorded = call_first(ctx.state_db, ("camera_events",), camera, type_, since, limit) or []
    return merge_events(list(local), list(recorded), limit)


def snapshot_url(relative: str | None) -> str | None:
    """The URL that serves a snapshot path (relative to the snapshot directory)."""
    return f"/api/snapshots/{quote(relative)}" if relative else None


def event_row(event: CameraEvent, tz: ZoneInfo) -> dict[str, Any]:
    """One event as JSON (the MQTT payload's fields) with local time and its snapshot URL."""
    row = event_payload(event)
    local = event.ts.astimezone(tz)
    row["local_time"] = local.strftime("%d/%m/%Y %H:%M:%S")
    row["local_clock"] = local.strftime("%H:%M:%S")
    row["snapshot_url"] = snapshot_url(event.snapshot)
    return row


def safe_file(root: Path, relative: str) -> Path | None:
    """`root / relative` if it is an existing file inside `root` (no `..` escapes, no symlinks out)."""
    base = Path(root).resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
