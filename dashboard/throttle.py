"""Login throttling: each attempt is counted before its password is checked (parallel guesses cannot slip past
the limit), with a delay that grows per (user name, client address) and a cap per client address.

A user name is never locked for everyone: guesses from one address slow down that address only, so an attacker
cannot lock the operations room out of its shared account. Kept here rather than in Flask-Limiter, whose limits
are fixed windows per key that successes do not reset and that do not grow; state is in memory under one lock
(the web server is one process), so a restart forgets it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10000  # bound memory under a spray of names or addresses


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may check its password now; if not, how long to wait and which limit applies."""

    allowed: bool
    retry_after_s: float = 0.0
    limit: str = ""  # "user" (this user name from this address) or "ip" (this address, any name)


@dataclass(slots=True)
class _Pair:
    failures: int
    last: float


class LoginThrottle:
    """`per_user` free failures per (user name, address), then a wait of base_delay_s doubled at each further
    failure (at most `window_s`); `per_ip` failures per address within `window_s`, any user name."""

    def __init__(
        self,
        per_user: int,
        per_ip: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
        base_delay_s: float = 2.0,
    ) -> None:
        self.per_user, self.per_ip, self.window_s = per_user, per_ip, window_s
        self.base_delay_s = base_delay_s
        self._clock = clock
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._ips: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def delay_s(self, failures: int) -> float:
        """The wait after `failures` failures of one (user name, address): 0 while under `per_user`."""
        if failures < self.per_user:
            return 0.0
        return min(self.window_s, self.base_delay_s * 2.0 ** min(failures - self.per_user, 30))

    def begin(self, ip: str, username: str) -> Verdict:
        """Count an attempt as failed before its password is checked (atomically with the check of the limits);
        `succeeded` takes it back. A refused attempt is not counted."""
        now = self._clock()
        with self._lock:
            verdict = self._verdict(ip, username.lower(), now)
            if verdict.allowed:
                self._record(ip, username.lower(), now)
            return verdict

    def succeeded(self, ip: str, username: str) -> None:
        """The password was right: forget this pair's failures and take back the attempt `begin` counted."""
        with self._lock:
            self._pairs.pop((username.lower(), ip), None)
            times = self._ips.get(ip)
            if times:
                times.pop()

    def blocked(self, ip: str, username: str) -> bool:
        """True when an attempt for this user name from this address would be refused now."""
        now = self._clock()
        with self._lock:
            return not self._verdict(ip, username.lower(), now).allowed

    def failed(self, ip: str, username: str) -> None:
        """Count a failure without a check (what `begin` does once it has allowed an attempt)."""
        now = self._clock()
        with self._lock:
            self._record(ip, username.lower(), now)

    def _verdict(self, ip: str, user: str, now: float) -> Verdict:
        times = self._recent(ip, now)
        if len(times) >= self.per_ip:
            return Verdict(False, times[0] + self.window_s - now, "ip")
        pair = self._pairs.get((user, ip))
        if pair is not None:
            wait = pair.last + self.delay_s(pair.failures) - now
            if wait > 0:
                return Verdict(False, wait, "user")
        return Verdict(True)

    def _recent(self, ip: str, now: float) -> deque[float]:
        times = self._ips.setdefault(ip, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def _record(self, ip: str, user: str, now: float) -> None:
        self._recent(ip, now).append(now)
        pair = self._pairs.get((user, ip))
        if pair is None or now - pair.last > self.window_s + self.delay_s(pair.failures):  # quiet long enough
            pair = self._pairs[(user, ip)] = _Pair(0, now)
        pair.failures += 1
        pair.last = now
        if len(self._pairs) > MAX_KEYS or len(self._ips) > MAX_KEYS:
            self._prune(now)

    def _prune(self, now: float) -> None:
        self._pairs = {k: p for k, p in self._pairs.items()
                       if now - p.last <= self.window_s + self.delay_s(p.failures)}
        self._ips = {ip: times for ip, times in self._ips.items() if self._recent(ip, now)}
