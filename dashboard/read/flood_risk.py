"""The announced disaster risk level (Decision 18/2021/QĐ-TTg): the board that holds it (in memory, every change
appended to the app-state SQLite file when there is one, so it survives a restart) and its frozen view."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.context import AppContext
from sensors.flood import RiskLevel, announce, risk_level
from sensors.models import RiskAnnouncement

RISK_SCHEMA = """CREATE TABLE IF NOT EXISTS flood_risk_levels (
    id INTEGER PRIMARY KEY AUTOINCREMENT, set_at TEXT NOT NULL, level INTEGER, note TEXT NOT NULL,
    hazard TEXT NOT NULL, set_by TEXT NOT NULL)"""
PROVINCE_LEVEL = "cấp độ rủi ro thiên tai của tỉnh / the province's risk level"


@dataclass(frozen=True, slots=True)
class RiskView:
    """The announcement in force (None: none was ever made) and its level's row (None: no level announced)."""

    announcement: RiskAnnouncement | None
    row: RiskLevel | None

    @property
    def level(self) -> int | None:
        return self.row.level if self.row else None

    def label(self, lang: str) -> str | None:
        if self.row is None:
            return None
        return self.row.label_en if lang == "en" else self.row.label_vi

    @property
    def note(self) -> str:
        return self.announcement.note if self.announcement else ""


class RiskBoard:
    """The announced risk level of one commune (or of the province at a province center)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.current: RiskAnnouncement | None = None
        if path is not None:
            with sqlite3.connect(path, timeout=30) as conn:
                conn.execute(RISK_SCHEMA)
                row = conn.execute("SELECT level, note, hazard, set_by, set_at FROM flood_risk_levels "
                                   "ORDER BY id DESC LIMIT 1").fetchone()
            if row:
                level, note, hazard, set_by, set_at = row
                self.current = RiskAnnouncement(level, note, hazard, set_by, datetime.fromisoformat(set_at))

    def announce(self, level: object, note: str, set_by: str, hazard: str) -> RiskAnnouncement:
        """Set the level (ValueError for one outside 1..5, or a note too long)."""
        entry = announce(level, note, hazard, set_by, datetime.now(UTC))
        with self._lock:
            if self.path is not None:
                with sqlite3.connect(self.path, timeout=30) as conn:
                    values = (entry.set_at.isoformat(), entry.level, entry.note, entry.hazard, entry.set_by)
                    conn.execute("INSERT INTO flood_risk_levels (set_at, level, note, hazard, set_by) "
                                 "VALUES (?, ?, ?, ?, ?)", values)
            self.current = entry
        return entry

    def view(self) -> RiskView:
        entry = self.current
        return RiskView(entry, risk_level(entry.level) if entry and entry.level else None)


def risk_board(ctx: AppContext) -> RiskBoard:
    """The one risk board of this context (in ctx.extras; persisted in the app-state file if any)."""
    board = ctx.extras.get("flood_risk")
    if not isinstance(board, RiskBoard):
        board = RiskBoard(ctx.state_db.path if ctx.state_db is not None else None)
        ctx.extras["flood_risk"] = board
    return board


def announce_risk(ctx: AppContext, level: object, note: str, set_by: str, hazard: str) -> RiskAnnouncement:
    """Announce a risk level on this context's board: a commune's (named by the request), or at a province center
    the province's own, which only a province-wide caller may set (OutOfScope otherwise)."""
    if ctx.province is not None:
        ctx.scope.require_whole(PROVINCE_LEVEL)
    return risk_board(ctx).announce(level, note, set_by, hazard)
