"""CSRF protection: a random token in the session, echoed by forms (field) and by Dash (X-CSRFToken
header)."""

from __future__ import annotations

import hmac
import secrets

from flask import Response, request, session

SESSION_KEY = "csrf"
COOKIE = "_csrf_token"  # dash-renderer copies this cookie into the X-CSRFToken header of every callback
HEADER = "X-CSRFToken"
FIELD = "csrf_token"


def csrf_token() -> str:
    """This session's token, created on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_ok() -> bool:
    """True when the request carries this session's token in the header or the form."""
    expected = session.get(SESSION_KEY)
    offered = request.headers.get(HEADER) or request.form.get(FIELD) or ""
    return bool(expected) and hmac.compare_digest(str(expected), offered)


def set_csrf_cookie(response: Response, secure: bool) -> Response:
    """Give the page's scripts the token (readable by JS by design; useless without the session cookie)."""
    token = session.get(SESSION_KEY)
    if token and request.cookies.get(COOKIE) != token:
        response.set_cookie(COOKIE, token, samesite="Strict", secure=secure, httponly=False)
    return response
