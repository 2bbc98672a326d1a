"""The one runtime shell of the commune's and the province's COC: parts in boot order with the supervisor last,
a part made after the supervisor (the web server) watched too, rollback on a failed start, the stop told to every
part first and then made in reverse."""

from __future__ import annotations

import pytest

from supervision.part import PartHealth, PartState
from supervision.shell import Shell
from supervision.supervisor import PartFailedToStart


class Recorder:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name, self.log, self.fail = name, log, fail
        self.dead = False

    def start(self) -> None:
        if self.fail:
            raise OSError("port in use")
        self.dead = False
        self.log.append(f"start {self.name}")

    def begin_stop(self) -> None:
        self.log.append(f"told {self.name}")

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")

    def health(self) -> PartHealth:
        return PartHealth(self.name, PartState.DEAD if self.dead else PartState.RUNNING)


def test_parts_in_boot_order_the_unconfigured_left_out_and_the_supervisor_last() -> None:
    log: list[str] = []
    broker, writer, web = Recorder("broker", log), Recorder("writer", log), Recorder("web", log)
    shell = Shell.of([broker, None, writer], interval_s=60).then(None).then(web)
    assert [p.name for p in shell.boot_order] == ["broker", "writer", "web", "supervisor"]
    web.dead = True  # the web server joined after the supervisor was made: it is watched all the same
    assert [h.name for h in shell.supervisor.report()] == ["broker", "writer", "web"]
    shell.supervisor.turn()
    assert log[-2:] == ["stop web", "start web"] and shell.supervisor.restarts["web"] == 1


def test_start_in_order_then_every_part_told_before_any_stops_in_reverse() -> None:
    log: list[str] = []
    shell = Shell.of([Recorder("broker", log), Recorder("writer", log)], interval_s=60).then(Recorder("web", log))
    shell.start()
    assert log == ["start broker", "start writer", "start web"]
    log.clear()
    heard: list[str] = []
    shell.stop(heard.append)
    assert log == ["told broker", "told writer", "told web", "stop web", "stop writer", "stop broker"]
    assert heard == ["supervisor", "web", "writer", "broker"]


def test_a_part_that_fails_to_start_stops_the_ones_started() -> None:
    log: list[str] = []
    shell = Shell.of([Recorder("broker", log), Recorder("web", log, fail=True), Recorder("x", log)], interval_s=60)
    with pytest.raises(PartFailedToStart, match="web could not start: port in use"):
        shell.start()
    assert log == ["start broker", "told broker", "stop broker"]
