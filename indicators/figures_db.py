"""The SQLite tables of base figures (commune, period, metric) -> value and of year plans (commune, year, KPI)
-> target, each with source and import time."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from indicators.models import Figure, PlanTarget

SCHEMA = """
CREATE TABLE IF NOT EXISTS kpi_figures (
    commune     TEXT NOT NULL,
    period      TEXT NOT NULL,
    metric      TEXT NOT NULL,
    value       REAL NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (commune, period, metric)
);
CREATE TABLE IF NOT EXISTS kpi_plans (
    commune     TEXT NOT NULL,
    year        INTEGER NOT NULL,
    kpi         TEXT NOT NULL,
    value       REAL NOT NULL,
    basis       TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (commune, year, kpi)
)
"""


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What writing a batch of figures changed."""

    inserted: int
    updated: int
    unchanged: int


class FiguresDb:
    """Official and computed figures in the app-state SQLite file; one writer lock, safe across threads.

    The key is (commune, period, metric): writing a figure that is already stored with the same value changes
    nothing (not even its import time), so re-importing a file is harmless.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def open(self) -> FiguresDb:
        """Create the file and table if missing."""
        if self._conn is None:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(SCHEMA)
            self._conn.commit()
        return self

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.open()
        assert self._conn is not None
        return self._conn

    def upsert(self, figures: Iterable[Figure], now: datetime | None = None) -> UpsertCounts:
        """Store figures in one transaction: new inserted, changed replaced, equal ones untouched."""
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        inserted = updated = unchanged = 0
        with self._lock, self.conn:
            for f in figures:
                row = self.conn.execute(
                    "SELECT value FROM kpi_figures WHERE commune=? AND period=? AND metric=?",
                    (f.commune, f.period, f.metric),
                ).fetchone()
                if row is None:
                    inserted += 1
                elif row[0] != f.value:
                    updated += 1
                else:
                    unchanged += 1
                    continue
                self.conn.execute(
                    "INSERT OR REPLACE INTO kpi_figures VALUES (?, ?, ?, ?, ?, ?)",
                    (f.commune, f.period, f.metric, f.value, f.source, stamp),
                )
        return UpsertCounts(inserted, updated, unchanged)

    def figures(self, communes: Iterable[str] | None = None) -> list[Figure]:
        """Every stored figure, optionally of some communes only."""
        query = "SELECT commune, period, metric, value, source, imported_at FROM kpi_figures"
        args: tuple[str, ...] = ()
        if communes is not None:
            args = tuple(communes)
            query += f" WHERE commune IN ({','.join('?' * len(args))})"
        with self._lock:
            rows = self.conn.execute(query + " ORDER BY commune, metric, period", args).fetchall()
        return [Figure(c, p, m, v, s, datetime.fromisoformat(t)) for c, p, m, v, s, t in rows]

    def communes(self) -> list[str]:
        """Communes that have at least one figure."""
        with self._lock:
            return [
                r[0] for r in self.conn.execute("SELECT DISTINCT commune FROM kpi_figures ORDER BY commune")
            ]

    def count(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM kpi_figures").fetchone()[0])

    def upsert_plans(self, plans: Iterable[PlanTarget], now: datetime | None = None) -> UpsertCounts:
        """Store year-plan targets: new inserted, changed replaced, equal ones untouched."""
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        inserted = updated = unchanged = 0
        with self._lock, self.conn:
            for p in plans:
                row = self.conn.execute(
                    "SELECT value, basis FROM kpi_plans WHERE commune=? AND year=? AND kpi=?",
                    (p.commune, p.year, p.kpi_id),
                ).fetchone()
                if row is None:
                    inserted += 1
                elif tuple(row) != (p.value, p.basis):
                    updated += 1
                else:
                    unchanged += 1
                    continue
                self.conn.execute(
                    "INSERT OR REPLACE INTO kpi_plans VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (p.commune, p.year, p.kpi_id, p.value, p.basis, p.source, stamp),
                )
        return UpsertCounts(inserted, updated, unchanged)

    def plans(self) -> list[PlanTarget]:
        """Every stored year-plan target."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT commune, year, kpi, value, basis, source FROM kpi_plans ORDER BY commune, year, kpi"
            ).fetchall()
        return [PlanTarget(c, int(y), k, v, b, s) for c, y, k, v, b, s in rows]
