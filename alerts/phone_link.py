"""Short signed links to the phone page: `<base_url>/p/<code>`, the code (18 letters and digits) an id kept in the
app-state file plus an HMAC (web.secret_key) over the id, the alarm, the person and the expiry; valid until it
expires, used once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from alerts.shared_db import SharedConnection

SCHEMA = """
CREATE TABLE IF NOT EXISTS phone_links (
    id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, username TEXT NOT NULL, created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL, used_at TEXT, used_note TEXT);
"""
ID_CHARS = 8
ID_ALPHABET = string.ascii_letters + string.digits
SIG_CHARS = 10


class LinkState(StrEnum):
    """What a presented code is."""

    VALID = "valid"
    UNKNOWN = "unknown"  # no such id, or the signature does not match
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class PhoneLink:
    """One person's link to one alarm."""

    id: str
    alert_id: str
    username: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def state(self, now: datetime) -> LinkState:
        if self.used_at is not None:
            return LinkState.USED
        return LinkState.EXPIRED if now >= self.expires_at else LinkState.VALID


def signature(secret: str, link_id: str, alert_id: str, username: str, expires_at: datetime) -> str:
    text = f"{link_id}|{alert_id}|{username}|{expires_at.astimezone(UTC).isoformat()}"
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:SIG_CHARS]  # letters and digits: 50 bits


class PhoneLinks(SharedConnection):
    """Makes, checks and spends links; thread-safe."""

    def __init__(self, path: str | Path, secret: str) -> None:
        super().__init__(path, SCHEMA)
        self._secret = secret

    def make(self, alert_id: str, username: str, now: datetime, ttl_min: float) -> str:
        """A new link's code for this person and alarm."""
        link_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_CHARS))  # letters and digits only
        expires = now + timedelta(minutes=ttl_min)
        with self._lock:
            self._db.execute("INSERT INTO phone_links (id, alert_id, username, created_at, expires_at)"
                             " VALUES (?, ?, ?, ?, ?)",
                             (link_id, alert_id, username, now.astimezone(UTC).isoformat(),
                              expires.astimezone(UTC).isoformat()))
        return link_id + signature(self._secret, link_id, alert_id, username, expires)

    def find(self, code: str) -> PhoneLink | None:
        """The link a code stands for, only when its signature is right."""
        if len(code) != ID_CHARS + SIG_CHARS:
            return None
        link_id, sig = code[:ID_CHARS], code[ID_CHARS:]
        with self._lock:
            row = self._db.execute("SELECT id, alert_id, username, created_at, expires_at, used_at FROM phone_links"
                                   " WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            return None
        link = PhoneLink(row[0], row[1], row[2], datetime.fromisoformat(row[3]), datetime.fromisoformat(row[4]),
                         datetime.fromisoformat(row[5]) if row[5] else None)
        expected = signature(self._secret, link.id, link.alert_id, link.username, link.expires_at)
        return link if hmac.compare_digest(expected, sig) else None

    def spend(self, link: PhoneLink, now: datetime, note: str) -> bool:
        """Mark the link used; False when it was used (or expired) meanwhile: one acknowledgement per link."""
        with self._lock:
            cur = self._db.execute("UPDATE phone_links SET used_at = ?, used_note = ? WHERE id = ? AND used_at IS"
                                   " NULL AND expires_at > ?",
                                   (now.astimezone(UTC).isoformat(), note, link.id, now.astimezone(UTC).isoformat()))
        return cur.rowcount == 1
