"""Identifiers that travel in MQTT topics, URLs, file names and headers: one character set, checked at every
edge (the configuration, the MQTT decoder, HTTP paths and query values).

An identifier is 1 to 64 characters (event ids and file names 128) of ASCII letters, digits, '-', '_' and '.',
starting with a letter or digit: no spaces, quotes, slashes, backslashes or control characters, so it is safe in
a topic, a path segment, a file name and a header as it is. Names shown to people (zones, hamlets) are labels:
any text without control characters, at most 100 characters."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ID_MAX = 64  # device, camera, commune, alert, KPI ids
LONG_ID_MAX = 128  # event ids (`<camera>-<UTC start>-<6 hex>`) and the file names of snapshots and clips
LABEL_MAX = 100
PATH_PARTS_MAX = 4  # `<camera>/<date>/<event>.jpg` under the snapshot and clip folders
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"  # for pydantic fields (the configuration)
ID_CHARS = "A-Z a-z 0-9 - _ . (first a letter or digit)"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class BadId(ValueError):
    """An identifier outside the character set or too long; the message says which rule it breaks."""


def is_id(text: Any, max_len: int = ID_MAX) -> bool:
    """True for a str of 1 to `max_len` characters of the identifier set."""
    return isinstance(text, str) and len(text) <= max_len and _ID.fullmatch(text) is not None


def check_id(text: Any, what: str, max_len: int = ID_MAX) -> str:
    """`text` when it is an identifier, else BadId naming `what` and the rule."""
    if not is_id(text, max_len):
        raise BadId(f"{what} {_show(text)} must be 1-{max_len} characters of {ID_CHARS}")
    return text


def is_label(text: Any, max_len: int = LABEL_MAX) -> bool:
    """True for non-empty text of at most `max_len` characters without control or unassigned characters."""
    return (isinstance(text, str) and 0 < len(text) <= max_len
            and not any(unicodedata.category(c)[0] == "C" for c in text))


def check_label(text: Any, what: str, max_len: int = LABEL_MAX) -> str:
    """`text` when it is a label, else BadId naming `what` and the rule."""
    if not is_label(text, max_len):
        raise BadId(f"{what} {_show(text)} must be 1-{max_len} characters without control characters")
    return text


def is_relative_path(text: Any) -> bool:
    """True for `a/b/c.jpg`: 1 to 4 parts, each a file name of the identifier set (so no '..', no '/' first)."""
    if not isinstance(text, str) or len(text) > PATH_PARTS_MAX * (LONG_ID_MAX + 1):
        return False
    parts = text.split("/")
    return len(parts) <= PATH_PARTS_MAX and all(is_id(p, LONG_ID_MAX) for p in parts)


def _show(value: Any) -> str:
    """A refused value for a message: its start, control characters escaped (never a header or log injection)."""
    if not isinstance(value, str):
        return f"({type(value).__name__})"
    return repr(value[:40]) + ("…" if len(value) > 40 else "")
