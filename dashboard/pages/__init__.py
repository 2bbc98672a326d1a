"""The pages of the Dash app: the shell layout, the router (with its own role check) and each page's
callbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import access, ids, scope
from dashboard.auth import current_principal
from dashboard.context import AppContext
from dashboard.i18n import current_lang, t
from dashboard.pages import admin, alerts, cameras, kpi, province, sensor, wall
from dashboard.pages.shell import frame, message, not_found
from dashboard.read_model import ReadModel
from dashboard.screens import province_walls

PageBuilder = Callable[[str, Any, str, Any], Any]  # (path rest, read model, lang, role) -> component
LAYOUTS: dict[str, PageBuilder] = {
    "wall": wall.layout,
    "cameras": cameras.layout,
    "kpi": kpi.layout,
    "alerts": alerts.layout,
    "sensors": sensor.layout,
    "admin": admin.layout,
}
MODULES = (wall, cameras, kpi, alerts, sensor, admin, province)


def render_path(pathname: str, rm: ReadModel) -> Any:
    """The page for a path, after checking the caller's role again (the router is itself a callback)."""
    config = rm.ctx.config
    lang = current_lang(config.web.language)
    principal = current_principal()
    role = principal.role if principal else None
    if not access.page_allowed(pathname, role, config.web.public_screens):
        return message(t("forbidden.title", lang), t("forbidden.text", lang), "page-forbidden")
    family = access.page_family(pathname)
    if rm.ctx.province is not None and family in access.PROVINCE_FAMILIES:
        return province_page(pathname, rm, lang, principal)
    rest = pathname.strip("/").split("/", 1)[1] if "/" in pathname.strip("/") else ""
    builder = LAYOUTS.get(family)
    if builder is None or not access.page_exists(pathname, [w.id for w in config.walls],
                                                 [s.id for s in config.sensors]):
        return frame(not_found(pathname, lang), pathname, lang, principal, config)  # 404, with the menu
    page = builder(rest, rm, lang, role)
    return page if family == "wall" else frame(page, pathname, lang, principal, config)


def province_page(pathname: str, rm: ReadModel, lang: str, principal: Any) -> Any:
    """At a province center: its wall, or one commune's wall screen (`/xa/<commune>/wall/<screen>`), for callers
    who may see that commune (the router is a callback: a link followed in the browser arrives here, not at the
    page guard)."""
    config = rm.ctx.config
    commune = scope.commune_of_page(pathname)
    if commune is not None and not scope.may_see(config, principal, commune):
        return message(t("forbidden.title", lang), t("forbidden.text", lang), "page-forbidden")
    if not access.province_page_exists(pathname, province_walls(rm.ctx.province)):
        return frame(not_found(pathname, lang), pathname, lang, principal, config)
    if commune is None:
        return province.layout(rm, lang, principal)
    screen = pathname.strip("/").split("/")[3]
    return wall.layout(f"{commune}/{screen}", rm, lang, principal.role if principal else None)


def register_pages(app: dash.Dash, ctx: AppContext) -> ReadModel:
    """Install the shell layout, the router and every page's callbacks on the Dash app."""
    rm = ctx.extras.get("read_model") or ReadModel(ctx)
    ctx.extras["read_model"] = rm
    app.layout = html.Div([dcc.Location(id=ids.URL, refresh=False), html.Div(id=ids.PAGE)])

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"))
    def route(pathname: str | None) -> Any:
        return render_path(pathname or "/", rm)

    for module in MODULES:
        module.register(app, rm)
    return rm
