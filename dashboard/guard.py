"""The server-side gate in front of every request: login for pages, roles for pages and Dash
callbacks, CSRF."""

from __future__ import annotations

from flask import Flask, Response, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from dashboard import access, scope, tiles
from dashboard.auth import current_principal, offers_token
from dashboard.csrf import csrf_ok, set_csrf_cookie
from dashboard.i18n import current_lang, t
from dashboard.ids import URL, WALL_SCREEN
from dashboard.plain_pages import message_page
from dashboard.scoped import app_context
from dashboard.screens import province_walls
from dashboard.settings import Role

OPEN_PREFIXES = (
    "/_dash-component-suites/",
    "/assets/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_favicon",
    "/favicon.ico",
    "/_reload-hash",
    "/login",
    "/lang/",
    "/static/",
    "/p/",  # the phone page: a signed link names its person (dashboard/pages/phone_ack.py), no session
)
API_PREFIXES = ("/api/", "/metrics")
PROVINCE_WIDE_API = ("/api/sessions",)  # at a province center: callers who see every commune only
CALLBACK_PATH = "/_dash-update-component"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _role() -> Role | None:
    principal = current_principal()
    return principal.role if principal else None


def forbidden() -> tuple[str, int]:
    lang = current_lang(app_context().config.web.language)
    return message_page(lang, "forbidden.title", t("forbidden.text", lang)), 403


def _guard_callback() -> ResponseReturnValue | None:
    if getattr(current_user, "is_authenticated", False) and not csrf_ok():
        return {"error": "csrf", "message": "Thiếu mã CSRF / CSRF token missing"}, 403
    body = request.get_json(silent=True) or {}
    families = access.callback_families(body)
    screen = access.callback_screen(body, WALL_SCREEN)
    public = screen is not None and screen in app_context().config.web.public_screens
    if access.callback_allowed(families, _role(), public):
        return None
    status = 401 if _role() is None else 403
    return {"error": "forbidden", "message": "Không đủ quyền / not allowed"}, status


def _guard_page() -> ResponseReturnValue | None:
    path = request.path
    role = _role()
    config = app_context().config
    if path == "/":
        if role is None:
            return redirect("/login")
        province = app_context().province is not None
        return redirect(access.home_path(role, [w.id for w in config.walls], province))
    if access.page_allowed(path, role, config.web.public_screens):
        return None
    if role is None:
        return redirect(f"/login?next={path}")
    return forbidden()


def guard() -> ResponseReturnValue | None:
    """Flask before_request: None lets the request through, anything else answers it."""
    path = request.path
    principal = current_principal()
    if principal is None and offers_token(request.headers.get("Authorization")):
        return {"error": "unauthorized", "message": "Token không hợp lệ / invalid token"}, 401
    refused = _province_scope(path)
    if refused is not None:
        return refused
    if path.startswith(API_PREFIXES):
        by_token = principal is not None and principal.via == "token"  # only a valid token skips CSRF
        if (
            request.method in UNSAFE
            and not by_token
            and getattr(current_user, "is_authenticated", False)
            and not csrf_ok()
        ):
            return {"error": "csrf", "message": "Thiếu mã CSRF / CSRF token missing"}, 403
        return None  # the API blueprints check tokens and roles themselves (require_roles)
    if path == CALLBACK_PATH:
        return _guard_callback()
    if path.startswith(OPEN_PREFIXES) or path == "/logout":
        return None
    if path.startswith(tiles.PREFIX):  # the map's tiles: public only when a public screen shows a map
        if _role() is None and not tiles.tiles_public(app_context().config):
            return {"error": "unauthorized", "message": "Cần đăng nhập / login required"}, 401
        return None
    return _guard_page()


def _named_commune(path: str) -> str | None:
    """The commune a request names at a province: `?commune=` on the API, `/xa/<commune>/…` pages, a wall
    callback of `<commune>/<screen>`."""
    if path.startswith(API_PREFIXES):
        return request.args.get("commune")
    if path == CALLBACK_PATH:
        body = request.get_json(silent=True) or {}
        page = access.callback_screen(body, URL)  # the router names the page it renders
        screen = scope.commune_of_screen(access.callback_screen(body, WALL_SCREEN))
        return screen or (scope.commune_of_page(page) if page else None)
    return scope.commune_of_page(path)


def _province_wide_only(path: str) -> bool:
    """Province-level areas at a province center (its users and sessions, its settings): for callers who see
    every commune."""
    if path == CALLBACK_PATH:
        body = request.get_json(silent=True) or {}
        page = access.callback_screen(body, URL) or ""
        return bool(access.callback_families(body) & access.PROVINCE_WIDE_FAMILIES
                    or access.page_family(page) in access.PROVINCE_WIDE_FAMILIES)
    return path.startswith(PROVINCE_WIDE_API) or access.page_family(path) in access.PROVINCE_WIDE_FAMILIES


def _refuse(path: str, message: str) -> ResponseReturnValue:
    if path.startswith(API_PREFIXES) or path == CALLBACK_PATH:
        return {"error": "forbidden", "message": message}, 403
    return forbidden()


def _province_scope(path: str) -> ResponseReturnValue | None:  # noqa: PLR0911 - one answer per case
    """At a province center, the one place that decides what a request may read and write: its scope (the caller's
    communes, narrowed to the commune the request names; dashboard.scope.Scope) on `g.coc_scope`, and the context
    of the commune it names, if the caller may see it (403; 404 for an unknown commune). Every read and write then
    goes through that scope (dashboard.context.current_context, dashboard.scoped). Anonymous callers get an empty
    scope (or a public wall screen's commune) and are left to the login and role checks that follow."""
    ctx = app_context()
    view = ctx.province
    if view is None:
        return None
    commune = _named_commune(path)
    principal = current_principal()
    units = {c: frozenset(u.id for u in cctx.config.commune.former_units) for c, cctx in view.contexts.items()}
    if principal is None:
        public = commune is not None and path == CALLBACK_PATH and access.callback_screen(
            request.get_json(silent=True) or {}, WALL_SCREEN) in ctx.config.web.public_screens
        g.coc_scope = scope.Scope(frozenset({commune} if public and commune is not None else ()))
        return None
    if commune is not None and view.commune(commune) is None:
        return {"error": "not_found", "message": f"Không có xã '{commune[:64]}' / no such commune"}, 404
    if commune is not None and not scope.may_see(ctx.config, principal, commune):
        return _refuse(path, "Không được xem xã này / not allowed for this commune")
    if scope.communes_of(ctx.config, principal) is not None and _province_wide_only(path):
        return _refuse(path, "Chỉ cán bộ cấp tỉnh / province-wide callers only")
    g.coc_scope = scope.decide(ctx.config, principal, commune, units)
    if commune is not None:
        g.coc_context = view.contexts[commune]
    return None


def not_found_status(response: Response) -> Response:
    """A page path with no page answers 404 (its body is still the app, which shows the 404 page and the menu)."""
    path = request.path
    if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            and not path.startswith((*OPEN_PREFIXES, *API_PREFIXES, CALLBACK_PATH))):
        config = app_context().config
        if not access.page_exists(path, [w.id for w in config.walls], [s.id for s in config.sensors]):
            view = app_context().province
            if view is None or not access.province_page_exists(path, province_walls(view)):
                response.status_code = 404
    return response


def out_of_scope(exc: scope.OutOfScope) -> ResponseReturnValue:
    """A read or write outside the request's scope (dashboard.scoped raised it): 403, nothing changed."""
    if request.path.startswith(API_PREFIXES) or request.path == CALLBACK_PATH:
        return {"error": "forbidden", "message": str(exc)}, 403
    return forbidden()


def install(server: Flask) -> None:
    """Attach the gate, the scope refusals and the CSRF cookie to the server."""
    server.before_request(guard)
    server.register_error_handler(scope.OutOfScope, out_of_scope)
    secure = server.config.get("SESSION_COOKIE_SECURE", False)
    server.after_request(lambda response: set_csrf_cookie(response, secure))
    server.after_request(not_found_status)
