"""End to end: `run_coc.py run --demo` on free ports, a flood reading over level III published on MQTT, and
the wall in headless Chromium taken over by the critical alert within 5 s."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import requests
from paho.mqtt.enums import CallbackAPIVersion
from playwright.sync_api import expect, sync_playwright

from tests.browser import launch_chromium, logged_in_page
from tests.dashboard.test_browser import shot
from tests.demo_process import start_demo


def wait_for_login_page(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the demo exited early"
        try:
            if requests.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError("the demo's web server never answered")


def publish(port: int, topic: str, payload: dict) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-e2e-flood")
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(topic, json.dumps(payload), qos=1).wait_for_publish(10)
    client.loop_stop()
    client.disconnect()


def test_level_iii_reading_on_mqtt_takes_over_the_demo_wall(tmp_path):
    demo = start_demo(tmp_path / "data")
    proc, base, broker = demo.proc, demo.base, demo.broker_port
    try:
        wait_for_login_page(base, proc)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = logged_in_page(browser, base, "vanhanh", "vanhanh-demo")
            page.wait_for_url(f"{base}/wall/overview")
            expect(page.locator("#wall-tile-flood-phonam")).to_contain_text("Trực tuyến", timeout=60_000)
            # 4 minutes ahead (within the 5 minutes accepted) so the simulator's next readings are older.
            ts = (datetime.now(UTC) + timedelta(minutes=4)).isoformat()
            publish(broker, "coc/quang-tho/flood/flood-phonam/state", {"ts": ts, "water_level_cm": 520})
            banner = page.locator(".takeover.active")
            expect(banner).to_be_visible(timeout=5_000)
            expect(banner).to_contain_text("Cầu Phò Nam")
            shot(page, "demo-wall-takeover-1920x1080.png")
            browser.close()
    finally:
        output = demo.stop()
    assert proc.returncode == 0 and "Traceback" not in output, output[-3000:]
