"""The one stop path: every part hears `begin_stop` before any part stops; the supervisor restarts nothing after it;
a camera worker process that gets SIGTERM itself (systemd signals the whole group) ends quietly with status 0 and
is not started again while COC stops, but is when it ended on its own; a stop request is only a flag."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest

from camera.models import MqttLink
from camera.service import CameraService
from camera.settings import CameraConfig, CameraSystemConfig
from supervision.part import PartHealth, PartState
from supervision.signals import StopRequest
from supervision.supervisor import Supervisor, stop_in_reverse
from tests.polling import wait_until


class Part:
    def __init__(self, name: str, log: list[str], quiesce: bool = True) -> None:
        self.name, self.log, self.state = name, log, PartState.RUNNING
        if quiesce:
            self.begin_stop = lambda: log.append(f"begin {name}")

    def start(self) -> None:
        self.log.append(f"start {self.name}")
        self.state = PartState.RUNNING

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")
        self.state = PartState.STOPPED

    def health(self) -> PartHealth:
        return PartHealth(self.name, self.state)


def test_every_part_hears_begin_stop_before_any_part_stops() -> None:
    log: list[str] = []
    progress: list[str] = []
    stop_in_reverse([Part("broker", log), Part("writer", log, quiesce=False), Part("cameras", log)], progress.append)
    assert log == ["begin broker", "begin cameras", "stop cameras", "stop writer", "stop broker"]
    assert progress == ["cameras", "writer", "broker"]


def test_the_supervisor_restarts_a_dead_part_but_nothing_once_coc_is_stopping() -> None:
    log: list[str] = []
    part = Part("ingest", log)
    supervisor = Supervisor([part])
    part.state = PartState.DEAD
    supervisor.turn()
    assert supervisor.restarts["ingest"] == 1 and log == ["stop ingest", "start ingest"]
    supervisor.begin_stop()
    part.state = PartState.DEAD  # a part that ends while COC stops was stopped; it did not die
    supervisor.turn()
    supervisor.restart(part)
    assert supervisor.restarts["ingest"] == 1 and log == ["stop ingest", "start ingest"]


def test_a_stop_signal_is_a_flag_the_owner_polls() -> None:
    request = StopRequest()
    previous = signal.getsignal(signal.SIGUSR1)
    try:
        request.install([signal.SIGUSR1])
        assert not request.requested and not request.wait(0.05)
        os.kill(os.getpid(), signal.SIGUSR1)
        assert request.wait(5) and request.requested and request.name == "SIGUSR1"
    finally:
        signal.signal(signal.SIGUSR1, previous)


@pytest.fixture
def cameras(tmp_path: Path, mosquitto) -> CameraService:
    camera = CameraConfig(id="cam-a", name="Cổng chợ", url="synthetic:?seed=1&people=2&vehicles=0", fps=2)
    system = CameraSystemConfig(snapshot_dir=tmp_path / "snap", runtime_dir=tmp_path / "run", workers=1)
    service = CameraService([camera], system, MqttLink(port=mosquitto.port), "coc/t")
    yield service
    service.stop()


def worker_pid(service: CameraService) -> int:
    wait_until(lambda: service.alive() == 1, "the camera worker", 30)
    return service._processes[0].pid  # noqa: SLF001 - the worker's own process


def test_a_camera_worker_sigtermed_while_coc_stops_exits_quietly_and_is_not_restarted(cameras, caplog) -> None:
    caplog.set_level(logging.INFO)
    cameras.start()
    wait_until(lambda: "camera worker 0: 1 cameras" in caplog.text, "the worker's cameras", 30)
    pid = worker_pid(cameras)
    cameras.begin_stop()  # what COC's stop does first, at the same moment systemd signals the group
    os.kill(pid, signal.SIGTERM)
    process = cameras._processes[0]  # noqa: SLF001
    process.join(15)
    assert process.exitcode == 0
    wait_until(lambda: "camera worker 0: stopped" in caplog.text, "the worker's last words", 10)
    cameras.respawn_dead()
    assert cameras.restarts == 0 and cameras.alive() == 0
    cameras.stop()
    assert "restarting" not in caplog.text and "killing" not in caplog.text


def test_a_camera_worker_that_ends_on_its_own_is_started_again(cameras, caplog) -> None:
    caplog.set_level(logging.INFO)
    cameras.start()
    wait_until(lambda: "camera worker 0: 1 cameras" in caplog.text, "the worker's cameras", 30)
    pid = worker_pid(cameras)
    os.kill(pid, signal.SIGTERM)  # not from a stop of COC: somebody ended this one process
    cameras._processes[0].join(15)  # noqa: SLF001
    wait_until(lambda: cameras.restarts == 1, "the camera service's restart", 15)
    assert "camera worker 0 died (exit 0), restarting" in caplog.text
    new_pid = worker_pid(cameras)
    assert new_pid != pid
    cameras.stop()
    assert cameras.alive() == 0


def test_a_stop_that_hangs_is_ended_by_its_guard_naming_the_part(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import logging, time; logging.basicConfig(); from supervision.signals import stop_deadline; "
            "stop_deadline(0.3, lambda: 'cameras'); time.sleep(30)")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                          text=True, timeout=20)
    assert done.returncode == 1
    assert "still stopping cameras" in done.stderr
