"""Keeps credentials out of logs: user:password@ in URLs, secret query values and bearer/token values are masked."""

from __future__ import annotations

import logging
import re

from camera.urls import mask_url

# A URL runs to the next white space: a password typed into a ${NAME} variable may hold "/", "@", ":" or "%".
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_TOKENS = re.compile(r"(?i)(bearer\s+|token\s+|password=)[^\s&'\"]+")


def redact(text: str) -> str:
    """`rtsp://user:se/cr@t@host` → `rtsp://***:***@host`; `Bearer abc` → `Bearer ***`."""
    return _TOKENS.sub(r"\1***", _URL.sub(lambda m: mask_url(m[0]), text))


class RedactingFormatter(logging.Formatter):
    """A log formatter that masks credentials in the final message (including tracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
