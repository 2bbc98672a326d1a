"""What every long-running part is: a name, start(), stop(), and a typed health report; and the loop thread most
parts are built on, so no part hand-writes its own thread loop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


class PartState(StrEnum):
    STOPPED = "stopped"
    RUNNING = "running"
    DEGRADED = "degraded"  # running, but cannot do its job right now (disk full, store refusing): `detail` says why
    STALLED = "stalled"  # alive but making no progress although it has work
    DEAD = "dead"  # its thread or process ended although nobody stopped it: the supervisor restarts it


HEALTHY = frozenset({PartState.RUNNING})


@dataclass(frozen=True, slots=True)
class PartHealth:
    """One part's state for /api/health, /metrics and /admin."""

    name: str
    state: PartState
    detail: str | None = None
    restarts: int = 0

    @property
    def ok(self) -> bool:
        return self.state in HEALTHY


@runtime_checkable
class Part(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


def health_of(part: object) -> PartHealth:
    """A part's own report when it gives one; else dead or running by its `alive()` (parts in the domain folders
    answer that without importing this package); else running (a part with no thread of its own cannot die)."""
    report, alive = getattr(part, "health", None), getattr(part, "alive", None)
    name = str(getattr(part, "name", type(part).__name__))
    try:
        if callable(report):
            own: PartHealth = report()  # a part's health() returns its PartHealth
            return own
        if callable(alive) and alive() is False:  # (a count of live processes is not this yes/no answer)
            return PartHealth(name, PartState.DEAD, "its thread or process ended")
    except Exception as exc:  # noqa: BLE001 - a broken health report is itself a finding
        return PartHealth(name, PartState.DEGRADED, f"health report failed: {exc}")
    return PartHealth(name, PartState.RUNNING)


class LoopThread:
    """A part whose work is `turn()`, called every `interval_s` in one daemon thread until `stop()`.

    A turn that raises is logged and counted, and the loop goes on; a thread that ends anyway is reported DEAD.
    A turn that has not finished for `stall_after_s` is reported STALLED."""

    name = "loop"
    interval_s = 1.0
    first_delay_s = 0.0
    stall_after_s: float | None = None

    def __init__(self) -> None:
        self._stop_event = threading.Event()
        self._loop_thread: threading.Thread | None = None
        self._turn_started: float | None = None
        self.turn_failures = 0
        self.last_turn_error: str | None = None

    def turn(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._stop_event.clear()
        self._loop_thread = threading.Thread(target=self._loop, name=f"coc-{self.name}", daemon=True)
        self._loop_thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop_event.set()
        if self._loop_thread is not None:
            self._loop_thread.join(timeout=timeout_s)
            self._loop_thread = None

    @property
    def stopping(self) -> bool:
        return self._stop_event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the part is being stopped."""
        return self._stop_event.wait(seconds)

    def _loop(self) -> None:
        if self.first_delay_s and self._stop_event.wait(self.first_delay_s):
            return
        while not self._stop_event.is_set():
            self._turn_started = time.monotonic()
            try:
                self.turn()
                self.last_turn_error = None
            except Exception as exc:  # noqa: BLE001 - one failed turn must not end the part
                self.turn_failures += 1
                if self.last_turn_error is None:
                    log.exception("%s: turn failed", self.name)
                self.last_turn_error = f"{type(exc).__name__}: {exc}"[:300]
            self._turn_started = None
            self._stop_event.wait(self.interval_s)

    def thread_alive(self) -> bool:
        return self._loop_thread is not None and self._loop_thread.is_alive()

    def health(self) -> PartHealth:
        if self._loop_thread is None:
            return PartHealth(self.name, PartState.STOPPED)
        if not self._loop_thread.is_alive():
            return PartHealth(self.name, PartState.DEAD, "its thread ended")
        started = self._turn_started
        if self.stall_after_s is not None and started is not None and time.monotonic() - started > self.stall_after_s:
            return PartHealth(self.name, PartState.STALLED, f"one turn has run for {time.monotonic() - started:.0f} s")
        if self.last_turn_error:
            return PartHealth(self.name, PartState.DEGRADED, self.last_turn_error)
        return PartHealth(self.name, PartState.RUNNING)


def thread_health(name: str, thread: threading.Thread | None, degraded: Callable[[], str | None] | None = None,
                  ) -> PartHealth:
    """Health of a part built on one thread of its own: stopped, dead, degraded (with the reason) or running."""
    if thread is None:
        return PartHealth(name, PartState.STOPPED)
    if not thread.is_alive():
        return PartHealth(name, PartState.DEAD, "its thread ended")
    reason = degraded() if degraded is not None else None
    return PartHealth(name, PartState.DEGRADED, reason) if reason else PartHealth(name, PartState.RUNNING)
