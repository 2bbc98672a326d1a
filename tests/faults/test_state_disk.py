"""The state database (alarms, users, sessions, KPI figures, dead letters, audit) on a disk that is read-only at
start (a tmpfs remounted read-only; CI runs as root): `run_coc.py run` starts anyway on a temporary copy of it,
serves /api/health (503, the reason and the fix in Vietnamese and English) and the wall, and keeps every reading:
stored when the readings' disk is fine; held unacknowledged at the broker when it is read-only too, and stored
once the disk is writable again and COC restarted."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from ingest.state_db import StateDb
from tests.faults.conftest import TOKEN, CocProcess, StreamPublisher, config_text, sqlite_values, tally_values, tmpfs
from tests.servers import free_port

TOTAL = 2000


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """The tmpfs at `path` remounted read-only, and writable again afterwards."""
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(path)], check=True)


def wall_config(text: str) -> str:
    """The fault configuration with a public wall screen, as the street-facing board has."""
    text = text.replace("web: {host: 127.0.0.1,", "web: {host: 127.0.0.1, public_screens: [street],")
    return text + "walls:\n  - {id: street, title: 'Chất lượng không khí', panels: [air]}\n"


def get(coc: CocProcess, path: str) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{coc.web_port}{path}", headers={"Authorization": f"Bearer {TOKEN}"},
                        timeout=10)


def wait_health(coc: CocProcess, timeout_s: float = 60) -> requests.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert coc.proc is not None and coc.proc.poll() is None, coc.log_path.read_text()[-3000:]
        with contextlib.suppress(requests.RequestException):
            response = get(coc, "/api/health")
            if response.json().get("mqtt", {}).get("connected"):
                return response
        time.sleep(0.2)
    raise AssertionError(f"COC did not answer in {timeout_s} s:\n{coc.log_path.read_text()[-3000:]}")


def stop(coc: CocProcess) -> int | None:
    coc.stop()
    assert coc.proc is not None
    return coc.proc.returncode


def make_state(path: Path) -> None:
    """A state file with one dead letter, written by COC's own code, as a previous run leaves it."""
    state = StateDb(path)
    state.add_dead_letter("coc/quang-tho/air/x/state", b"{", "not JSON", datetime.now(UTC))
    state.close()


def test_state_file_on_a_read_only_disk_coc_runs_on_a_copy_says_why_and_stores_readings(
        tmp_path: Path, mosquitto, root_only) -> None:
    web_port = free_port()
    with tmpfs(tmp_path / "disk", "16m") as disk:
        state = disk / "state.sqlite"
        make_state(state)
        config = tmp_path / "coc.yaml"
        config.write_text(wall_config(config_text(tmp_path, mosquitto.port, web_port=web_port, state_path=state,
                                                  client_id="coc-ro-state")))
        with read_only(disk):
            coc = CocProcess(config, web_port, tmp_path / "coc.log").start()
            publisher = None
            try:
                health = wait_health(coc)
                doc = health.json()
                assert health.status_code == 503
                reason = next(p["detail"] for p in doc["parts"] if p["name"] == "state-db")
                assert p_state(doc) == "degraded"
                assert str(state) in reason and "chỉ đọc" in reason and "read-only" in reason
                assert "mount -o remount,rw" in reason and "systemctl restart coc" in reason
                assert any("state-db degraded" in problem for problem in doc["problems"])
                copy = Path(reason.split(" at ")[1].split(";")[0])
                assert copy.is_file() and disk not in copy.parents
                with contextlib.closing(sqlite3.connect(copy)) as conn:  # what the file held was copied
                    assert conn.execute("SELECT reason FROM dead_letters").fetchall() == [("not JSON",)]
                assert requests.get(f"http://127.0.0.1:{web_port}/wall/street", timeout=10).status_code == 200
                assert get(coc, "/api/sensors").status_code == 200

                publisher = StreamPublisher(mosquitto.port, client_id="ro-state-publisher")
                publisher.publish(range(TOTAL))
                publisher.client.publish("coc/quang-tho/air/pam-00/state", b"not json", qos=1)
                assert publisher.wait_acked(TOTAL + 1) == TOTAL + 1
                deadline = time.monotonic() + 60
                while len(sqlite_values(tmp_path / "readings.sqlite")) < TOTAL and time.monotonic() < deadline:
                    time.sleep(0.1)
                tally = tally_values(set(range(TOTAL)), sqlite_values(tmp_path / "readings.sqlite"))
                assert (tally.stored, tally.lost, tally.duplicated) == (TOTAL, 0, 0)
                deadline = time.monotonic() + 20  # the bad message's dead letter goes to the copy
                while dead_letters(copy) < 2 and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert dead_letters(copy) == 2
                assert stop(coc) == 0
            finally:
                if publisher is not None:
                    publisher.close()
                coc.stop()
        log = (tmp_path / "coc.log").read_text()
        assert "Traceback" not in log and "cannot be written" in log
        with contextlib.closing(sqlite3.connect(state)) as conn:  # the disk's file itself was left alone
            assert conn.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0] == 1


def test_whole_data_disk_read_only_readings_wait_at_the_broker_until_it_is_writable(
        tmp_path: Path, mosquitto, root_only) -> None:
    web_port = free_port()
    with tmpfs(tmp_path / "disk", "32m") as disk:
        make_state(disk / "state.sqlite")
        config = tmp_path / "coc.yaml"
        config.write_text(wall_config(config_text(disk, mosquitto.port, web_port=web_port, client_id="coc-ro-all")))
        publisher = StreamPublisher(mosquitto.port, client_id="ro-all-publisher")
        coc = CocProcess(config, web_port, tmp_path / "coc.log")
        try:
            with read_only(disk):
                coc.start()
                health = wait_health(coc)
                doc = health.json()
                assert health.status_code == 503 and p_state(doc) == "degraded"
                assert requests.get(f"http://127.0.0.1:{web_port}/wall/street", timeout=10).status_code == 200
                publisher.publish(range(TOTAL))
                time.sleep(3)  # what COC could do with them, it has done by now: nothing durable, so no PUBACK
                assert sqlite_values(disk / "readings.sqlite") == []
                doc = get(coc, "/api/health").json()
                assert doc["store"]["ok"] is False and doc["store"]["fault"]
                assert stop(coc) == 0
            coc.start()  # the disk is writable again
            health = wait_health(coc)
            assert publisher.wait_acked(TOTAL) == TOTAL
            deadline = time.monotonic() + 120
            while len(set(sqlite_values(disk / "readings.sqlite"))) < TOTAL and time.monotonic() < deadline:
                time.sleep(0.2)
            tally = tally_values(set(range(TOTAL)), sqlite_values(disk / "readings.sqlite"))
            assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (TOTAL, TOTAL, 0, 0)
            assert p_state(get(coc, "/api/health").json()) == "running"
            assert stop(coc) == 0
        finally:
            publisher.close()
            coc.stop()


def p_state(doc: dict) -> str:
    return next(p["state"] for p in doc["parts"] if p["name"] == "state-db")


def dead_letters(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0])


@pytest.fixture(autouse=True)
def _no_leftover_mounts(tmp_path: Path) -> Iterator[None]:
    yield
    subprocess.run(["umount", "-l", str(tmp_path / "disk")], check=False, capture_output=True)


def test_a_state_file_locked_by_another_process_is_not_a_disk_fault(tmp_path: Path) -> None:
    from ingest.state_db import state_file_problem

    path = tmp_path / "state.sqlite"
    make_state(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for a moment (import-kpi, a second COC)
    try:
        assert state_file_problem(path, lock_timeout_s=0.5) is None
    finally:
        holder.close()
    assert state_file_problem(tmp_path / "new" / "state.sqlite") is None  # a new file in a new folder is fine
    assert state_file_problem(Path("/proc/coc/state.sqlite")) is not None  # a folder that cannot be made
