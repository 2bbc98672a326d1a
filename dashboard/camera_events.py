"""Camera events as the police pages and the event API show them: the workers' own log merged with the events
ingest recorded from MQTT (other publishers such as an NVR), each as a row with local time and media URLs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from camera.hub import merge_events
from camera.models import CameraEvent
from camera.runtime import event_payload


def merged_events(
    ctx: Any, camera: str | None = None, type_: str | None = None, since: datetime | None = None, limit: int = 200
) -> list[CameraEvent]:
    """Events of one camera (or all), newest first, from the camera hub and the recorded MQTT events."""
    local = ctx.cameras.events(camera, type_, since, limit) if ctx.cameras is not None else []
    recorded = ctx.state_db.camera_events(camera, type_, since, limit) if ctx.state_db is not None else []
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
    row["clip_url"] = clip_url(event.clip)
    return row


def safe_file(root: Path, relative: str) -> Path | None:
    """`root / relative` if it is an existing file inside `root` (no `..` escapes, no symlinks out)."""
    base = Path(root).resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None


ALARM_TYPES = ("intrusion", "tamper", "motion")


def clip_url(relative: str | None) -> str | None:
    return f"/api/clips/{quote(relative)}" if relative else None


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """What the review timeline shows: a UTC time range and optional camera, hamlet, zone and type."""

    start: datetime | None = None
    end: datetime | None = None
    camera: str | None = None
    area: str | None = None
    zone: str | None = None
    type: str | None = None
    false_alarms: bool = True  # show events marked false alarm (they are kept, only greyed)


def episodes(events: list[CameraEvent], false_ids: set[str]) -> list[dict[str, Any]]:
    """Start, updates and end of each event folded into one row (newest first): start and end time, duration,
    peak score, snapshot, clip and status (`active`, `ended`, `false_alarm`)."""
    rows: dict[tuple, dict[str, Any]] = {}
    for e in sorted(events, key=lambda e: e.ts):
        if e.type.value not in ALARM_TYPES:
            continue
        key = (e.camera_id, e.event_id) if e.event_id else (e.camera_id, e.ts, e.type)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "event_id": e.event_id,
                "camera": e.camera_id,
                "type": e.type.value,
                "zone": e.zone,
                "start": e.ts,
                "end": None,
                "score": e.score,
                "snapshot": e.snapshot,
                "clip": e.clip,
            }
        if e.score is not None:
            row["score"] = max(row["score"] or 0.0, e.score)
        row["snapshot"] = row["snapshot"] or e.snapshot
        row["clip"] = row["clip"] or e.clip
        if e.phase.value == "end":
            row["end"] = e.ts
    out = list(rows.values())
    for row in out:
        row["status"] = (
            "false_alarm" if row["event_id"] in false_ids else ("ended" if row["end"] else "active")
        )
    out.sort(key=lambda r: r["start"], reverse=True)
    return out


def area_of(config: Any, camera: Any) -> str:
    """A camera's hamlet: its own `area`, else its flood point's name, else the commune (as /cameras shows)."""
    point = config.sensor(camera.flood_point) if camera.flood_point else None
    return camera.area or (point.name if point else config.commune.name)


def review_rows(
    ctx: Any, flt: ReviewFilter, false_ids: set[str], clip_root: Path, tz: ZoneInfo, limit: int = 300
) -> list[dict[str, Any]]:
    """The review timeline: event episodes matching the filter, as JSON-ready rows with local times."""
    cameras = {c.id: c for c in ctx.config.cameras}
    ids = [flt.camera] if flt.camera else list(cameras)
    if flt.area:
        ids = [i for i in ids if i in cameras and area_of(ctx.config, cameras[i]) == flt.area]
    events: list[CameraEvent] = []
    for camera_id in ids:
        events += merged_events(ctx, camera_id, flt.type, flt.start, 2000)
    rows = []
    for row in episodes(events, false_ids):
        if (flt.end and row["start"] > flt.end) or (flt.zone and row["zone"] != flt.zone):
            continue
        if not flt.false_alarms and row["status"] == "false_alarm":
            continue
        cam = cameras.get(row["camera"])
        end = row["end"]
        rows.append(
            {
                **row,
                "camera_name": cam.name if cam else row["camera"],
                "area": area_of(ctx.config, cam) if cam else None,
                "start": row["start"].astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "end": end.astimezone(UTC).isoformat().replace("+00:00", "Z") if end else None,
                "duration_s": round((end - row["start"]).total_seconds(), 1) if end else None,
                "local_time": row["start"].astimezone(tz).strftime("%d/%m/%Y %H:%M:%S"),
                "snapshot_url": snapshot_url(row["snapshot"]),
                "clip_url": clip_url(row["clip"]) if row["clip"] and safe_file(clip_root, row["clip"]) else None,
            }
        )
        if len(rows) >= limit:
            break
    return rows
