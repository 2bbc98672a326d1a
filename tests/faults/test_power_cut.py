"""A power cut of the whole PC (tests/faults/powercut.py) while a device streams QoS 1 readings: the commune broker
as shipped (NATS, config/nats-commune.conf), InfluxDB and COC lose power at the same instant, their disk keeps only
what was synced, and after everything starts again every reading the broker acknowledged is stored exactly once.
InfluxDB cut right after its database was created does not answer again by itself: COC says why and how to mend it
(at start and in /api/health), keeps the readings in its spool, and `run_coc.py repair-store` brings it back."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.power_cut_case import created_long_before, restart_repairing, run_case
from tests.faults.powercut import PowerCutRig


def test_the_copy_holds_synced_writes_and_not_unsynced_ones(tmp_path: Path, root_only: None) -> None:
    with PowerCutRig(tmp_path / "rig", disk_mb=64) as rig:
        disk = rig.path()
        writer = subprocess.Popen([sys.executable, "-c", f"""
import os, time
with open('{disk}/synced', 'w') as fh:
    fh.write('A' * 10000); fh.flush(); os.fsync(fh.fileno())
os.fsync(os.open('{disk}', os.O_RDONLY))
with open('{disk}/synced', 'a') as fh:
    fh.write('B' * 100)
with open('{disk}/unsynced', 'w') as fh:
    fh.write('C' * 10000)
print('written', flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "written"
        assert (disk / "unsynced").stat().st_size == 10000  # in the page cache before the cut
        report = rig.cut([writer.pid])
        writer.wait()
        assert report.killed == 1 and report.fsck["pc"] in (0, 1)
        assert (disk / "synced").read_text() == "A" * 10000
        assert not (disk / "unsynced").exists()


CASES = [  # name, backend, acknowledged readings at the cut, the database made long before
    ("sqlite, cut at 1,500 of 6,000 acknowledged", "sqlite", 1500, False),
    ("influxdb made long before, cut at 4,500 of 6,000", "influxdb", 4500, True),
]  # and InfluxDB cut 1 s after its database was created, below (bench/broker_persistence.py --power-cut has more)


@pytest.mark.parametrize(("name", "backend", "cut_when_acked", "made_before"), CASES, ids=[c[0] for c in CASES])
def test_power_cut_loses_and_duplicates_nothing_acknowledged(name: str, backend: str, cut_when_acked: int,
                                                             made_before: bool, tmp_path: Path,
                                                             root_only: None) -> None:
    result = run_case(tmp_path, name, "nats", backend, 0, cut_when_acked=cut_when_acked,
                      prepare=created_long_before if made_before else None)
    print(f"{name}: {result}")
    assert cut_when_acked <= result.acked_at_cut < 6000, "the cut did not land inside the stream"
    assert result.cut.fsck["pc"] in (0, 1)
    assert result.store_recovered
    assert result.lost_of_acked_at_cut == 0
    assert (result.stream.sent, result.stream.stored, result.stream.lost, result.stream.duplicated) == (
        6000, 6000, 0, 0)


def test_influxdb_cut_right_after_its_database_was_created_is_explained_spooled_and_repaired(
        tmp_path: Path, root_only: None) -> None:
    seen: dict[str, object] = {}
    started = time.monotonic()
    result = run_case(tmp_path, "influxdb, cut 1 s after its database was created", "nats", "influxdb", 1.0,
                      restart=restart_repairing(seen))
    print(f"{result} in {time.monotonic() - started:.0f} s")
    assert seen["influx_came_back"] is False, "InfluxDB came back by itself: the case was not exercised"
    doc = seen["health"]
    assert isinstance(doc, dict)
    assert doc["status"] != "ok"
    store = doc["store"]
    assert store["ok"] is False and store["spooled"] > 0  # readings kept on disk while the store is down
    assert "mất điện" in store["diagnosis"]["reason"] and "power cut" in store["diagnosis"]["reason_en"]
    assert "repair-store" in store["diagnosis"]["fix"] and "repair-store" in store["diagnosis"]["fix_en"]
    assert "_series" in store["diagnosis"]["files"][0]
    assert "repair-store" in str(seen["log"])  # said at start too
    repair = seen["repair"]
    assert isinstance(repair, subprocess.CompletedProcess)
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "/damaged-" in repair.stdout and "_series" in repair.stdout
    assert result.acked_at_cut > 0
    assert result.lost_of_acked_at_cut == 0
    assert (result.stream.sent, result.stream.stored, result.stream.lost, result.stream.duplicated) == (
        6000, 6000, 0, 0)
