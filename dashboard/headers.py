"""Security headers on every response: a Content-Security-Policy the Dash pages work with (Dash's own inline
scripts allowed by their hashes, nothing inline from elsewhere), no framing, no MIME sniffing, no referrer
leaving the site."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash
from flask import Flask, Response

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(script_hashes: Sequence[str]) -> str:
    """The policy: everything from this site only; inline scripts only those with the listed hashes; inline
    styles allowed (Dash components and Plotly set style attributes); never framed by another page."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: dash.Dash) -> None:
    """Add the headers to every response of the app's server; the script hashes are taken at the first request,
    once every page and clientside callback is registered."""
    policy: list[str] = []

    def current_policy(hashes: Callable[[], Sequence[str]] = app.csp_hashes) -> str:
        if not policy:
            policy.append(content_security_policy(hashes()))
        return policy[0]

    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", current_policy())
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    server: Flask = app.server
    server.after_request(add_headers)
