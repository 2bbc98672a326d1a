"""Keeps credentials out of logs: user:password@ in URLs and bearer/token values are masked."""

from __future__ import annotations

import logging
import re

_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]+(:[^/@\s]*)?@", re.IGNORECASE)
_TOKENS = re.compile(r"(?i)(bearer\s+|token\s+|password=)[^\s&'\"]+")


def redact(text: str) -> str:
    """`rtsp://user:secret@host` → `rtsp://***@host`; `Bearer abc` → `Bearer ***`."""
    return _TOKENS.sub(r"\1***", _URL_CREDENTIALS.sub(r"\g<scheme>***@", text))


class RedactingFormatter(logging.Formatter):
    """A log formatter that masks credentials in the final message (including tracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
