"""The app factory: one Flask server carrying the REST API, login and the guard, and the Dash app on
top of it."""

from __future__ import annotations

from datetime import timedelta

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify
from flask_login import LoginManager

from dashboard import guard, headers, request_limits, sessions
from dashboard.api import register_api
from dashboard.context import AppContext
from dashboard.login import blueprint as login_blueprint
from dashboard.throttle import LoginThrottle
from dashboard.tiles import blueprint as tiles_blueprint
from dashboard.users import ActiveUsers, user_book


def create_server(ctx: AppContext) -> Flask:
    """The Flask server with the API, login routes and the role guard; pages are added by `create_app`."""
    server = Flask("coc")
    web, auth = ctx.config.web, ctx.config.auth
    server.config.update(
        SECRET_KEY=web.secret_key,
        COC_CONTEXT=ctx,
        SESSION_COOKIE_NAME="coc_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.https,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=web.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=web.session_hours),
        JSON_AS_ASCII=False,
    )
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    login = LoginManager(server)
    login.session_protection = "basic"
    state_path = ctx.state_db.path if ctx.state_db is not None else None  # none (some tests): sessions in memory
    users = ActiveUsers(user_book(ctx))  # the file's users and those added on /admin, minus disabled ones
    sessions.install(server, login, users, state_path, timedelta(hours=web.session_hours))
    server.extensions["coc_login_throttle"] = LoginThrottle(
        auth.login_attempts_per_user, auth.login_attempts_per_ip, auth.login_window_s
    )
    server.register_blueprint(login_blueprint)
    request_limits.install(server)  # before the guard: it parses callback bodies
    guard.install(server)
    register_api(server)
    server.register_blueprint(tiles_blueprint)  # /tiles/<z>/<x>/<y>.png: the configured base map tiles
    from dashboard.pages.duty import register_duty_pages

    register_duty_pages(server)  # /duty (roster, handover) and the phone page /p/<code>
    return server


def create_app(ctx: AppContext) -> dash.Dash:
    """The whole web app for one configuration and its running services."""
    server = create_server(ctx)
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]  # Dash's hints say bool | Callable; its code takes a Flask app
        use_pages=False,
        suppress_callback_exceptions=True,
        title=f"COC – {ctx.config.commune.name}",
        update_title=None,  # type: ignore[arg-type]  # None: no "Updating..." title (Dash's documented value)
        serve_locally=True,
    )
    from dashboard.pages import register_pages

    register_pages(app, ctx)
    server.register_error_handler(DependencyException, _no_such_asset)  # Dash raises it for an unknown file
    headers.install(app)  # CSP with the hashes of Dash's inline scripts, no framing, nosniff, referrer policy
    request_limits.watch_callbacks(app)
    return app


def _no_such_asset(_exc: DependencyException) -> tuple[Response, int]:
    """`/_dash-component-suites/<package>/<file>` naming no file Dash serves: 404 (Dash's message lists every
    registered file, so it is not repeated)."""
    return jsonify(error="not_found", message="Không có tệp này / no such file"), 404
