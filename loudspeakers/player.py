"""One cluster's mount: what it plays, in order — an emergency goes first and cuts a scheduled programme short —
and the record of what it played (started, ended, completed or interrupted)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from loudspeakers.icecast import IcecastError, put_stream
from loudspeakers.settings import ClusterConfig, LoudspeakersConfig
from loudspeakers.speech import Clip
from supervision.part import LoopThread

log = logging.getLogger(__name__)


class Kind(StrEnum):
    EMERGENCY = "emergency"  # an alarm: interrupts a scheduled programme
    MESSAGE = "message"  # typed by an operator
    SCHEDULED = "scheduled"  # a bulletin


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: Kind
    label: str
    clip: Clip


@dataclass(frozen=True, slots=True)
class PlayRecord:
    """What a cluster's mount played."""

    cluster: str
    item_id: str
    kind: Kind
    label: str
    started_at: datetime
    ended_at: datetime
    completed: bool
    error: str = ""


class MountPlayer(LoopThread):
    """Streams one cluster's queue to its Icecast mount, one item at a time."""

    interval_s = 0.0

    def __init__(self, cluster: ClusterConfig, cfg: LoudspeakersConfig, record: Callable[[PlayRecord], None]) -> None:
        super().__init__()
        self.cluster, self.cfg, self._record = cluster, cfg, record
        self.name = f"loudspeaker:{cluster.id}"
        self._items: list[Item] = []
        self._ready = threading.Condition()
        self._current: Item | None = None
        self._cut = threading.Event()

    @property
    def playing(self) -> Item | None:
        return self._current

    def enqueue(self, item: Item) -> None:
        with self._ready:
            if item.kind is Kind.EMERGENCY:
                at = sum(1 for i in self._items if i.kind is Kind.EMERGENCY)
                self._items.insert(at, item)
                if self._current is not None and self._current.kind is Kind.SCHEDULED:
                    self._cut.set()  # the programme gives way
            else:
                self._items.append(item)
            self._ready.notify()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._cut.set()
        with self._ready:
            self._ready.notify()
        super().stop(timeout_s)

    def turn(self) -> None:
        with self._ready:
            if not self._items:
                self._ready.wait(0.2)
            if not self._items or self.stopping:
                return
            item = self._current = self._items.pop(0)
            self._cut.clear()
        started, error, completed = datetime.now(UTC), "", False
        try:
            completed = put_stream(str(self.cfg.icecast_url), self.cluster.mount_path, self.cfg.source_user,
                                   self.cfg.source_password, item.clip.ogg, item.clip.duration_s, self._cut)
        except (IcecastError, OSError) as exc:
            error = str(exc)[:200]
            log.warning("loudspeakers: %s could not play %s: %s", self.cluster.id, item.label, error)
        self._current = None
        self._record(PlayRecord(self.cluster.id, item.id, item.kind, item.label, started, datetime.now(UTC),
                                completed, error))
