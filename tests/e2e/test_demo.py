"""End to end: `run_coc.py run --demo` as a user starts it: health, simulated readings in the API, clean stop."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from tests.demo_process import start_demo

DEMO_TOKEN = "demo-token-quang-tho-0001"


def test_the_demo_starts_serves_simulated_readings_and_stops_cleanly(tmp_path: Path) -> None:
    demo = start_demo(tmp_path / "data")
    proc, base = demo.proc, demo.base
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"{base}/api/health", timeout=2)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "the demo exited early"
            time.sleep(0.3)
        assert health is not None and health.status_code == 200, "health never became ok"
        assert health.json()["mqtt"]["connected"] is True and health.json()["store"]["backend"] == "sqlite"
        headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
        assert requests.get(f"{base}/api/sensors", timeout=5).status_code == 401
        deadline = time.monotonic() + 60
        sensors: dict = {}
        while time.monotonic() < deadline:
            sensors = {s["id"]: s for s in requests.get(f"{base}/api/sensors", headers=headers, timeout=5)
                       .json()["sensors"]}
            air_index = sensors.get("pam-qt-01", {}).get("aqi", {}).get("vn")
            if all(s["online"] and s["values"] for s in sensors.values()) and air_index:
                break
            time.sleep(0.5)
        assert len(sensors) == 5 and all(s["online"] for s in sensors.values())
        air = sensors["pam-qt-01"]
        assert 0 < air["values"]["pm25"] < 500 and air["aqi"]["vn"]["value"] > 0  # 24 h of history: an index
        assert all(0 <= s["flood"]["alarm_level"] <= 3 for s in sensors.values() if s["kind"] == "flood")
        assert requests.get(f"{base}/", timeout=5).status_code in (200, 302)
    finally:
        output = demo.stop()
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert f"{base}/" in output and "lanhdao / lanhdao-demo" in output
    assert "published 24 hours of history" in output and "has not subscribed yet" not in output
