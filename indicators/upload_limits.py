"""Server-side limits on every figures or plan file read (bytes, unpacked bytes, rows, cells, characters in a
cell, seconds): a file over one is refused as soon as the reader passes it, with a message naming the limit."""

from __future__ import annotations

import time
from dataclasses import dataclass


class ImportFileError(ValueError):
    """A file that cannot be read at all (unknown type, no header, neither long nor wide form, over a limit)."""


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """How much one import may read; the web upload's limits are smaller than the command line's."""

    max_bytes: int  # the file as sent
    max_unpacked_bytes: int  # an XLSX's parts once unzipped (a small file can unpack to gigabytes)
    max_rows: int
    max_cells: int
    max_cell_chars: int
    max_seconds: float


# /kpi's plan upload. openpyxl reads a sheet without a <dimension> to its end before the first row (about 3 s
# for 10 MB of sheet XML), so the unpacked size is what bounds the time of a small file of a million rows.
WEB_LIMITS = UploadLimits(2_000_000, 10_000_000, 20_000, 400_000, 10_000, 20.0)
FILE_LIMITS = UploadLimits(50_000_000, 500_000_000, 1_000_000, 20_000_000, 10_000, 600.0)  # import-kpi FILE


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit's name (`rows`), its HTTP answer (413 too large, 422 too slow) and how it reads."""

    name: str
    status: int
    vi: str
    en: str


LIMITS = {
    "bytes": Limit("bytes", 413, "tệp lớn hơn {n} byte", "file larger than {n} bytes"),
    "unpacked_bytes": Limit("unpacked_bytes", 413, "tệp XLSX giải nén lớn hơn {n} byte",
                            "XLSX unpacks to more than {n} bytes"),
    "rows": Limit("rows", 413, "quá {n} dòng", "more than {n} rows"),
    "cells": Limit("cells", 413, "quá {n} ô", "more than {n} cells"),
    "cell_chars": Limit("cell_chars", 413, "một ô dài quá {n} ký tự", "a cell longer than {n} characters"),
    "seconds": Limit("seconds", 422, "đọc tệp quá {n} giây", "reading took more than {n} seconds"),
}


class LimitExceeded(ImportFileError):
    """A file over one of the limits; `limit` says which, `status` the HTTP answer (413 or 422)."""

    def __init__(self, name: str, bound: float, where: str) -> None:
        self.limit = LIMITS[name]
        self.status = self.limit.status
        n = f"{bound:,}".replace(",", ".") if isinstance(bound, int) else f"{bound:g}"
        n_en = f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"
        super().__init__(f"{where}: vượt giới hạn: {self.limit.vi.format(n=n)} / over the limit: "
                         f"{self.limit.en.format(n=n_en)} ({name})")


class Budget:
    """Counts rows and cells as a reader goes, and raises LimitExceeded at the first limit passed."""

    def __init__(self, limits: UploadLimits, where: str) -> None:
        self.limits, self.where = limits, where
        self.rows = self.cells = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def take(self, cells: list[object]) -> list[object]:
        """One row read: counted, its cells' length checked; the row back."""
        self.rows += 1
        self.cells += len(cells)
        limits = self.limits
        if self.rows > limits.max_rows:
            raise LimitExceeded("rows", limits.max_rows, self.where)
        if self.cells > limits.max_cells:
            raise LimitExceeded("cells", limits.max_cells, self.where)
        if any(isinstance(c, str) and len(c) > limits.max_cell_chars for c in cells):
            raise LimitExceeded("cell_chars", limits.max_cell_chars, self.where)
        if self.rows % 512 == 0 and time.monotonic() > self.deadline:
            raise LimitExceeded("seconds", limits.max_seconds, self.where)
        return cells

    def size(self, name: str, size: int, bound: int) -> None:
        """Refuse a file (or its unpacked parts) of `size` bytes over `bound`."""
        if size > bound:
            raise LimitExceeded(name, bound, self.where)
