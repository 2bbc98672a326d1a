"""The evidence API on the real app: the review timeline with filters, a false-alarm mark (kept, audited),
an audited clip view, and an evidence ZIP whose SHA-256 manifest verifies; leaders get 403."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from camera.models import CameraEvent, EventPhase, EventType
from camera.recording import write_encoded
from dashboard.camera_audit import read_access
from dashboard.evidence import verify
from tests.camera.frames import scene, with_person
from tests.dashboard.conftest import API_TOKEN, app, client, config, ctx, environ, login  # noqa: F401

TOKEN = {"Authorization": f"Bearer {API_TOKEN}"}


def add_intrusion_with_clip(ctx, tmp_path: Path):  # noqa: ANN201, F811
    """The app's camera hub with every camera folder under tmp_path, and one intrusion with snapshot and clip."""
    system = ctx.cameras.system.model_copy(
        update={
            "clip_dir": tmp_path / "clips",
            "review_log": tmp_path / "review.jsonl",
            "access_log": tmp_path / "access.jsonl",
        }
    )
    ctx.cameras.system = system
    start = datetime.now(UTC) - timedelta(seconds=50)
    relative = f"cam-01/{start:%Y-%m-%d}/cam-01-e1"
    (system.snapshot_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    (system.snapshot_dir / f"{relative}.jpg").write_bytes(ctx.cameras.latest_jpeg("cam-01"))
    (system.clip_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    frames = [(start.timestamp() + i / 4, with_person(scene(), 0.2 + i / 40, 0.7)) for i in range(12)]
    write_encoded(system.clip_dir / f"{relative}.mp4", frames)
    for phase, ts, score in ((EventPhase.START, start, 0.7), (EventPhase.END, start + timedelta(seconds=42), 0.9)):
        ctx.cameras.runtime.append_event(
            CameraEvent(
                "cam-01",
                ts,
                EventType.INTRUSION,
                "cam-01-e1",
                phase,
                "Sân UBND",
                score,
                f"{relative}.jpg" if phase is EventPhase.START else None,
                f"{relative}.mp4" if phase is EventPhase.START else None,
            )
        )
    return ctx


@pytest.fixture
def evidence_ctx(ctx, tmp_path: Path):  # noqa: F811
    return add_intrusion_with_clip(ctx, tmp_path)


def test_review_false_alarm_clip_view_and_evidence_zip(client, evidence_ctx) -> None:  # noqa: F811
    rows = client.get("/api/events/review?type=intrusion", headers=TOKEN).json["events"]
    assert [(r["event_id"], r["duration_s"], r["score"], r["status"]) for r in rows] == [
        ("cam-01-e1", 42.0, 0.9, "ended")
    ]
    assert rows[0]["clip_url"].endswith("cam-01-e1.mp4") and rows[0]["area"]
    assert client.get("/api/events/review?zone=Khác", headers=TOKEN).json["events"] == []
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert client.get(f"/api/events/review?start={later}", headers=TOKEN).json["events"] == []

    clip = client.get(rows[0]["clip_url"], headers=TOKEN)
    assert clip.status_code == 200 and clip.mimetype == "video/mp4" and clip.data[4:8] == b"ftyp"
    part = client.get(rows[0]["clip_url"], headers={**TOKEN, "Range": "bytes=100-199"})
    assert part.status_code == 206 and len(part.data) == 100

    before = evidence_ctx.cameras.events_today("cam-01")
    marked = client.post("/api/events/cam-01-e1/false-alarm", json={"note": "Chó chạy qua"}, headers=TOKEN)
    assert marked.status_code == 200
    assert evidence_ctx.cameras.events_today("cam-01") == before - 1  # a false alarm no longer counts
    assert client.get("/api/events/review", headers=TOKEN).json["events"][0]["status"] == "false_alarm"
    assert client.get("/api/events/review?false_alarms=0", headers=TOKEN).json["events"] == []

    exported = client.get("/api/events/cam-01-e1/evidence.zip", headers=TOKEN)
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    assert verify(exported.data) == []
    with zipfile.ZipFile(io.BytesIO(exported.data)) as z:
        assert sorted(z.namelist()) == ["clip.mp4", "manifest.sha256", "metadata.json", "snapshot.jpg"]
        assert b'"name": "gateway"' in z.read("metadata.json")
        tampered = {n: z.read(n) for n in z.namelist()}
    tampered["clip.mp4"] = tampered["clip.mp4"][:-1] + b"x"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in tampered.items():
            z.writestr(name, data)
    assert verify(buffer.getvalue()) == ["clip.mp4"]

    audit = read_access(evidence_ctx.cameras.system.access_log)
    assert [a["action"] for a in audit] == ["export", "false_alarm", "clip_view"]  # the ranged read is no new view
    assert all(a["who"] == "gateway" and a["event_id"] == "cam-01-e1" for a in audit)
    assert client.get("/api/audit/camera-access", headers=TOKEN).json["accesses"][0]["action"] == "export"


def test_leaders_get_no_camera_evidence(client, evidence_ctx) -> None:  # noqa: F811
    login(client, "leader")
    for url in ("/api/events/review", "/api/events/cam-01-e1/evidence.zip", "/api/snapshots/x.jpg", "/api/clips/x.mp4"):
        assert client.get(url).status_code == 403


def test_admin_disk_use_lists_the_clip_folder(evidence_ctx) -> None:  # noqa: F811
    from dashboard.pages.admin import disk_rows
    from dashboard.read_model import ReadModel

    rows = disk_rows(ReadModel(evidence_ctx), "vi")
    clips = next(r for r in rows if r["path"] == str(evidence_ctx.cameras.system.clip_dir))
    assert clips["files"] == "1" and clips["part"].startswith("Đoạn phim sự kiện")
