"""Login, logout and the language switch: the session side of the web app (Flask routes, not Dash pages)."""

from __future__ import annotations

import logging
import math
from urllib.parse import urlparse

from flask import Blueprint, current_app, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from dashboard import sessions
from dashboard.auth import check_login
from dashboard.csrf import csrf_ok, csrf_token
from dashboard.i18n import LANG_COOKIE, LANG_COOKIE_MAX_AGE_S, LANGS, current_lang, t
from dashboard.plain_pages import login_page, message_page
from dashboard.scoped import app_context
from dashboard.throttle import LoginThrottle
from dashboard.users import user_book

log = logging.getLogger(__name__)
blueprint = Blueprint("coc_login", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) may be the place to go after login."""
    if not target:
        return "/"
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _throttle() -> LoginThrottle:
    throttle: LoginThrottle = current_app.extensions["coc_login_throttle"]
    return throttle


def _form(error: str = "", status: int = 200) -> tuple[str, int]:
    lang = current_lang(app_context().config.web.language)
    html = login_page(
        lang,
        app_context().config.commune.name,
        csrf_token(),
        error=error,
        username=request.form.get("username", ""),
        next_path=safe_next(request.values.get("next")),
    )
    return html, status


@blueprint.get("/login")
def login_form() -> tuple[str, int]:
    return _form()


@blueprint.post("/login")
def login_submit() -> ResponseReturnValue:
    lang = current_lang(app_context().config.web.language)
    if not csrf_ok():
        return _form(t("login.csrf", lang), 400)
    ip = request.remote_addr or "?"
    username = request.form.get("username", "").strip()[:64]
    verdict = _throttle().begin(ip, username)  # counted before the password is checked
    if not verdict.allowed:
        log.warning("login refused (rate limit per %s) for %r from %s", verdict.limit, username, ip)
        html, status = _form(t("login.throttled", lang), 429)
        return html, status, {"Retry-After": str(math.ceil(verdict.retry_after_s))}
    user = check_login(user_book(app_context()).active(), username, request.form.get("password", ""))
    if user is None:
        log.info("failed login for %r from %s", username, ip)
        return _form(t("login.failed", lang), 401)
    _throttle().succeeded(ip, username)
    session.clear()  # a fresh session (and CSRF token) at login: no fixation
    session.permanent = True
    login_user(user)
    user_agent = request.headers.get("User-Agent", "")
    session[sessions.COOKIE_KEY] = sessions.store(current_app).create(user.id, user.role.value, ip, user_agent)
    csrf_token()
    log.info("login %s (%s) from %s", user.id, user.role, ip)
    return redirect(safe_next(request.form.get("next")))


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    if not csrf_ok():
        return message_page(current_lang(), "forbidden.title", t("login.csrf", current_lang())), 400
    who = getattr(current_user, "id", None) or "?"
    sessions.store(current_app).revoke_secret(session.get(sessions.COOKIE_KEY), f"{who} (logout)")
    logout_user()
    session.clear()  # the language cookie stays: the next person at this screen reads the same language
    return redirect("/login")


@blueprint.get("/lang/<code>")
def switch_language(code: str) -> Response:
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGS:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_COOKIE_MAX_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
