"""The disk spool: batches the store could not take, appended (fsync'd) to segment files and replayed in order."""

from __future__ import annotations

import errno
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
QUARANTINE_SUFFIX = ".torn"


class SpoolError(OSError):
    """The spool cannot take a batch (disk full, read-only, I/O error); `reason` says so in plain words."""

    def __init__(self, reason: str, cause: OSError) -> None:
        super().__init__(cause.errno, reason)
        self.reason = reason


def describe_os_error(exc: OSError, path: Path) -> str:
    """An OSError as an operator would say it: "disk full at /var/lib/coc/spool" rather than a traceback."""
    words = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded", errno.EROFS: "read-only file system",
             errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.EIO: "I/O error"}
    return f"{words.get(exc.errno or 0, exc.strerror or type(exc).__name__)} at {path}"


def encode_batch(readings: Sequence[Reading]) -> bytes:
    rows = [[r.device_id, r.kind, to_ns(r.ts) // 1000, r.fields] for r in readings]
    return orjson.dumps(rows) + b"\n"


def decode_batch(line: bytes) -> list[Reading]:
    return [Reading(d, k, EPOCH + timedelta(microseconds=us), f) for d, k, us, f in orjson.loads(line)]


def _readable(line: bytes) -> list[Reading] | None:
    try:
        return decode_batch(line)
    except (ValueError, TypeError):
        return None


class Spool:
    """Append-only segments `NNNNNNNNNNNN.spool` of one JSON batch per line; `<segment>.done` counts replayed lines.

    A line that cannot be read back (the tail of a write cut by a crash or a full disk) is moved to
    `<segment>.torn` and counted in `quarantined_lines`: such a batch was never fsync'd, so it was never acknowledged
    to the broker, which delivers it again."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self.quarantined_lines = 0
        self._pending = 0
        self._opened = False
        try:
            self._open()
        except OSError as exc:  # an unusable spool folder must not stop COC from starting; append() says why
            log.error("spool: %s", describe_os_error(exc, self.directory))

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._pending = sum(self._check_segment(seg) for seg in self._segments())
        self._opened = True

    @property
    def pending(self) -> int:
        """Readings waiting in the spool."""
        return self._pending

    def size_bytes(self) -> int:
        try:
            return sum(seg.stat().st_size for seg in self._segments())
        except OSError:
            return 0

    def _segments(self) -> list[Path]:
        return sorted(self.directory.glob("*.spool"))

    def _done_lines(self, segment: Path) -> int:
        marker = segment.with_suffix(".done")
        try:
            return int(marker.read_text() or 0) if marker.exists() else 0
        except ValueError:  # a marker cut mid-write: replay from the start; the stores' writes are idempotent
            return 0

    def _check_segment(self, segment: Path) -> int:
        """Readings pending in `segment`, after moving any unreadable line to the quarantine file."""
        lines = segment.read_bytes().split(b"\n")
        done = self._done_lines(segment)
        complete, tail = lines[:-1], lines[-1]  # whatever follows the last newline never finished writing
        good = [i for i, line in enumerate(complete) if not line.strip() or _readable(line) is not None]
        kept_index = set(good)
        bad = [line for i, line in enumerate(complete) if i not in kept_index] + ([tail] if tail.strip() else [])
        if bad:
            self._set_aside(segment, bad)
            tmp = segment.with_suffix(".rewrite")
            tmp.write_bytes(b"".join(complete[i] + b"\n" for i in good))
            os.replace(tmp, segment)
            done = sum(1 for i in good if i < done)  # the replay mark counts the lines that are kept
            self._mark_done(segment, done)
        kept = [complete[i] for i in good]
        return sum(len(orjson.loads(line)) for line in kept[done:] if line.strip())

    def _set_aside(self, segment: Path, bad: list[bytes]) -> None:
        quarantine = segment.with_suffix(QUARANTINE_SUFFIX)
        with open(quarantine, "ab") as fh:
            fh.write(b"\n".join(bad) + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.quarantined_lines += len(bad)
        log.warning("spool: %d unreadable line(s) of %s moved to %s (never acknowledged; the broker resends them)",
                    len(bad), segment.name, quarantine.name)

    def append(self, readings: Sequence[Reading]) -> None:
        """Add a batch durably (written and fsync'd before returning); raise SpoolError when the disk cannot.

        A failed write is cut back to the previous end of the segment, so no torn line is left behind."""
        if not readings:
            return
        data = encode_batch(readings)
        with self._lock:
            try:
                if not self._opened:
                    self._open()
                self._append(data)
            except OSError as exc:
                raise SpoolError(describe_os_error(exc, self.directory), exc) from exc
            self._pending += len(readings)

    def _append(self, data: bytes) -> None:
        segments = self._segments()
        target = segments[-1] if segments and segments[-1].stat().st_size < SEGMENT_BYTES else None
        if target is None:
            number = int(segments[-1].stem) + 1 if segments else 1
            target = self.directory / f"{number:012d}.spool"
        with open(target, "a+b") as fh:
            start = fh.seek(0, os.SEEK_END)
            if start and fh.seek(start - 1) >= 0 and fh.read(1) != b"\n":
                data = b"\n" + data  # an earlier cut write left a partial line: never glue a batch to it
            try:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            except OSError:
                try:
                    fh.truncate(start)
                except OSError:
                    pass  # the next start quarantines the torn tail
                raise
        if start == 0:  # a new segment: its directory entry must be durable too
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def replay(self, write: Callable[[list[Reading]], None]) -> int:
        """Write spooled batches in order through `write`; stop at its first exception (re-raised).

        Progress is recorded after each batch, so a crash re-sends at most one batch, which the idempotent stores
        overwrite rather than duplicate. Returns the number of readings replayed."""
        replayed = 0
        with self._lock:
            for segment in self._segments():
                done = self._done_lines(segment)
                lines = segment.read_bytes().split(b"\n")
                for index in range(done, len(lines)):
                    batch = _readable(lines[index]) if lines[index].strip() else []
                    if batch is None:  # unreadable although checked at start: set aside, keep going
                        self._set_aside(segment, [lines[index]])
                        batch = []
                    if batch:
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
