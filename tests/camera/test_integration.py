"""Cameras against real servers: GStreamer's RTSP server, Mosquitto, and the web API over real HTTP."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import paho.mqtt.client as mqtt
import pytest
import requests
from werkzeug.serving import make_server

from camera.hub import CameraHub
from camera.models import MqttLink
from camera.service import CameraService
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig
from configfile.schema import CocConfig
from dashboard.app import create_server
from dashboard.context import AppContext
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration
PREFIX = "coc/test"
POLICE, LEADER = "police-token-0123456789", "leader-token-0123456789"


class Inbox:
    """Every camera event received on MQTT, with its arrival time."""

    def __init__(self, port: int) -> None:
        self.events: list[tuple[float, dict]] = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="camera-test-inbox")
        self.client.on_connect = lambda c, *_: c.subscribe(f"{PREFIX}/camera/+/event", qos=1)
        self.client.on_message = lambda _c, _u, m: self.events.append(
            (time.monotonic(), json.loads(m.payload))
        )
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def wait_for(
        self, match: Callable[[dict], bool], timeout_s: float, after: float = 0.0
    ) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for arrived, event in list(self.events):
                if arrived >= after and match(event):
                    return arrived, event
            time.sleep(0.1)
        raise AssertionError(f"no matching event within {timeout_s} s; got {[e for _, e in self.events]}")

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def web_config() -> CocConfig:
    return CocConfig.model_validate(
        {
            "commune": {"id": "quang-tho", "name": "Xã Quảng Thọ"},
            "web": {"secret_key": "x" * 32},
            "auth": {
                "api_tokens": [
                    {"name": "police", "role": "police", "token": POLICE},
                    {"name": "leader", "role": "leader", "token": LEADER},
                ]
            },
        }
    )


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Callable[[CameraHub], str]]:
    servers = []

    def serve(hub: CameraHub) -> str:
        port = free_port()
        server = make_server(
            "127.0.0.1", port, create_server(AppContext(config=web_config(), cameras=hub)), threaded=True
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield serve
    for server in servers:
        server.shutdown()


def clip_facts(path: Path) -> tuple[float, float, int, float]:
    """An MP4 clip's wall-clock start and event times (its comment tag), decoded frames and duration (s)."""
    with av.open(str(path)) as clip:
        tags = dict(part.split("=") for part in clip.metadata["comment"].split()[1:])
        stream = clip.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in clip.decode(stream))
        seconds = float(stream.duration * stream.time_base)
    return float(tags["start_ts"]), float(tags["event_ts"]), frames, seconds


def read_mjpeg_frames(url: str, count: int, out: list[bytes]) -> None:
    with requests.get(url, headers={"Authorization": f"Bearer {POLICE}"}, stream=True, timeout=20) as resp:
        buffer = b""
        for chunk in resp.iter_content(4096):
            buffer += chunk
            while (start := buffer.find(b"\xff\xd8")) >= 0 and (end := buffer.find(b"\xff\xd9", start)) >= 0:
                out.append(buffer[start : end + 2])
                buffer = buffer[end + 2 :]
            if len(out) >= count:
                return


def test_rtsp_camera_events_live_view_and_recovery(
    rtsp_server, mosquitto, web, tmp_path, caplog, capfd
) -> None:
    caplog.set_level(logging.INFO)
    camera = CameraConfig(
        id="cam-rtsp",
        name="Cầu Phò Nam",
        url=rtsp_server.url,
        flood_point="flood-01",
        zones=[ZoneConfig(name="Bên phải", polygon=[(0.5, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.0)])],
    )
    system = CameraSystemConfig(
        snapshot_dir=tmp_path / "snap",
        runtime_dir=tmp_path / "run",
        clip_dir=tmp_path / "clips",
        workers=1,
        offline_after_s=6,
    )
    inbox = Inbox(mosquitto.port)
    service = CameraService([camera], system, MqttLink(port=mosquitto.port), PREFIX)
    hub = CameraHub([camera], system)
    base = web(hub)
    service.start()
    try:
        inbox.wait_for(lambda e: e["type"] == "online", 40)
        _, intrusion = inbox.wait_for(lambda e: e["type"] == "intrusion" and e["phase"] == "start", 30)
        assert intrusion["zone"] == "Bên phải" and 0 < intrusion["score"] <= 1
        image = cv2.imread(str(system.snapshot_dir / intrusion["snapshot"]))
        assert image is not None and image.shape == (360, 640, 3)
        clip = system.clip_dir / intrusion["clip"]
        wait_until(clip.is_file, "the intrusion's clip", system.clip_pre_roll_s + system.clip_post_roll_s + 10)
        start_ts, event_ts, frames, seconds = clip_facts(clip)
        assert frames >= 15 * (system.clip_post_roll_s - 1) and seconds >= system.clip_post_roll_s
        assert start_ts <= event_ts <= start_ts + seconds  # the clip holds the moment of the event

        frames_a: list[bytes] = []
        frames_b: list[bytes] = []
        url = f"{base}/api/cameras/cam-rtsp/stream.mjpg"
        readers = [
            threading.Thread(target=read_mjpeg_frames, args=(url, 4, out)) for out in (frames_a, frames_b)
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(30)
        for frames in (frames_a, frames_b):
            assert len(frames) >= 4
            assert cv2.imdecode(np.frombuffer(frames[-1], np.uint8), cv2.IMREAD_COLOR).shape == (360, 640, 3)
        assert hub.broadcaster("cam-rtsp").reads < len(frames_a) + len(frames_b)  # shared, not one per viewer

        auth = {"Authorization": f"Bearer {POLICE}"}
        listed = requests.get(f"{base}/api/cameras", headers=auth, timeout=5).json()["cameras"]
        assert (
            listed[0]["online"] and listed[0]["flood_point"] == "flood-01" and listed[0]["events_today"] >= 1
        )
        assert listed[0]["url"] == f"rtsp://***:***@127.0.0.1:{rtsp_server.port}/cam"
        assert (
            requests.get(
                f"{base}/api/cameras", headers={"Authorization": f"Bearer {LEADER}"}, timeout=5
            ).status_code
            == 403
        )
        assert requests.get(f"{base}/api/cameras", timeout=5).status_code == 401
        latest = requests.get(f"{base}/api/cameras/cam-rtsp/snapshot.jpg", headers=auth, timeout=5)
        assert latest.status_code == 200 and latest.content[:2] == b"\xff\xd8"
        found = requests.get(
            f"{base}/api/events", params={"camera": "cam-rtsp", "type": "intrusion"}, headers=auth, timeout=5
        ).json()["events"]
        assert intrusion["event_id"] in {e["event_id"] for e in found}
        shot = requests.get(
            f"{base}/api/events/{intrusion['event_id']}/snapshot.jpg", headers=auth, timeout=5
        )
        assert shot.status_code == 200 and shot.content[:2] == b"\xff\xd8"

        stopped = time.monotonic()
        rtsp_server.stop()
        inbox.wait_for(lambda e: e["type"] == "offline" and e["phase"] == "start", 20, after=stopped)
        rtsp_server.start()
        returned = time.monotonic()
        inbox.wait_for(lambda e: e["type"] == "online", 20, after=returned)
    finally:
        service.stop()
        inbox.close()
    captured = capfd.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert "camera cam-rtsp: online" in caplog.text  # the worker's log reached this process
    assert rtsp_server.password not in logged and "user:secret" not in logged
