"""The police camera desk end to end, as run_coc.py builds it (real Mosquitto, ingest, alerts, camera workers,
web server) with two cameras on the real GStreamer RTSP server and a real headless Chromium:
- a figure walking into a zone set to `objects: [person]` is an intrusion whose MP4 clip plays in the page and
  holds the moment of the event, and whose evidence ZIP's manifest verifies;
- swaying foliage in a zone set to `objects: [person]` raises no alarm;
- an NVR's event published on MQTT shows in that camera's history with its snapshot;
- a thumbnail changes within 10 s; a leader's wall shows no broken image."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from configfile.loader import parse_config
from dashboard.auth import hash_password
from dashboard.evidence import verify
from tests.browser import launch_chromium, logged_in_page, pixels, wait_js
from tests.camera.clips import CLIPS, FPS, write_jpegs
from tests.camera.conftest import RtspServer
from tests.camera.test_integration import clip_facts
from tests.ingest.conftest import Publisher
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration
PREFIX = "coc/quang-tho"
TOKEN = "desk-token-0123456789"
CONFIG = """
commune: {id: quang-tho, name: "Xã Quảng Thọ", timezone: Asia/Ho_Chi_Minh}
mqtt: {host: 127.0.0.1, port: ${PORT}, topic_prefix: coc/quang-tho, embedded: never, client_id: desk-e2e}
storage:
  backend: sqlite
  sqlite: {path: ${DIR}/readings.sqlite}
  state_path: ${DIR}/state.sqlite
  spool_dir: ${DIR}/spool
web: {host: 127.0.0.1, port: ${WEB}, secret_key: test-secret-key-0123456789}
cameras:
  - id: cam-walk
    name: "Đường thôn Phò Nam"
    url: ${WALK_URL}
    fps: 4
    area: "Thôn Phò Nam"
    tamper: false
    zones: [{name: "Lòng đường", polygon: [[0, 0.45], [1, 0.45], [1, 1], [0, 1]], objects: [person]}]
  - id: cam-leaves
    name: "Vườn UBND"
    url: ${LEAVES_URL}
    fps: 4
    area: "Thôn Phò Nam"
    tamper: false
    zones: [{name: "Vườn", polygon: [[0, 0.45], [1, 0.45], [1, 1], [0, 1]], objects: [person]}]
camera:
  snapshot_dir: ${DIR}/snapshots
  runtime_dir: ${DIR}/run
  clip_dir: ${DIR}/clips
  review_log: ${DIR}/review.jsonl
  access_log: ${DIR}/access.jsonl
  workers: 1
walls:
  - {id: overview, title: "Tổng quan", panels: [alerts, cameras]}
auth:
  users:
    - {username: congan, role: police, password_hash: "${HASH_POLICE}"}
    - {username: lanhdao, role: leader, password_hash: "${HASH_LEADER}"}
  api_tokens: [{name: kiemthu, role: police, token: desk-token-0123456789}]
"""


@pytest.fixture
def desk(tmp_path: Path, mosquitto: Any) -> Iterator[Any]:
    servers = {
        name: RtspServer(extra=("--frames", str(write_jpegs(clip, tmp_path / name)), "--fps", str(FPS))).start()
        for clip in CLIPS
        if (name := clip.name) in ("walker", "foliage")
    }
    env = {
        "PORT": str(mosquitto.port),
        "DIR": str(tmp_path),
        "WEB": str(free_port()),
        "WALK_URL": servers["walker"].url,
        "LEAVES_URL": servers["foliage"].url,
        "HASH_POLICE": hash_password("congan-mat-khau"),
        "HASH_LEADER": hash_password("lanhdao-mat-khau"),
    }
    config = parse_config(CONFIG, "desk.yaml", environ=env)
    from run_coc import build_runtime

    runtime = build_runtime(config)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.stop()
        for server in servers.values():
            server.stop()


def api(runtime: Any, path: str) -> Any:
    return requests.get(f"{runtime.url.rstrip('/')}{path}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)


def test_the_police_desk_end_to_end(desk: Any, tmp_path: Path, mosquitto: Any) -> None:
    base = desk.url.rstrip("/")
    wait_until(lambda: api(desk, "/api/health").status_code in (200, 503), "the web server", 30)

    def walker_event() -> dict | None:
        rows = api(desk, "/api/events/review?camera=cam-walk&type=intrusion").json()["events"]
        return next((r for r in rows if r["clip_url"]), None)

    wait_until(lambda: walker_event() is not None, "the walker's intrusion with its clip", 60)
    event = walker_event()
    start_ts, event_ts, frames, seconds = clip_facts(tmp_path / "clips" / event["clip"])
    assert start_ts <= event_ts <= start_ts + seconds and frames >= FPS * 5  # the clip holds the event's moment
    leaves = api(desk, "/api/events?camera=cam-leaves&type=intrusion").json()["events"]
    assert leaves == []  # the foliage swayed through the same loops: no alarm in a zone for people

    # an NVR publishes an event for cam-leaves with a snapshot it stored under the snapshot directory
    snapshot = "cam-leaves/nvr/0001.jpg"
    (tmp_path / "snapshots" / snapshot).parent.mkdir(parents=True)
    (tmp_path / "snapshots" / snapshot).write_bytes(api(desk, "/api/cameras/cam-leaves/snapshot.jpg").content)
    publisher = Publisher(mosquitto.port)
    publisher.send(
        f"{PREFIX}/camera/cam-leaves/event",
        json.dumps({"type": "intrusion", "zone": "Cổng sau", "score": 0.91, "snapshot": snapshot, "event_id": "nvr-1"}),
    )
    publisher.close()

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = logged_in_page(browser, base, "congan", "congan-mat-khau")
        page.wait_for_url(f"{base}/cameras")
        thumb = page.locator(".cam-card img.cam-thumb").first
        expect(thumb).to_be_visible(timeout=15_000)
        wait_js(page, "document.querySelector('.cam-card img.cam-thumb').naturalWidth > 0", 15_000)
        first = pixels(thumb)
        deadline = time.monotonic() + 10
        while pixels(thumb) == first and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert pixels(thumb) != first, "the thumbnail did not change within 10 s"

        page.goto(f"{base}/cameras?camera=cam-leaves")
        nvr = page.locator(".event-row", has_text="Cổng sau")
        expect(nvr).to_be_visible(timeout=15_000)
        wait_js(page, "Array.from(document.querySelectorAll('.event-row img')).some(i => i.naturalWidth > 0)")

        page.goto(f"{base}/cameras/review")
        row = page.locator(f".event-row[data-event='{event['event_id']}']")
        expect(row).to_be_visible(timeout=15_000)
        row.click()
        wait_js(page, "document.querySelector('#cam-clip') && document.querySelector('#cam-clip').readyState >= 2")
        assert page.evaluate("document.querySelector('#cam-clip').duration") >= seconds - 0.5
        page.evaluate("document.querySelector('#cam-clip').play()")
        wait_js(page, "document.querySelector('#cam-clip').currentTime > 0.5")  # it plays
        zipped = page.request.get(base + page.locator("#cam-export").get_attribute("href"))
        assert zipped.status == 200 and verify(zipped.body()) == []
        page.context.close()

        leader = logged_in_page(browser, base, "lanhdao", "lanhdao-mat-khau")
        leader.wait_for_url(f"{base}/kpi")
        leader.goto(f"{base}/wall/overview")
        expect(leader.locator(".cam-tile").first).to_be_visible(timeout=15_000)
        assert leader.locator("img[src*='/api/cameras']").count() == 0
        assert leader.evaluate("Array.from(document.images).filter(i => i.complete && !i.naturalWidth).length") == 0
        leader.context.close()
        browser.close()
    audit = [json.loads(line) for line in (tmp_path / "access.jsonl").read_text().splitlines()]
    assert {"clip_view", "export"} <= {a["action"] for a in audit}
