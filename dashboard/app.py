"""The app factory: one Flask server carrying the REST API, and the Dash app for the pages on top of it."""

from __future__ import annotations

import dash
from flask import Flask
from flask_login import LoginManager

from dashboard.api import register_api
from dashboard.context import AppContext


def create_server(ctx: AppContext) -> Flask:
    """The Flask server with the API registered; pages are added by `create_app`."""
    server = Flask("coc")
    server.config.update(
        SECRET_KEY=ctx.config.web.secret_key,
        COC_CONTEXT=ctx,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    login = LoginManager(server)
    login.user_loader(lambda _user_id: None)
    register_api(server)
    return server


def create_app(ctx: AppContext) -> dash.Dash:
    """The whole web app for one configuration and its running services."""
    server = create_server(ctx)
    app = dash.Dash(
        __name__, server=server, use_pages=False, suppress_callback_exceptions=True,
        title=f"COC – {ctx.config.commune.name}", update_title=None,
    )
    from dashboard.pages import register_pages

    register_pages(app, ctx)
    return app
