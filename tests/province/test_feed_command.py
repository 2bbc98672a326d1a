"""`run_coc.py province-feed`: a province ingest process started from the command line reads each commune's file with
the same loader as `run` (a missing or wrong file stops it before it connects, naming the file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def feed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_coc.py"), "province-feed", "--nats", "nats://127.0.0.1:9",
                           *args], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_a_missing_or_wrong_commune_file_stops_the_feed_before_it_connects(tmp_path: Path) -> None:
    missing = feed("--commune-config", str(tmp_path / "xa-1.yaml"))
    assert missing.returncode == 2 and f"Cannot read configuration {tmp_path / 'xa-1.yaml'}" in missing.stderr
    wrong = tmp_path / "xa-2.yaml"
    wrong.write_text('commune: {id: xa-2, name: "Xã Hai"}\nweb: {secret_key: 0123456789abcdef}\nmqtt: {prot: 1}\n',
                     encoding="utf-8")
    refused = feed("--commune-config", str(wrong))
    assert refused.returncode == 2 and f"{wrong}:3: mqtt.prot: unknown key 'prot'" in refused.stderr


def test_the_feed_needs_a_cluster_node_and_a_commune() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "run_coc.py"), "province-feed"], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "--nats" in result.stderr and "--commune-config" in result.stderr
