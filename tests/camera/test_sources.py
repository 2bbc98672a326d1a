"""Camera URLs (masking, kinds) and the synthetic and file sources."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from camera.sources import OpenCvSource, SyntheticSource, open_source
from camera.synthetic import DROPOUT_S
from camera.urls import SourceKind, mask_url, source_kind


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "rtsp://admin:s3cret@192.168.1.64:554/Streaming/Channels/102",
            "rtsp://***:***@192.168.1.64:554/Streaming/Channels/102",
        ),
        ("rtsp://admin:p@ss@10.0.0.2/live", "rtsp://***:***@10.0.0.2/live"),
        (
            "http://cam.local/video.mjpg?user=admin&password=s3cret",
            "http://cam.local/video.mjpg?user=***&password=***",
        ),
        ("rtsp://10.0.0.3/live", "rtsp://10.0.0.3/live"),
        ("synthetic:?seed=3&night=1", "synthetic:?seed=3&night=1"),
    ],
)
def test_mask_url(url, masked) -> None:
    assert mask_url(url) == masked


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("rtsp://h/x", SourceKind.RTSP),
        ("https://h/x.mjpg", SourceKind.HTTP),
        ("synthetic:", SourceKind.SYNTHETIC),
        ("/srv/drill.mp4", SourceKind.FILE),
        ("file:///srv/drill.mp4", SourceKind.FILE),
    ],
)
def test_source_kind(url, kind) -> None:
    assert source_kind(url) is kind


def test_synthetic_source_draws_moving_scene_and_drops_out() -> None:
    now = [10.0]
    source = SyntheticSource("synthetic:?seed=3&people=4&dropout=120&size=320x180", clock=lambda: now[0])
    assert source.open() and source.grab()
    first = source.retrieve()
    now[0] += 2.0
    second = source.retrieve()
    assert first.shape == (180, 320, 3) and (first != second).any()
    now[0] = 120 - DROPOUT_S / 2  # inside the dropout episode at the end of each 120 s period
    assert not source.grab()


def test_file_source_loops(tmp_path: Path) -> None:
    path = tmp_path / "drill.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (160, 90))
    source_frames = SyntheticSource("synthetic:?size=160x90")
    source_frames.open()
    for _ in range(5):
        writer.write(source_frames.retrieve())
    writer.release()
    source = open_source(str(path))
    assert isinstance(source, OpenCvSource) and source.open()
    grabbed = sum(source.grab() for _ in range(12))  # past the end twice
    assert grabbed == 12 and source.retrieve().shape == (90, 160, 3)
    source.close()
