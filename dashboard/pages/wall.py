"""Wall screens /wall/<id>: one refresh callback filling one snapshot store, small render callbacks
per panel."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from dashboard import access, ids, scope
from dashboard.auth import current_principal
from dashboard.i18n import age_text, current_lang, t
from dashboard.pages import wall_panels, wall_takeover
from dashboard.pages.shell import message, wall_menu
from dashboard.read_model import ReadModel
from dashboard.screens import resolve
from dashboard.settings import PANELS, Role
from dashboard.wall_snapshot import build_snapshot, screen_panels

ACK_ROLES = (Role.ADMIN, Role.OPERATOR)
SCREEN = State(
    ids.WALL_SCREEN, "data"
)  # every wall callback names its screen: the guard lets public ones run


def _screen(rm: ReadModel, screen_id: str | None) -> Any:
    return resolve(rm, screen_id)[1]


def layout(rest: str, rm: ReadModel, lang: str, role: Any) -> Any:
    rm, screen = resolve(rm, rest)
    if screen is None:
        return message(t("notfound.title", lang), f"/wall/{rest}", "page-notfound")
    pages = screen_panels(screen)
    boxes = [
        html.Div(
            [_panel(p, i, lang) for p in panels],
            id={"type": ids.WALL_PAGE_BOX, "page": i},
            className=f"wall-grid n{len(panels)}",
            style={"display": "grid" if i == 0 else "none"},
        )
        for i, panels in enumerate(pages)
    ]
    return html.Div(
        [
            dcc.Store(id=ids.WALL_SCREEN, data=rest),
            dcc.Store(id=ids.WALL_SNAPSHOT),
            dcc.Store(id=ids.WALL_PAGE, data=0),
            dcc.Store(id=ids.WALL_VIEWPORT, data=1080),
            dcc.Interval(id=ids.WALL_TICK, interval=int(screen.refresh_s * 1000), n_intervals=0),
            dcc.Interval(id=ids.WALL_ROTATE, interval=screen.rotate_s * 1000, disabled=len(pages) < 2),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(rm.ctx.config.commune.name, className="wall-commune", id="wall-commune"),
                            html.Div(screen.title, className="wall-title"),
                        ],
                        className="wall-head-left",
                    ),
                    html.Div(
                        [html.Div(id=ids.WALL_FRESHNESS), back_to_province(lang) if "/" in rest
                         else wall_menu(role, rm.ctx.config, lang)],
                        className="wall-freshness",
                    ),
                    html.Div(
                        [
                            html.Div(id=ids.WALL_CLOCK, className="wall-clock"),
                            html.Div(id=ids.WALL_DATE, className="wall-date"),
                        ],
                        className="wall-head-right",
                    ),
                ],
                className="wall-head",
            ),
            html.Div(t("wall.disconnected", lang), id="wall-offline", className="wall-offline"),
            wall_takeover.layout(rm, lang, role),
            html.Div(boxes, className="wall-body"),
            html.Div(id=ids.WALL_DEVICES, className="wall-devices"),
        ],
        className="wall",
        **{"data-refresh-ms": str(int(screen.refresh_s * 1000))},
    )


def back_to_province(lang: str) -> html.A:
    """A commune's wall opened at the province: the way back to the province wall, instead of the commune's menu."""
    return html.A(t("province.back", lang), href="/province", className="wall-back", id="wall-back")


def _panel(name: str, page: int, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(t(f"panel.{name}", lang), className="panel-title"),
            html.Div(id={"type": ids.WALL_PANEL, "panel": name, "page": page}, className="panel-body"),
        ],
        className=f"panel panel-{name}",
    )


def register(app: dash.Dash, rm: ReadModel) -> None:
    public_screens = set(rm.ctx.config.web.public_screens)

    @app.callback(
        Output(ids.WALL_SNAPSHOT, "data"), Input(ids.WALL_TICK, "n_intervals"), State(ids.WALL_SCREEN, "data")
    )
    def refresh(_n: int, screen_id: str) -> dict | None:
        commune_rm, screen = resolve(rm, screen_id)
        public = screen_id in public_screens
        principal = current_principal()
        if screen is None or (not public and principal is None):
            return None
        snap = build_snapshot(commune_rm, screen, public)
        snap["screen"] = screen_id  # whose alarms the takeover's buttons act on
        # camera images only for the roles the snapshot API serves (leaders get status tiles, never a 403)
        snap["camera_images"] = bool(principal and principal.role in access.PAGE_ROLES["cameras"] and not public)
        return snap

    app.clientside_callback(
        "function(n) { return window.innerHeight || 1080; }",
        Output(ids.WALL_VIEWPORT, "data"),
        Input(ids.WALL_TICK, "n_intervals"),
    )
    for name in PANELS:
        _register_panel(app, name)

    @app.callback(
        Output(ids.WALL_CLOCK, "children"),
        Output(ids.WALL_DATE, "children"),
        Output(ids.WALL_FRESHNESS, "children"),
        Input(ids.WALL_SNAPSHOT, "data"),
        SCREEN,
    )
    def header(snap: dict | None, _screen: str) -> tuple[Any, Any, Any]:
        if not snap:
            return "--:--:--", "", ""
        lang = current_lang()
        fresh = t("wall.freshness", lang, age=t("wall.ago", lang, age=age_text(snap["freshness_s"], lang)))
        return snap["clock"], snap["date_en" if lang == "en" else "date_vi"], fresh

    @app.callback(Output(ids.WALL_DEVICES, "children"), Input(ids.WALL_SNAPSHOT, "data"), SCREEN)
    def devices(snap: dict | None, screen_id: str) -> Any:
        principal = current_principal()
        at_province = scope.commune_of_screen(screen_id) is not None  # no device pages there
        linked = principal is not None and principal.role in access.PAGE_ROLES["sensors"] and not at_province
        return wall_panels.device_tiles(snap, current_lang(), linked) if snap else None

    wall_takeover.register(app, rm)

    @app.callback(
        Output(ids.WALL_PAGE, "data"),
        Input(ids.WALL_ROTATE, "n_intervals"),
        State(ids.WALL_PAGE, "data"),
        State(ids.WALL_SNAPSHOT, "data"),
        State(ids.WALL_SCREEN, "data"),
        prevent_initial_call=True,
    )
    def rotate(_n: int, page: int, snap: dict | None, screen_id: str) -> Any:
        screen = _screen(rm, screen_id)
        if screen is None or (snap or {}).get("takeover"):
            return dash.no_update  # a critical alert on screen pauses the rotation
        return ((page or 0) + 1) % len(screen_panels(screen))

    @app.callback(
        Output({"type": ids.WALL_PAGE_BOX, "page": ALL}, "style"), Input(ids.WALL_PAGE, "data"), SCREEN
    )
    def show_page(page: int, _screen: str) -> list[dict]:
        count = len(dash.callback_context.outputs_list)
        return [{"display": "grid" if i == (page or 0) else "none"} for i in range(count)]


def _register_panel(app: dash.Dash, name: str) -> None:
    @app.callback(
        Output({"type": ids.WALL_PANEL, "panel": name, "page": ALL}, "children"),
        Input(ids.WALL_SNAPSHOT, "data"),
        State(ids.WALL_VIEWPORT, "data"),
        SCREEN,
    )
    def render(snap: dict | None, viewport_px: int | None, _screen: str) -> list[Any]:
        count = len(dash.callback_context.outputs_list)
        font = max(12, round((viewport_px or 1080) / 54))  # 20 px at 1080 lines, 40 px at 2160
        content = wall_panels.render(name, {**snap, "font_px": font}, current_lang()) if snap else None
        return [content] * count
