"""The UPS example, config/nut/upsmon.conf, read by Network UPS Tools' own upsmon (Debian's nut-client 2.8, which
has no check-only mode: it runs in the foreground for two seconds, finds no UPS server, and is killed): it takes
every line, and its shutdown command stops COC, then the broker, then the PC. A typo is reported, so the check
can fail."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "nut" / "upsmon.conf"
UPSMON = "/lib/nut/upsmon"
PID_FILE = Path("/run/nut/upsmon.pid")


def upsmon_reads(text: str, folder: Path) -> str:
    """What upsmon says while reading `text` as its upsmon.conf."""
    (folder / "upsmon.conf").write_text(text)
    (folder / "nut.conf").write_text("MODE=standalone\n")
    proc = subprocess.Popen([UPSMON, "-D", "-F", "-p"], env={**os.environ, "NUT_CONFPATH": str(folder)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    with contextlib.suppress(OSError, ValueError):
        if int(PID_FILE.read_text().strip()) == proc.pid:  # ours, left behind by the kill
            PID_FILE.unlink()
    return out


def test_upsmon_takes_every_line_of_the_example(tmp_path: Path) -> None:
    out = upsmon_reads(EXAMPLE.read_text().replace("/usr/local/sbin/coc-ups-notify",
                                                     str(ROOT / "config" / "nut" / "coc-ups-notify.sh")), tmp_path)
    assert "UPS: coc@localhost (primary) (power value 1)" in out, out
    assert "invalid" not in out and "discarding" not in out and "Fatal" not in out, out


def test_a_typo_in_the_example_is_reported(tmp_path: Path) -> None:
    out = upsmon_reads(EXAMPLE.read_text().replace("SHUTDOWNCMD ", "SHUTDOWNCMND "), tmp_path)
    assert "invalid directive SHUTDOWNCMND" in out, out


def test_low_battery_stops_coc_then_the_broker_then_the_pc() -> None:
    line = next(line for line in EXAMPLE.read_text().splitlines() if line.startswith("SHUTDOWNCMD "))
    command = shlex.split(shlex.split(line)[1])[2]  # /bin/sh -c '<this>'
    assert [step.strip() for step in command.split(";")] == [
        "systemctl stop coc.service", "systemctl stop coc-broker.service", "/sbin/shutdown -h +0"]


def test_the_notify_script_is_executable_and_valid_shell() -> None:
    script = ROOT / "config" / "nut" / "coc-ups-notify.sh"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["sh", "-n", str(script)], capture_output=True).returncode == 0
