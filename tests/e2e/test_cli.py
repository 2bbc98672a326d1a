"""The command line as an administrator uses it: hash-password and simulate against a real broker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from werkzeug.security import check_password_hash

from tests.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_hash_password_prints_a_hash_that_checks() -> None:
    out = subprocess.run([sys.executable, "run_coc.py", "hash-password"], cwd=ROOT, input="mật-khẩu-xã\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.startswith("scrypt:") and check_password_hash(out.stdout.strip(), "mật-khẩu-xã")
    short = subprocess.run([sys.executable, "run_coc.py", "hash-password", "--password", "abc"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert short.returncode == 2 and "at least 8 characters" in short.stderr


def test_simulate_publishes_to_the_configured_broker(mosquitto: Any, tmp_path: Path) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    received: list[str] = []
    sub = mqtt.Client(CallbackAPIVersion.VERSION2)
    sub.on_message = lambda _c, _u, msg: received.append(msg.topic)
    sub.connect("127.0.0.1", mosquitto.port)
    sub.subscribe("coc/quang-tho/+/+/state", qos=1)
    sub.loop_start()
    env_text = (ROOT / "config/demo.yaml").read_text(encoding="utf-8")
    config = tmp_path / "coc.yaml"
    config.write_text(env_text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(ROOT / "run_coc.py"), "--config", str(config), "simulate", "--rate", "50",
         "--duration", "2", "--scenario", "storm"],
        cwd=ROOT, env={"COC_DEMO_MQTT_PORT": str(mosquitto.port), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    published = int(out.stdout.strip().splitlines()[-1].split()[0])
    assert published >= 50
    wait_until(lambda: len(received) >= published, what="every published reading delivered")
    sub.loop_stop()
    assert len(received) == published
    assert {t.split("/")[2] for t in received} == {"air", "flood"}
