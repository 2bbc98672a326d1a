"""The object stage on the drawn clips served over the real GStreamer RTSP server (H.264, 4 fps), all five at
once: in a zone set to `objects: [person, vehicle]` the walker and the car alarm, swaying foliage, rain and
headlight sweeps do not. Prints the precision and recall that the README reports."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from camera.analysis import CameraAnalyzer
from camera.models import EventPhase, EventType
from camera.reader import CameraReader
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from tests.camera.clips import CLIPS, FPS, Clip, write_jpegs
from tests.camera.conftest import RtspServer

pytestmark = pytest.mark.integration
LOWER = [(0.0, 0.45), (1.0, 0.45), (1.0, 1.0), (0.0, 1.0)]


def alarms_over_rtsp(clip: Clip, url: str, objects: list[str], out: dict[str, int]) -> None:
    """Analyse one loop of the clip (plus a little) as a camera would; count intrusion starts."""
    zone = ZoneConfig(name="Đường", polygon=LOWER, objects=objects)
    camera = CameraConfig(id=f"cam-{clip.name}", name=clip.name, url=url, tamper=False, zones=[zone])
    analyzer = CameraAnalyzer(camera, CameraSystemConfig())
    stop = threading.Event()
    reader = CameraReader(camera.id, url, lambda: float(FPS), stop).start()
    seq, analysed, starts = 0, 0, 0
    deadline = time.monotonic() + 45
    try:
        while analysed < clip.frames + 16 and time.monotonic() < deadline:
            frame = reader.take(seq)
            if frame is None:
                time.sleep(0.03)
                continue
            seq, analysed = frame.seq, analysed + 1
            events = analyzer.analyse(frame.image, datetime.fromtimestamp(frame.ts, UTC)).events
            starts += sum(1 for e in events if e.type is EventType.INTRUSION and e.phase is EventPhase.START)
    finally:
        stop.set()
        reader.join(6)
    out[clip.name] = starts if analysed >= clip.frames else -1


def test_objects_zone_alarms_on_walker_and_car_not_on_foliage_rain_or_headlights(tmp_path: Path) -> None:
    servers = [
        RtspServer(extra=("--frames", str(write_jpegs(c, tmp_path / c.name)), "--fps", str(FPS))).start()
        for c in CLIPS
    ]
    counts: dict[str, int] = {}
    try:
        threads = [
            threading.Thread(target=alarms_over_rtsp, args=(c, s.url, ["person", "vehicle"], counts))
            for c, s in zip(CLIPS, servers, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in servers:
            s.stop()
    assert all(counts.get(c.name, -1) >= 0 for c in CLIPS), f"a stream gave too few frames: {counts}"
    truth = {c.name: c.truth is not None for c in CLIPS}
    tp = sum(1 for n, k in counts.items() if k > 0 and truth[n])
    fp = sum(1 for n, k in counts.items() if k > 0 and not truth[n])
    positives = sum(truth.values())
    precision, recall = tp / max(1, tp + fp), tp / positives
    print(f"\nobject stage over RTSP: {counts}; precision {precision:.2f}, recall {recall:.2f}")
    assert counts["foliage"] == 0 and counts["rain"] == 0 and counts["headlights"] == 0
    assert counts["walker"] >= 1 and counts["car"] >= 1
