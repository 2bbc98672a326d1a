"""Camera URLs: what kind of source a URL names, and the same URL with its credentials masked."""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#]*)@")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:user|username|password|pass|pwd|token|key|auth)=)[^&#]*")


class SourceKind(StrEnum):
    """The kinds of frame source a camera URL can name."""

    RTSP = "rtsp"
    HTTP = "http"
    FILE = "file"
    SYNTHETIC = "synthetic"


_SCHEMES = {
    "rtsp": SourceKind.RTSP,
    "rtsps": SourceKind.RTSP,
    "http": SourceKind.HTTP,
    "https": SourceKind.HTTP,
    "synthetic": SourceKind.SYNTHETIC,
    "file": SourceKind.FILE,
}


def source_kind(url: str) -> SourceKind:
    """The kind of source for a URL; anything without a known scheme is a local file path."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return _SCHEMES.get(scheme, SourceKind.FILE)


def mask_url(url: str) -> str:
    """The URL with user, password and secret query values as '***' (safe for logs, pages, the API)."""
    masked = _USERINFO.sub(lambda m: f"{m['scheme']}***:***@" if m["userinfo"] else m[0], url, count=1)
    return _SECRET_QUERY.sub(lambda m: f"{m[1]}***", masked)


def synthetic_params(url: str) -> dict[str, str]:
    """The parameters of a `synthetic:?seed=3&night=1` URL."""
    return dict(parse_qsl(urlsplit(url).query or url.partition("?")[2]))
