"""The writer's inbox: accepted readings waiting for the writer, bounded in readings (not messages)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from sensors.models import Reading


@dataclass(slots=True)
class Batch:
    """What the writer takes in one turn: the readings, and the acknowledgements owed once they are durable."""

    readings: list[Reading] = field(default_factory=list)
    acks: list[object] = field(default_factory=list)
    last_ticket: int = 0


class Inbox:
    """A FIFO of (readings, acknowledgement) entries counted in readings.

    MQTT never blocks here: the ingester asks `full` and stops reading from the broker instead (the broker keeps the
    backlog), so one message may go over the limit by its own size. HTTP gateways wait for room with a timeout."""

    def __init__(self, limit_readings: int) -> None:
        self.limit = max(1, limit_readings)
        self._items: deque[tuple[list[Reading], object, int]] = deque()
        self._readings = 0
        self._tickets = 0
        self._cond = threading.Condition()

    @property
    def readings(self) -> int:
        return self._readings

    @property
    def full(self) -> bool:
        return self._readings >= self.limit

    def empty(self) -> bool:
        return not self._items

    def put(self, readings: list[Reading], ack: object = None, timeout_s: float | None = None) -> int:
        """Queue readings (and what to acknowledge once they are durable); return their ticket. With a timeout,
        wait for room first and raise TimeoutError when there is none in time."""
        with self._cond:
            if timeout_s is not None and self._items:
                deadline = time.monotonic() + timeout_s
                while self._readings + len(readings) > self.limit and self._items:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError("the writer is not keeping up")
                    self._cond.wait(remaining)
            self._tickets += 1
            self._items.append((readings, ack, self._tickets))
            self._readings += len(readings)
            if len(self._items) == 1:  # the writer waits only on an empty inbox: wake it once, not per message
                self._cond.notify_all()
            return self._tickets

    def take(self, max_readings: int, wait_s: float, linger_s: float = 0.0) -> Batch | None:
        """Everything queued up to `max_readings` (at least one entry), waiting up to `wait_s` for the first and
        then `linger_s` for more (group commit: fewer, larger commits while messages stream in)."""
        with self._cond:
            if not self._items:
                self._cond.wait(wait_s)
                if not self._items:
                    return None
            if linger_s and self._readings < max_readings:
                self._cond.wait(linger_s)
            batch = Batch()
            while self._items and (not batch.acks or len(batch.readings) + len(self._items[0][0]) <= max_readings):
                readings, ack, ticket = self._items.popleft()
                batch.readings.extend(readings)
                batch.acks.append(ack)
                batch.last_ticket = ticket
                self._readings -= len(readings)
            self._cond.notify_all()
            return batch

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()
