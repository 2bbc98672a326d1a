"""Camera URLs: what kind of source a URL names, and the same URL with its credentials masked."""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# What follows the userinfo's last "@": a host name, IPv4 or [IPv6] address, an optional port, then the path.
_HOST_AFTER_AT = re.compile(r"@(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d*)?(?![A-Za-z0-9.:-])")
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
    """The URL with user, password and secret query values as '***' (safe for logs, pages, the API).

    Passwords come from `${NAME}` variables as typed, so they may hold "/", "@", ":", "%", "?" or "#" unencoded:
    the userinfo runs to the last "@" that is followed by a host, not to the first "/"."""
    scheme = _SCHEME.match(url)
    masked = url
    if scheme:
        rest = url[scheme.end():]
        ends = [m.start() for m in _HOST_AFTER_AT.finditer(rest)]
        if ends and ends[-1] > 0:
            masked = f"{scheme[0]}***:***{rest[ends[-1]:]}"
    return _SECRET_QUERY.sub(lambda m: f"{m[1]}***", masked)


def synthetic_params(url: str) -> dict[str, str]:
    """The parameters of a `synthetic:?seed=3&night=1` URL."""
    return dict(parse_qsl(urlsplit(url).query or url.partition("?")[2]))
