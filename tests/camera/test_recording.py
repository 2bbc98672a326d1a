"""Event clips from sources without compressed packets (synthetic scenes, files): the analysed pictures are
encoded as H.264 MP4 with the pre- and post-roll around the event, and the comment tag says when."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from camera.recording import ClipRecorder, FrameRing, PacketRing
from tests.camera.frames import scene, with_person


def test_a_clip_is_encoded_from_pictures_once_its_post_roll_has_passed(tmp_path: Path) -> None:
    pictures = FrameRing(keep_s=12)
    recorder = ClipRecorder(tmp_path, 2.0, 3.0, PacketRing(12), pictures)
    base = scene()
    for i in range(40):  # 10 s at 4 pictures a second, a person crossing
        pictures.push(1000.0 + i / 4, with_person(base, 0.1 + i / 50, 0.7))
    recorder.schedule("cam-x/2025-07-01/cam-x-e1.mp4", 1005.0)
    assert recorder.write_due(1007.9) == []  # the post-roll is not over yet
    assert recorder.write_due(1008.0) == ["cam-x/2025-07-01/cam-x-e1.mp4"] and recorder.pending == []
    with av.open(str(tmp_path / "cam-x/2025-07-01/cam-x-e1.mp4")) as clip:
        stream = clip.streams.video[0]
        assert stream.codec_context.name == "h264" and (stream.width, stream.height) == (640, 360)
        assert sum(1 for _ in clip.decode(stream)) == 21  # 1003.0 .. 1008.0 at 4 a second
        assert clip.metadata["comment"] == "coc start_ts=1003.000 event_ts=1005.000"


def test_retention_deletes_old_clips_like_snapshots(tmp_path: Path) -> None:
    import os
    import time

    from camera.models import MqttLink
    from camera.service import CameraService
    from camera.settings import CameraSystemConfig

    system = CameraSystemConfig(
        snapshot_dir=tmp_path / "snap", runtime_dir=tmp_path / "run", clip_dir=tmp_path / "clips", clip_max_age_days=1
    )
    old, new = tmp_path / "clips/cam-a/2025-01-01/old.mp4", tmp_path / "clips/cam-a/2025-01-03/new.mp4"
    for path in (old, new):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"\0" * 1000)
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert CameraService([], system, MqttLink(), "coc/t").apply_retention() == 1
    assert not old.exists() and new.exists() and not old.parent.exists()


@pytest.mark.integration
def test_continuous_recording_writes_whole_segments_from_the_rtsp_packets(tmp_path: Path) -> None:
    import threading

    from camera.reader import CameraReader
    from camera.recording import SegmentRecorder
    from camera.sources import open_source
    from tests.camera.conftest import RtspServer
    from tests.polling import wait_until

    server = RtspServer().start()
    ring = PacketRing(5)
    ring.recorder = SegmentRecorder(tmp_path / "rec", "cam-r", segment_s=2)
    stop = threading.Event()
    reader = CameraReader("cam-r", server.url, lambda: 1.0, stop, lambda url: open_source(url, ring)).start()
    try:
        wait_until(lambda: ring.recorder.segments >= 2, "two finished segments", 30)
    finally:
        stop.set()
        reader.join(6)
        ring.recorder.close()
        server.stop()
    segments = sorted((tmp_path / "rec" / "cam-r").rglob("*.mp4"))
    assert len(segments) >= 3 and not list((tmp_path / "rec").rglob("*.part"))  # the last one closed at stop
    for segment in segments[:2]:
        with av.open(str(segment)) as clip:
            stream = clip.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert sum(1 for _ in clip.decode(stream)) >= 15 * 2 - 1  # 15 fps, at least one segment's length
