"""The systemd units of config/systemd/, as `scripts/install.sh --systemd` writes them for this folder, for both
brokers: they pass `systemd-analyze verify` without a word, start at boot, restart on failure, start COC after its
broker, and stop the whole control group with a timeout longer than COC's own stop guard."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

import pytest

import run_coc

ROOT = Path(__file__).resolve().parents[2]


def unit(path: Path) -> configparser.ConfigParser:
    """A unit file as sections of key -> value (a key given twice keeps its last value, as systemd does)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def exec_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith(("ExecStart=", "ExecStartPre="))]


@pytest.fixture(params=["mosquitto", "nats"])
def units(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    done = subprocess.run(["bash", "scripts/install.sh", "--systemd", "--broker", request.param, "--unit-dir",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout
    return request.param, tmp_path


def test_units_pass_systemd_analyze_verify_without_a_word(units) -> None:
    _, folder = units
    done = subprocess.run(["systemd-analyze", "verify", str(folder / "coc-broker.service"),
                           str(folder / "coc.service")], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_coc_starts_at_boot_after_its_broker_and_stops_its_whole_group_in_time(units) -> None:
    _, folder = units
    coc = unit(folder / "coc.service")
    assert coc["Install"]["WantedBy"] == "multi-user.target"
    assert "coc-broker.service" in coc["Unit"]["After"].split()
    assert "coc-broker.service" in coc["Unit"]["Wants"].split()
    service = coc["Service"]
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == "2"
    assert service["KillMode"] == "control-group" and service["KillSignal"] == "SIGTERM"
    assert float(service["TimeoutStopSec"]) > run_coc.STOP_BUDGET_S  # COC's own guard speaks before SIGKILL
    assert service["WorkingDirectory"] == str(ROOT)
    assert service["ExecStart"] == f"{ROOT}/.venv/bin/python run_coc.py --config config/coc.yaml run"


def test_the_broker_unit_runs_the_chosen_broker_with_one_exec_start(units) -> None:
    broker, folder = units
    lines = exec_lines(folder / "coc-broker.service")
    starts = [line for line in lines if line.startswith("ExecStart=")]
    if broker == "nats":
        assert starts == [f"ExecStart={ROOT}/.venv/bin/nats-server -c /etc/coc/nats-commune.conf"]
        assert lines == starts  # Mosquitto's log folder step is gone too
    else:
        assert starts == ["ExecStart=/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf"]
    service = unit(folder / "coc-broker.service")
    assert service["Service"]["Restart"] == "on-failure"
    assert service["Service"]["KillMode"] == "control-group"
    assert service["Install"]["WantedBy"] == "multi-user.target"
    assert "mosquitto.service" in service["Unit"]["Conflicts"].split()


def test_install_refuses_an_unknown_broker() -> None:
    done = subprocess.run(["bash", "scripts/install.sh", "--systemd", "--broker", "emqx", "--unit-dir", "/nonexistent"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "mosquitto or nats" in done.stderr
