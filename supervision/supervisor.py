"""Starting parts in order (stopping the started ones if one fails), and a supervisor that restarts a dead part."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence

from supervision.part import LoopThread, Part, PartHealth, PartState, health_of

log = logging.getLogger(__name__)

SLOW_STOP_S = 1.0  # a part that takes longer to stop is named in the log


class PartFailedToStart(RuntimeError):
    """A part could not start; the parts started before it have been stopped again, in reverse order."""

    def __init__(self, name: str, cause: BaseException) -> None:
        super().__init__(f"{name} could not start: {cause}")
        self.part = name


def start_in_order(parts: Sequence[Part]) -> None:
    started: list[Part] = []
    for part in parts:
        try:
            part.start()
        except Exception as exc:
            log.error("%s could not start (%s); stopping the %d part(s) already started", part.name, exc,
                      len(started))
            stop_in_reverse(started)
            raise PartFailedToStart(part.name, exc) from exc
        started.append(part)


def begin_stop(parts: Sequence[Part]) -> None:
    """The first phase of every stop: each part that has `begin_stop()` learns at once that COC is stopping, before
    any part stops, so nothing treats the stop as a fault (no restarts, no alarms raised by the stop itself)."""
    for part in parts:
        begin = getattr(part, "begin_stop", None)
        if callable(begin):
            try:
                begin()
            except Exception:  # noqa: BLE001 - tell the others anyway
                log.exception("telling %s that COC is stopping failed", part.name)


def stop_in_reverse(parts: Sequence[Part], progress: Callable[[str], None] | None = None) -> None:
    """`begin_stop` for all, then stop each part in reverse boot order; `progress` hears each part's name first."""
    begin_stop(parts)
    for part in reversed(parts):
        if progress is not None:
            progress(part.name)
        started = time.monotonic()
        try:
            part.stop()
        except Exception:  # noqa: BLE001 - stop the others anyway
            log.exception("stopping %s failed", part.name)
        took = time.monotonic() - started
        log.log(logging.INFO if took >= SLOW_STOP_S else logging.DEBUG, "%s stopped in %.2f s", part.name, took)


class Supervisor(LoopThread):
    """Checks every part each `interval_s`; a DEAD one is stopped and started again, and the restart counted."""

    name = "supervisor"

    def __init__(self, parts: Sequence[Part], interval_s: float = 2.0) -> None:
        super().__init__()
        self.parts = list(parts)
        self.interval_s = interval_s
        self.restarts: Counter[str] = Counter()
        self.last_restart_error: dict[str, str] = {}

    def watch(self, part: Part) -> None:
        """Watch one more part (one made after this supervisor, before it starts: the web server)."""
        self.parts.append(part)

    def begin_stop(self) -> None:
        """COC is stopping: restart nothing from now on (a part that ends now was stopped, it did not die)."""
        self._stop_event.set()

    def turn(self) -> None:
        for part in self.parts:
            if self.stopping:
                return
            if health_of(part).state is PartState.DEAD:
                self.restart(part)

    def restart(self, part: Part) -> None:
        if self.stopping:
            return
        self.restarts[part.name] += 1
        log.error("%s died; restarting it (restart %d)", part.name, self.restarts[part.name])
        try:
            part.stop()
        except Exception:  # noqa: BLE001 - it is dead already; start it anyway
            log.exception("stopping dead part %s failed", part.name)
        try:
            part.start()
            self.last_restart_error.pop(part.name, None)
        except Exception as exc:  # noqa: BLE001 - reported; tried again next turn
            self.last_restart_error[part.name] = str(exc)[:300]
            log.error("%s could not be restarted: %s", part.name, exc)

    def report(self) -> list[PartHealth]:
        out = []
        for part in self.parts:
            health = health_of(part)
            detail = health.detail
            if part.name in self.last_restart_error:
                detail = f"restart failed: {self.last_restart_error[part.name]}"
            out.append(PartHealth(health.name, health.state, detail, self.restarts[part.name]))
        return out
