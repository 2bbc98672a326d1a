"""Waiting in tests for something a real server does: poll a condition until it holds or time runs out."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], what: str = "condition", timeout_s: float = 20.0) -> None:
    """Return as soon as `condition()` is true; fail the test with `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
