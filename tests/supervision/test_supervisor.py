"""The lifecycle every part shares: start in order with rollback, loop threads that survive a failed turn, and a
supervisor that restarts a dead part and counts it."""

from __future__ import annotations

import threading

import pytest

from supervision.part import LoopThread, PartHealth, PartState, health_of
from supervision.supervisor import PartFailedToStart, Supervisor, start_in_order, stop_in_reverse
from tests.polling import wait_until

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


class Recorder:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name, self.log, self.fail = name, log, fail

    def start(self) -> None:
        if self.fail:
            raise OSError("port in use")
        self.log.append(f"start {self.name}")

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")


def test_a_part_that_fails_to_start_stops_the_started_ones_in_reverse() -> None:
    log: list[str] = []
    parts = [Recorder("broker", log), Recorder("writer", log), Recorder("web", log, fail=True), Recorder("x", log)]
    with pytest.raises(PartFailedToStart, match="web could not start: port in use"):
        start_in_order(parts)
    assert log == ["start broker", "start writer", "stop writer", "stop broker"]


def test_stop_in_reverse_goes_on_after_a_failing_stop() -> None:
    log: list[str] = []

    class Broken(Recorder):
        def stop(self) -> None:
            raise RuntimeError("stuck")

    stop_in_reverse([Recorder("a", log), Broken("b", log), Recorder("c", log)])
    assert log == ["stop c", "stop a"]


class Counter(LoopThread):
    name = "counter"
    interval_s = 0.01

    def __init__(self, fail_on: set[int] | None = None, die_on: int | None = None) -> None:
        super().__init__()
        self.turns = 0
        self.fail_on = fail_on or set()
        self.die_on = die_on

    def turn(self) -> None:
        self.turns += 1
        if self.turns == self.die_on:
            raise SystemExit("thread ends")  # a BaseException: nothing in the loop catches it
        if self.turns in self.fail_on:
            raise ValueError(f"turn {self.turns} failed")


def test_a_failed_turn_is_counted_and_the_loop_goes_on() -> None:
    part = Counter(fail_on={2})
    part.start()
    wait_until(lambda: part.turns >= 5, "five turns")
    part.stop()
    assert part.turn_failures == 1 and part.health().state is PartState.STOPPED


def test_a_failing_turn_reports_degraded_with_its_error() -> None:
    part = Counter(fail_on=set(range(2, 10_000)))
    part.start()
    wait_until(lambda: part.health().state is PartState.DEGRADED, "degraded")
    assert (part.health().detail or "").startswith("ValueError: turn ")
    part.stop()


def test_the_supervisor_restarts_a_dead_part_and_counts_it() -> None:
    part = Counter(die_on=3)
    supervisor = Supervisor([part], interval_s=0.02)
    part.start()
    supervisor.start()
    try:
        wait_until(lambda: supervisor.restarts["counter"] == 1, "the restart")
        wait_until(lambda: part.turns > 5, "turning again after the restart")
        (report,) = supervisor.report()
        assert report == PartHealth("counter", PartState.RUNNING, None, 1)
    finally:
        supervisor.stop()
        part.stop()


def test_a_part_that_cannot_be_restarted_says_why_and_is_tried_again() -> None:
    attempts = threading.Event()

    class Dead:
        name = "camera-workers"
        tries = 0

        def start(self) -> None:
            self.tries += 1
            attempts.set()
            raise OSError("no space left on device")

        def stop(self) -> None:
            pass

        def health(self) -> PartHealth:
            return PartHealth(self.name, PartState.DEAD, "its process ended")

    dead = Dead()
    supervisor = Supervisor([dead], interval_s=0.02)
    supervisor.start()
    try:
        wait_until(lambda: dead.tries >= 2, "two restart attempts")
        (report,) = supervisor.report()
        assert report.state is PartState.DEAD and report.detail == "restart failed: no space left on device"
    finally:
        supervisor.stop()


def test_a_part_without_a_health_report_counts_as_running_and_a_broken_report_as_degraded() -> None:
    class Plain:
        name = "plain"

    class Broken:
        name = "broken"

        def health(self) -> PartHealth:
            raise KeyError("x")

    assert health_of(Plain()) == PartHealth("plain", PartState.RUNNING)
    assert health_of(Broken()).state is PartState.DEGRADED
