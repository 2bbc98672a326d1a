"""Login rate limiting: failed attempts counted per client address and per user name in a sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    """Refuses logins for a key once it has `limit` failures within `window_s` seconds (in memory,
    thread-safe)."""

    def __init__(
        self, per_user: int, per_ip: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limits = {"user": per_user, "ip": per_ip}
        self._window_s = window_s
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self._window_s:
            times.popleft()
        return times

    def blocked(self, ip: str, username: str) -> bool:
        """True when either the address or the user name has used up its attempts."""
        now = self._clock()
        with self._lock:
            keys = (("ip", ip), ("user", username.lower()))
            return any(len(self._recent(k, now)) >= self._limits[k[0]] for k in keys)

    def failed(self, ip: str, username: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (("ip", ip), ("user", username.lower())):
                self._recent(key, now).append(now)
            if len(self._failures) > 10000:  # bound memory under a spray of names
                self._failures = {k: v for k, v in self._failures.items() if self._recent(k, now)}

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username.lower()), None)
