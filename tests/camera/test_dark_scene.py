"""A dark scene with a small bright object moving across it (GStreamer's `videotestsrc pattern=ball` over the
real RTSP server) is a night scene, not a covered lens: no tamper, and the moving object is an intrusion."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from camera.analysis import CameraAnalyzer
from camera.models import EventPhase, EventType
from camera.reader import CameraReader
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from tests.camera.conftest import RtspServer

pytestmark = pytest.mark.integration
WHOLE = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


def test_dark_scene_with_moving_ball_is_intrusion_not_tamper() -> None:
    server = RtspServer(extra=("--scene", "ball")).start()
    stop = threading.Event()
    camera = CameraConfig(
        id="cam-dark", name="Đường đêm", url=server.url, zones=[ZoneConfig(name="Đường", polygon=WHOLE)]
    )
    analyzer = CameraAnalyzer(camera, CameraSystemConfig(tamper_after_s=3))
    reader = CameraReader(camera.id, camera.url, lambda: 4.0, stop).start()
    events, seq, analysed = [], 0, 0
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and analysed < 36:  # 36 frames at 4 fps: 9 s of picture
            frame = reader.take(seq)
            if frame is None:
                time.sleep(0.05)
                continue
            seq, analysed = frame.seq, analysed + 1
            result = analyzer.analyse(frame.image, datetime.fromtimestamp(frame.ts, UTC))
            events += result.events
    finally:
        stop.set()
        reader.join(6)
        server.stop()
    assert analysed >= 30, f"only {analysed} frames came from the RTSP server"
    assert [e for e in events if e.type is EventType.TAMPER] == []
    starts = [e for e in events if e.type is EventType.INTRUSION and e.phase is EventPhase.START]
    assert starts and starts[0].zone == "Đường"
