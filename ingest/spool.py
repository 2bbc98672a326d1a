"""The disk spool: batches the store could not take, appended (fsync'd) to segment files and replayed in order."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import orjson

from ingest.line_protocol import EPOCH, to_ns
from sensors.models import Reading

log = logging.getLogger(__name__)
SEGMENT_BYTES = 8 * 1024 * 1024


def encode_batch(readings: Sequence[Reading]) -> bytes:
    rows = [[r.device_id, r.kind, to_ns(r.ts) // 1000, r.fields] for r in readings]
    return orjson.dumps(rows) + b"\n"


def decode_batch(line: bytes) -> list[Reading]:
    return [Reading(d, k, EPOCH + timedelta(microseconds=us), f) for d, k, us, f in orjson.loads(line)]


class Spool:
    """Append-only segments `NNNNNNNNNNNN.spool` of one JSON batch per line; `<segment>.done` counts replayed lines."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending = sum(self._count_pending(seg) for seg in self._segments())

    @property
    def pending(self) -> int:
        """Readings waiting in the spool."""
        return self._pending

    def size_bytes(self) -> int:
        return sum(seg.stat().st_size for seg in self._segments())

    def _segments(self) -> list[Path]:
        return sorted(self.directory.glob("*.spool"))

    def _done_lines(self, segment: Path) -> int:
        marker = segment.with_suffix(".done")
        return int(marker.read_text() or 0) if marker.exists() else 0

    def _count_pending(self, segment: Path) -> int:
        lines = segment.read_bytes().splitlines()[self._done_lines(segment):]
        return sum(len(orjson.loads(line)) for line in lines if line.strip())

    def append(self, readings: Sequence[Reading]) -> None:
        """Add a batch durably (written and fsync'd before returning)."""
        if not readings:
            return
        data = encode_batch(readings)
        with self._lock:
            segments = self._segments()
            target = segments[-1] if segments and segments[-1].stat().st_size < SEGMENT_BYTES else None
            if target is None:
                number = int(segments[-1].stem) + 1 if segments else 1
                target = self.directory / f"{number:012d}.spool"
            with open(target, "ab") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            self._pending += len(readings)

    def replay(self, write: Callable[[list[Reading]], None]) -> int:
        """Write spooled batches in order through `write`; stop at its first exception (re-raised).

        Progress is recorded after each batch, so a crash re-sends at most one batch, which the idempotent stores
        overwrite rather than duplicate. Returns the number of readings replayed."""
        replayed = 0
        with self._lock:
            for segment in self._segments():
                done = self._done_lines(segment)
                lines = segment.read_bytes().splitlines()
                for index in range(done, len(lines)):
                    if not lines[index].strip():
                        continue
                    batch = decode_batch(lines[index])
                    write(batch)
                    self._mark_done(segment, index + 1)
                    replayed += len(batch)
                    self._pending -= len(batch)
                segment.unlink()
                segment.with_suffix(".done").unlink(missing_ok=True)
        return replayed

    def _mark_done(self, segment: Path, lines: int) -> None:
        marker = segment.with_suffix(".done")
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(str(lines))
        os.replace(tmp, marker)
