"""The frame around the browser pages (not the walls): navigation by role, language switch, logout."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dashboard import access
from dashboard.auth import Principal
from dashboard.csrf import csrf_token
from dashboard.i18n import t
from dashboard.settings import Role
from dashboard.site import SiteConfig

NAV = (
    ("nav.wall", "/wall/{wall}", "wall"),
    ("nav.cameras", "/cameras", "cameras"),
    ("nav.kpi", "/kpi", "kpi"),
    ("nav.alerts", "/alerts", "alerts"),
    ("nav.sensors", "/sensors", "sensors"),
    ("nav.admin", "/admin", "admin"),
    ("nav.duty", "/duty", "duty"),  # the duty roster and handover: any logged-in role (dashboard/pages/duty.py)
    ("nav.loudspeakers", "/loudspeakers", "loudspeakers"),  # any logged-in role; sending: admins and operators
)
# Plain Flask pages outside access.PAGE_ROLES: any logged-in role may open them; loudspeakers only when enabled.
OPEN_TO_STAFF = frozenset({"duty", "loudspeakers"})
# A province center has no devices or cameras of its own: its wall, the indicators, administration.
PROVINCE_NAV = (("nav.province", "/province", "province"), NAV[2], NAV[5])


def nav_links(role: Role | None, config: SiteConfig, lang: str, class_name: str = "nav-link",
              skip: str | None = None) -> list[html.A]:
    """The menu links this role may open (the same list in the page header and the wall's small menu)."""
    walls = [w.id for w in config.walls]
    wall = "overview" if "overview" in walls or not walls else walls[0]
    # a province center's configuration (configfile.schema.ProvinceCenterConfig) is the one with a `province` section
    nav = PROVINCE_NAV if getattr(config, "province", None) is not None else NAV
    loud = config.loudspeakers.enabled
    return [
        html.A(t(key, lang), href=href.format(wall=wall), className=class_name, id=f"app-nav-{family}")
        for key, href, family in nav
        if family != skip and ((role is not None and family in OPEN_TO_STAFF and (family != "loudspeakers" or loud))
                               or role in access.PAGE_ROLES.get(family, frozenset()))
    ]


def frame(page: Component, pathname: str, lang: str, principal: Principal | None, config: SiteConfig) -> html.Div:
    """Header with the links this role may open, the user, the language switch and logout; then the page."""
    role = principal.role if principal else None
    links = nav_links(role, config, lang)
    other = "en" if lang == "vi" else "vi"
    user = (
        [html.Span(f"{principal.name} · {t('role.' + principal.role.value, lang)}", className="nav-user",
                   title=f"{principal.name} · {t('role.' + principal.role.value, lang)}")]  # whole on hover (phones)
        if principal is not None
        else []
    )
    logout = (
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token(), id="app-logout-csrf"),
                html.Button(t("logout", lang), type="submit", className="nav-button", id="app-logout"),
            ],
            method="POST",
            action="/logout",
            className="nav-form",
        )
        if principal is not None
        else None
    )
    header = html.Div(
        [
            html.A(config.commune.name, href="/", className="nav-brand"),
            html.Div(links, className="nav-links"),
            html.Div(
                user
                + [
                    html.A(
                        t("lang.switch", lang),
                        href=f"/lang/{other}?next={pathname}",
                        id="app-lang",
                        className="nav-link",
                    ),
                    logout,
                ],
                className="nav-right",
            ),
        ],
        className="nav",
    )
    return html.Div([header, html.Div(page, className="page")], className="app")


def wall_menu(role: Role | None, config: SiteConfig, lang: str) -> html.Details | None:
    """A small, quiet menu in a wall's corner for logged-in staff: the other pages they may open."""
    links = nav_links(role, config, lang, "wall-menu-link", skip="wall")
    if not links:
        return None
    return html.Details([html.Summary(t("wall.menu", lang)), html.Div(links, className="wall-menu-links")],
                        className="wall-menu", id="wall-menu")


def not_found(path: str, lang: str) -> html.Div:
    """The 404 page inside the frame, so the menu is there to go on from."""
    return html.Div(
        [html.H1(t("notfound.title", lang), id="page-notfound"), html.P(t("notfound.text", lang, path=path[:200])),
         html.A(t("home", lang), href="/")],
        className="message notfound",
    )


def message(title: str, text: str, element_id: str) -> html.Div:
    return html.Div([html.H1(title, id=element_id), html.P(text), html.A("/", href="/")], className="message")


def missing_note(lang: str, name: str) -> html.Div:
    """The plain sentence a panel shows when its data source is not running."""
    return html.Div(t("missing.source", lang, name=name), className="missing")
