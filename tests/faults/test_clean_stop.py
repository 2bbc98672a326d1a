"""SIGTERM to COC's process group, as systemd stops a service (KillMode=control-group), while a QoS 1 stream is
running: COC ends on its own, within the unit's 10 s, with status 0, every process of the group gone, no part
restarted by the stop and no alarm raised by it; started again on the same data, it stores every reading the broker
acknowledged exactly once. Run as `run --demo` with a configuration of its own (simulated devices, synthetic
cameras in worker processes), against a real Mosquitto; once with one ingest process and once with two."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import ROOT, StreamPublisher, config_text, tally_values
from tests.servers import free_port

TOTAL = 6000
WORKER_RUNNING = re.compile(r"camera worker \d: \d+ cameras")
STOP_WITHIN_S = 10.0  # the unit's TimeoutStopSec is longer; the issue asks for 10 s
CAMERAS = """
cameras:
  - {id: cam-a, name: "Cổng chợ", url: "synthetic:?seed=1&people=3&vehicles=1", fps: 2}
  - {id: cam-b, name: "Bến đò", url: "synthetic:?seed=2&people=2&vehicles=1", fps: 2}
  - {id: cam-c, name: "Trường học", url: "synthetic:?seed=3&people=4&vehicles=0", fps: 2}
camera:
  workers: 2
  snapshot_dir: {dir}/snapshots
  runtime_dir: {dir}/run/cameras
"""


class GroupProcess:
    """`run_coc.py --config FILE run --demo` in a process group of its own, as systemd starts a service."""

    def __init__(self, config: Path, web_port: int, log_path: Path) -> None:
        self.config, self.web_port, self.log_path = config, web_port, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> GroupProcess:
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "run_coc.py", "--config", str(self.config), "run", "--demo"],
                                         cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout_s: float = 120) -> None:
        """Subscribed to the broker and every camera worker running."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log()[-3000:]
            with contextlib.suppress(requests.RequestException, ValueError):
                doc = requests.get(f"http://127.0.0.1:{self.web_port}/api/health", timeout=5).json()
                if doc.get("mqtt", {}).get("connected") and len(WORKER_RUNNING.findall(self.log())) >= 2:
                    return
            time.sleep(0.2)
        raise AssertionError(f"COC was not ready in {timeout_s} s:\n{self.log()[-3000:]}")

    def group_members(self) -> list[str]:
        """Processes of the group still running (not zombies: a child that outlived COC is reaped by PID 1)."""
        assert self.proc is not None
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                text = stat.read_text()
                state, _ppid, pgrp = text[text.rindex(")") + 2:].split()[:3]
                if int(pgrp) == self.proc.pid and state != "Z":
                    out.append(f"{stat.parent.name} {text[:text.rindex(')') + 1]}")
        return out

    def sigterm_group(self, timeout_s: float = 60) -> tuple[float, int | None, list[str]]:
        """SIGTERM to every process of the group at once; seconds until COC's main process ended, its status
        (None: it had to be killed), and the group's processes still running a second after it ended."""
        assert self.proc is not None
        started = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            status: int | None = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            status = None
        elapsed = time.monotonic() - started
        wait_for(lambda: not self.group_members(), 1.0)
        left = self.group_members()
        self.kill_group()
        return elapsed, status, left

    def kill_group(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def stream_values(path: Path, base: datetime) -> list[float]:
    """pm25 of the stream's points only: the simulated devices write the same device ids, but never 3 days ago."""
    if not path.exists():
        return []
    low = int(base.timestamp() * 1000)
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        try:
            return [row[0] for row in conn.execute(
                "SELECT value FROM points WHERE kind='air' AND field='pm25' AND ts_ms >= ? AND ts_ms < ?",
                (low, low + TOTAL + 1000))]
        except sqlite3.OperationalError:  # no table yet
            return []


def alarms_opened_since(state: Path, since: datetime) -> list[tuple[str, str, str]]:
    with contextlib.closing(sqlite3.connect(state, timeout=30)) as conn:
        rows = conn.execute("SELECT rule, title_vi, opened_at FROM alerts").fetchall()
    return [row for row in rows if datetime.fromisoformat(row[2]) >= since]


def wait_for(condition: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.1)


@pytest.mark.parametrize("ingest_processes", [1, 2])
def test_sigterm_to_the_group_stops_coc_cleanly_and_loses_nothing(ingest_processes: int, tmp_path: Path,
                                                                  mosquitto) -> None:
    web_port = free_port()
    text = config_text(tmp_path, mosquitto.port, web_port=web_port, client_id=f"coc-stop-{ingest_processes}")
    text = text.replace(f"client_id: coc-stop-{ingest_processes}}}",
                        f"client_id: coc-stop-{ingest_processes}, workers: {ingest_processes}}}")
    config = tmp_path / "coc.yaml"
    config.write_text(text + CAMERAS.replace("{dir}", str(tmp_path)))
    readings, state = tmp_path / "readings.sqlite", tmp_path / "state.sqlite"
    base = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)

    coc = GroupProcess(config, web_port, tmp_path / "coc.log").start()
    publisher = None
    try:
        coc.wait_ready()
        publisher = StreamPublisher(mosquitto.port, client_id=f"stop-publisher-{ingest_processes}", base=base)
        publisher.publish_in_background(range(TOTAL), per_second=1500)
        wait_for(lambda: len(stream_values(readings, base)) >= TOTAL // 3, 120)
        stored_at_stop = len(stream_values(readings, base))
        stop_at = datetime.now(UTC)
        elapsed, status, left = coc.sigterm_group()
        log = coc.log()
        print(f"{ingest_processes} ingest process(es): stopped in {elapsed:.2f} s, status {status}, "
              f"{stored_at_stop} of {TOTAL} stored at the stop")
        assert status == 0, log[-4000:]
        assert elapsed < STOP_WITHIN_S, log[-4000:]
        assert left == []
        assert "restarting" not in log and "died" not in log and "Traceback" not in log, log[-4000:]
        assert log.count("camera worker 0: stopped") == log.count("camera worker 1: stopped") == 1, log[-4000:]
        assert "stopped in" in log
        assert alarms_opened_since(state, stop_at) == []
        assert stored_at_stop < TOTAL, "the stream ended before the stop: nothing was in flight"

        coc = GroupProcess(config, web_port, tmp_path / "coc-2.log").start()
        coc.wait_ready()
        assert publisher.wait_acked(TOTAL) == TOTAL
        wait_for(lambda: len(set(stream_values(readings, base))) >= TOTAL, 180)
        tally = tally_values(set(range(TOTAL)), stream_values(readings, base))
        print(f"after the restart: {tally}")
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (TOTAL, TOTAL, 0, 0)
        assert [row for row in alarms_opened_since(state, stop_at) if row[0] == "device_offline"] == []
        elapsed, status, left = coc.sigterm_group()
        assert (status, left) == (0, []) and elapsed < STOP_WITHIN_S, coc.log()[-4000:]
    finally:
        if publisher is not None:
            publisher.close()
        coc.kill_group()
