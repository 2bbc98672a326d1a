"""The pages of the Dash app: the shell layout, the router (with its own role check) and each page's
callbacks."""

from __future__ import annotations

from collections.abc import Callable

import dash
from dash import Input, Output, dcc, html
from dash.development.base_component import Component

from dashboard import access, ids, scope
from dashboard.auth import Principal, current_principal
from dashboard.context import AppContext
from dashboard.i18n import current_lang, t
from dashboard.pages import admin, alerts, cameras, kpi, province, sensor, wall
from dashboard.pages.shell import frame, message, not_found
from dashboard.read_model import ReadModel, read_model_of
from dashboard.screens import province_walls
from dashboard.settings import Role

PageBuilder = Callable[[str, ReadModel, str, Role | None], Component]  # (path rest, read model, lang, role)
LAYOUTS: dict[str, PageBuilder] = {
    "wall": wall.layout,
    "cameras": cameras.layout,
    "kpi": kpi.layout,
    "alerts": alerts.layout,
    "sensors": sensor.layout,
    "admin": admin.layout,
}
MODULES = (wall, cameras, kpi, alerts, sensor, admin, province)


def render_path(pathname: str, rm: ReadModel) -> Component:
    """The page for a path, after checking the caller's role again (the router is itself a callback)."""
    config = rm.config
    lang = current_lang(config.web.language)
    principal = current_principal()
    role = principal.role if principal else None
    if not access.page_allowed(pathname, role, config.web.public_screens):
        return message(t("forbidden.title", lang), t("forbidden.text", lang), "page-forbidden")
    family = access.page_family(pathname)
    if rm.province is not None and family in access.PROVINCE_FAMILIES:
        return province_page(pathname, rm, lang, principal)
    rest = pathname.strip("/").split("/", 1)[1] if "/" in pathname.strip("/") else ""
    builder = LAYOUTS.get(family)
    if builder is None or not access.page_exists(pathname, [w.id for w in config.walls],
                                                 [s.id for s in config.sensors]):
        return frame(not_found(pathname, lang), pathname, lang, principal, config)  # 404, with the menu
    page = builder(rest, rm, lang, role)
    return page if family == "wall" else frame(page, pathname, lang, principal, config)


def province_page(pathname: str, rm: ReadModel, lang: str, principal: Principal | None) -> Component:
    """At a province center: its wall, or one commune's wall screen (`/xa/<commune>/wall/<screen>`), for callers
    who may see that commune (the router is a callback: a link followed in the browser arrives here, not at the
    page guard)."""
    config = rm.config
    commune = scope.commune_of_page(pathname)
    if commune is not None and not scope.may_see(config, principal, commune):
        return message(t("forbidden.title", lang), t("forbidden.text", lang), "page-forbidden")
    view = rm.province
    if view is None or not access.province_page_exists(pathname, province_walls(view)):
        return frame(not_found(pathname, lang), pathname, lang, principal, config)
    if commune is None:
        wall_of_province: Component = province.layout(rm, lang, principal)
        return wall_of_province
    screen = pathname.strip("/").split("/")[3]
    wall_of_commune: Component = wall.layout(f"{commune}/{screen}", rm, lang, principal.role if principal else None)
    return wall_of_commune


def register_pages(app: dash.Dash, ctx: AppContext) -> ReadModel:
    """Install the shell layout, the router and every page's callbacks on the Dash app."""
    rm = read_model_of(ctx)
    app.layout = html.Div([dcc.Location(id=ids.URL, refresh=False), html.Div(id=ids.PAGE)])

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"))
    def route(pathname: str | None) -> Component:
        return render_path(pathname or "/", rm)

    for module in MODULES:
        module.register(app, rm)
    return rm
