"""The small interface every time-series store implements (SQLite, InfluxDB), and its value types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from sensors.models import Reading

if TYPE_CHECKING:
    from ingest.store_repair import StoreDiagnosis

Aggregate = Literal["mean", "min", "max", "last", "count", "sum"]


class StoreUnavailable(Exception):
    """The store cannot take or serve data right now (down, refusing, timing out); the caller spools."""


class StoreRejected(Exception):
    """The store refused these points for good (e.g. InfluxDB HTTP 400: a point beyond the retention policy or a
    field type conflict): sending them again cannot help. `reason` is the store's own words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One bucket of a series: its start time (UTC) and the aggregate of the values inside it."""

    ts: datetime
    value: float


class Store(Protocol):
    """A time-series store of readings. Writes are idempotent per (kind, device, ts): a re-sent reading
    overwrites itself."""

    backend: str

    def open(self) -> None:
        """Connect / create tables or the database; raise StoreUnavailable when it cannot."""

    def close(self) -> None:
        """Release connections."""

    def write(self, readings: Sequence[Reading]) -> None:
        """Write one batch; raise StoreUnavailable when the store cannot take it now (nothing partial is assumed),
        StoreRejected when it refuses some of its points for good (the caller splits the batch to find them)."""

    def latest(self) -> dict[str, Reading]:
        """The newest reading of every device, keyed by device id."""

    def series(self, kind: str, device_id: str, field: str, start: datetime, end: datetime,
               every_s: int, agg: Aggregate = "mean") -> list[SeriesPoint]:
        """One field of one device between start (inclusive) and end (exclusive), aggregated into buckets of
        every_s seconds aligned to the epoch; empty buckets are left out."""

    def count(self, kind: str, device_id: str | None = None) -> int:
        """How many readings (points) are stored for a kind, optionally for one device."""

    def diagnose(self) -> StoreDiagnosis | None:
        """Why the store does not come back (e.g. damaged files after a power cut); None: nothing found, or nothing
        to look at."""
