"""Stop signals: SIGTERM (a service manager, `kill`, a UPS shutdown) and SIGINT (Ctrl+C) recorded as a request to
stop, for the main process and for the worker processes it spawns. A handler only sets a flag: taking a lock or
setting a `threading.Event` inside a signal handler can deadlock the thread it interrupted."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
POLL_S = 0.05


class StopRequest:
    """Set by a stop signal; polled by the loop that owns the process (`wait`, `requested`)."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.count = 0

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def handle(self, signum: int, _frame: FrameType | None = None) -> None:
        """The first signal asks for a stop; a second Ctrl+C while stopping ends the process at once."""
        self.count += 1
        if self.signal is not None and signum == signal.SIGINT:
            os.write(2, b"second Ctrl+C: exiting without finishing the stop\n")
            os._exit(130)
        self.signal = signum

    def install(self, signals: Iterable[int] = STOP_SIGNALS) -> StopRequest:
        """Handle `signals` in this process (call from its main thread)."""
        for signum in signals:
            signal.signal(signum, self.handle)
        return self

    def wait(self, seconds: float | None = None) -> bool:
        """Sleep until a stop is requested or `seconds` have passed (None: no limit); True when requested."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.requested:
            left = POLL_S if deadline is None else min(POLL_S, deadline - time.monotonic())
            if left <= 0:
                return False
            time.sleep(left)
        return True

    @property
    def name(self) -> str:
        return signal.Signals(self.signal).name if self.signal is not None else "none"


def stop_deadline(seconds: float, what: Callable[[], str], exit_code: int = 1) -> threading.Timer:
    """A guard for a stop that hangs: after `seconds` it logs what was being stopped and ends the process at once
    (what a service manager's SIGKILL would do later; nothing acknowledged depends on a clean stop). Cancel it when
    the stop finished."""

    def expire() -> None:
        log.error("stop took more than %.0f s (still stopping %s); exiting now", seconds, what())
        logging.shutdown()
        os._exit(exit_code)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer
