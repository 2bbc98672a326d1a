"""Snapshot retention and the runtime directory's event log as the hub reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from camera.hub import CameraHub
from camera.models import CameraEvent, EventPhase, EventType
from camera.runtime import RuntimeDir
from camera.settings import CameraConfig, CameraSystemConfig
from camera.snapshots import StoredFile, plan_prune, prune_snapshots, save_snapshot

DAY = 86400.0


def test_plan_prune_by_age_then_by_size() -> None:
    now = 100 * DAY
    files = [StoredFile(Path(f"{i}.jpg"), now - age * DAY, 100) for i, age in enumerate([40, 10, 5, 1, 0.5])]
    assert plan_prune(files, now, 30 * DAY, 10_000) == [Path("0.jpg")]
    assert plan_prune(files, now, 30 * DAY, 250) == [Path("0.jpg"), Path("1.jpg"), Path("2.jpg")]


def test_prune_snapshots_deletes_files_and_empty_folders(tmp_path: Path) -> None:
    save_snapshot(tmp_path, "cam-1/2025-07-01/a.jpg", b"\xff\xd8" + b"x" * 1000)
    save_snapshot(tmp_path, "cam-1/2025-07-02/b.jpg", b"\xff\xd8" + b"x" * 1000)
    old = tmp_path / "cam-1/2025-07-01/a.jpg"
    import os

    os.utime(old, (1, 1))
    assert prune_snapshots(tmp_path, 30 * DAY, 10**6) == 1
    assert not old.exists() and not old.parent.exists() and (tmp_path / "cam-1/2025-07-02/b.jpg").exists()


def test_hub_filters_events_and_guards_snapshot_paths(tmp_path: Path) -> None:
    system = CameraSystemConfig(snapshot_dir=tmp_path / "snap", runtime_dir=tmp_path / "run")
    runtime = RuntimeDir(system.runtime_dir)
    t0 = datetime(2025, 7, 1, 16, 0, tzinfo=UTC)
    save_snapshot(system.snapshot_dir, "cam-1/2025-07-01/cam-1-a.jpg", b"\xff\xd8jpeg")
    runtime.append_event(
        CameraEvent(
            "cam-1",
            t0,
            EventType.INTRUSION,
            "cam-1-a",
            EventPhase.START,
            "Sân",
            0.8,
            "cam-1/2025-07-01/cam-1-a.jpg",
        )
    )
    runtime.append_event(
        CameraEvent(
            "cam-1",
            t0 + timedelta(minutes=5),
            EventType.TAMPER,
            "cam-1-b",
            EventPhase.START,
            "covered",
            1.0,
            "../../etc/passwd",
        )
    )
    hub = CameraHub([CameraConfig(id="cam-1", name="Chợ", url="rtsp://u:pw@h/x")], system)
    assert [e.event_id for e in hub.events()] == ["cam-1-b", "cam-1-a"]
    assert [e.event_id for e in hub.events(type="intrusion")] == ["cam-1-a"]
    assert hub.events(since=t0 + timedelta(minutes=1))[0].event_id == "cam-1-b"
    assert hub.event_snapshot("cam-1-a") == (system.snapshot_dir / "cam-1/2025-07-01/cam-1-a.jpg").resolve()
    assert hub.event_snapshot("cam-1-b") is None  # outside the snapshot directory
    status = hub.status("cam-1")
    assert status["url"] == "rtsp://***:***@h/x" and status["online"] is False


def test_availability_from_offline_and_online_events() -> None:
    from camera.hub import offline_share

    t0 = datetime(2025, 7, 1, tzinfo=UTC)
    events = [
        CameraEvent("c", t0 - timedelta(hours=1), EventType.ONLINE, "c-1"),
        CameraEvent("c", t0 + timedelta(hours=6), EventType.OFFLINE, "c-2"),
        CameraEvent("c", t0 + timedelta(hours=12), EventType.OFFLINE, "c-2", EventPhase.END),
        CameraEvent("c", t0 + timedelta(hours=12), EventType.ONLINE, "c-3"),
        CameraEvent("c", t0 + timedelta(hours=18), EventType.OFFLINE, "c-4"),
    ]
    assert offline_share(events, t0, t0 + timedelta(days=1)) == 0.5
    assert offline_share([], t0, t0 + timedelta(days=1)) is None


def test_snapshot_boxes_recognised_objects_in_their_colour() -> None:
    import numpy as np

    from camera.motion import Blob, MotionResult
    from camera.snapshots import annotate

    person, car = Blob(1, 0.1, 0.2, 0.2, 0.8, 0.02), Blob(2, 0.5, 0.5, 0.9, 0.8, 0.1)
    motion = MotionResult(np.zeros((90, 160), np.int32), (person, car))
    out = annotate(np.zeros((360, 640, 3), np.uint8), [], motion, [("person", person), ("vehicle", car)])
    assert tuple(out[200, 64]) == (0, 0, 255)  # the person's left edge, red
    assert tuple(out[250, 320]) == (255, 128, 0)  # the car's left edge, blue
    assert out[50:71, 66:140].any()  # the kind written above the person
