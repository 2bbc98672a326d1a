"""What a camera decodes, against the real RTSP server: key frames only while nothing moves (counted against the
packets read), every picture again from the next key frame once something moves, clips that still hold their whole
pre-roll, and a camera with a sub-stream analysed from it while its main stream is the one recorded."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import paho.mqtt.client as mqtt
import pytest

from camera.av_source import AvSource
from camera.models import MqttLink
from camera.runtime import CameraStatus, RuntimeDir
from camera.service import CameraService
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from tests.camera.conftest import RtspServer
from tests.camera.frames import scene, with_person
from tests.polling import wait_until

pytestmark = pytest.mark.integration
PREFIX = "coc/test"
FPS = 10  # of the drawn scene; the server puts a key frame every 2 s (20 pictures)
GOP = 2 * FPS
STILL, WALK = 200, 60  # pictures: 20 s of an empty scene, then 6 s of a person walking through the zone
LOWER_HALF = [(0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)]


class Events:
    """Every camera event published on MQTT, in order."""

    def __init__(self, port: int) -> None:
        self.events: list[dict] = []
        self._lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="decoding-test-events")
        self.client.on_connect = lambda c, *_: c.subscribe(f"{PREFIX}/camera/+/event", qos=1)
        self.client.on_message = lambda _c, _u, m: self._add(json.loads(m.payload))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _add(self, event: dict) -> None:
        with self._lock:
            self.events.append(event)

    def first(self, kind: str, phase: str = "start") -> dict | None:
        with self._lock:
            return next((e for e in self.events if e["type"] == kind and e["phase"] == phase), None)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def events(mosquitto) -> Iterator[Events]:
    inbox = Events(mosquitto.port)
    yield inbox
    inbox.close()


def walk_in(folder: Path) -> Path:
    """An empty scene for STILL pictures, then a person crossing the lower half for WALK pictures (looped)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = scene()
    for i in range(STILL + WALK):
        frame = base if i < STILL else with_person(base, 0.1 + 0.8 * (i - STILL) / WALK, 0.75, 0.2)
        cv2.imwrite(str(folder / f"{i:04d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return folder


def system_config(tmp_path: Path, **kw: object) -> CameraSystemConfig:
    return CameraSystemConfig(
        snapshot_dir=tmp_path / "snap",
        runtime_dir=tmp_path / "run",
        clip_dir=tmp_path / "clips",
        workers=1,
        clip_pre_roll_s=4,
        clip_post_roll_s=3,
        **kw,
    )


def clip_facts(path: Path) -> tuple[float, float, int, tuple[int, int]]:
    """A clip's wall-clock start and event times (its comment tag), its decoded pictures and its size."""
    with av.open(str(path)) as clip:
        tags = dict(part.split("=") for part in clip.metadata["comment"].split()[1:])
        stream = clip.streams.video[0]
        frames = sum(1 for _ in clip.decode(stream))
        return float(tags["start_ts"]), float(tags["event_ts"]), frames, (stream.width, stream.height)


def test_key_frames_only_decodes_one_picture_a_gop_and_every_picture_again_from_the_next_key_frame() -> None:
    server = RtspServer(extra=("--scene", "still")).start()
    source = AvSource(server.url)
    try:
        assert source.open()
        while not source.decoded:  # past the first key frame
            assert source.grab()
        source.key_frames_only = True
        packets, decoded = source.packets, source.decoded
        for _ in range(4):
            assert source.grab() and source._frame is not None and source._frame.key_frame  # noqa: SLF001
        idle_packets, idle_decoded = source.packets - packets, source.decoded - decoded
        assert idle_decoded == 4 and idle_packets >= 3 * 30  # 15 fps, a key frame every 30 pictures

        source.key_frames_only = False
        packets = source.packets
        assert source.grab() and source._frame.key_frame  # noqa: SLF001 - no picture decoded without its references
        assert source.packets - packets <= 30 + 2  # within one GOP
        packets, decoded = source.packets, source.decoded
        for _ in range(45):
            assert source.grab()
        assert source.decoded - decoded == 45 and source.packets - packets <= 45 + 3  # every picture again
    finally:
        source.close()
        server.stop()


def statuses(runtime: RuntimeDir, camera_id: str, seconds: float) -> tuple[CameraStatus, CameraStatus]:
    first = runtime.read_status(camera_id)
    wait_until(
        lambda: (s := runtime.read_status(camera_id)) is not None and first is not None
        and s.updated_ts >= first.updated_ts + seconds,
        "a later status",
        seconds + 10,
    )
    last = runtime.read_status(camera_id)
    assert first is not None and last is not None
    return first, last


def test_an_idle_camera_decodes_key_frames_then_every_picture_once_someone_walks_in_and_the_clip_has_its_pre_roll(
    tmp_path: Path, mosquitto, events: Events
) -> None:
    server = RtspServer(extra=("--frames", str(walk_in(tmp_path / "frames")), "--fps", str(FPS))).start()
    zone = ZoneConfig(name="Dưới", polygon=LOWER_HALF)
    camera = CameraConfig(id="cam-idle", name="Ngõ", url=server.url, zones=[zone])
    system = system_config(tmp_path, idle_after_s=3)
    service = CameraService([camera], system, MqttLink(port=mosquitto.port), PREFIX)
    runtime = RuntimeDir(system.runtime_dir)
    service.start()
    try:
        wait_until(
            lambda: (s := runtime.read_status("cam-idle")) is not None and s.key_frames_only,
            "key frames only while the scene is empty",
            40,
        )
        first, last = statuses(runtime, "cam-idle", 4)
        assert last.key_frames_only and events.first("intrusion") is None  # the scene was empty all along
        decoded, packets = last.frames_total - first.frames_total, last.packets_total - first.packets_total
        assert packets >= 2 * FPS and decoded * GOP <= packets + GOP  # about one picture a GOP

        wait_until(lambda: events.first("intrusion") is not None, "the walker's intrusion", STILL / FPS + 30)
        intrusion = events.first("intrusion")
        assert intrusion is not None
        wait_until(lambda: not runtime.read_status("cam-idle").key_frames_only, "every picture decoded", 10)
        clip = system.clip_dir / intrusion["clip"]
        wait_until(clip.is_file, "the intrusion's clip", system.clip_post_roll_s + 15)
    finally:
        service.stop()
        server.stop()
    start_ts, event_ts, frames, size = clip_facts(clip)
    assert size == (640, 360)
    assert start_ts <= event_ts - system.clip_pre_roll_s  # the whole pre-roll, from the key frame before it
    # every picture of the pre- and post-roll is in the clip, although most of the pre-roll was never decoded
    assert frames >= FPS * (system.clip_pre_roll_s + system.clip_post_roll_s) - 2


def test_a_camera_with_a_sub_stream_analyses_the_sub_stream_and_records_the_main_stream(
    tmp_path: Path, mosquitto, events: Events
) -> None:
    server = RtspServer(extra=("--sub-mount", "/sub")).start()
    camera = CameraConfig(
        id="cam-sub",
        name="Cổng chợ",
        url=server.url,
        detect_url=server.url.replace("/cam", "/sub"),
        zones=[ZoneConfig(name="Bên phải", polygon=[(0.5, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.0)])],
    )
    system = system_config(tmp_path)
    service = CameraService([camera], system, MqttLink(port=mosquitto.port), PREFIX)
    runtime = RuntimeDir(system.runtime_dir)
    service.start()
    try:
        wait_until(lambda: events.first("intrusion") is not None, "the ball's intrusion", 40)
        intrusion = events.first("intrusion")
        assert intrusion is not None
        clip = system.clip_dir / intrusion["clip"]
        wait_until(clip.is_file, "the intrusion's clip", system.clip_pre_roll_s + system.clip_post_roll_s + 10)
        status = runtime.read_status("cam-sub")
    finally:
        service.stop()
        server.stop()
    snapshot = cv2.imread(str(system.snapshot_dir / intrusion["snapshot"]))
    assert snapshot is not None and snapshot.shape == (180, 320, 3)  # the analysis saw the sub-stream
    assert status is not None and (status.width, status.height) == (320, 180)
    assert status.packets_total > status.frames_total  # the main stream's packets are read, not decoded
    start_ts, event_ts, frames, size = clip_facts(clip)
    assert size == (640, 360)  # the clip is the main stream
    assert start_ts <= event_ts and frames >= 15 * system.clip_post_roll_s
