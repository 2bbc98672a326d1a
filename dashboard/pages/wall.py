"""Wall screens /wall/<id>: the page arrives with its first snapshot drawn (no round trip before the first data),
then one refresh callback per interval builds the next snapshot and draws every panel, the header and the device
tiles from it (one request per refresh)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import dash
from dash import ALL, Input, Output, State, dcc, html
from plotly.utils import PlotlyJSONEncoder

from dashboard import access, ids, scope
from dashboard.auth import current_principal
from dashboard.i18n import age_text, current_lang, t
from dashboard.pages import wall_panels, wall_takeover
from dashboard.pages.shell import message, wall_menu
from dashboard.pages.wall_measures import with_data
from dashboard.read_model import ReadModel
from dashboard.screens import resolve
from dashboard.settings import PANELS, Role, WallConfig
from dashboard.wall_snapshot import FONT_PX, WallSnapshot, build_snapshot, screen_panels, takeover_store

ACK_ROLES = (Role.ADMIN, Role.OPERATOR)
SCREEN = State(ids.WALL_SCREEN, "data")  # every wall callback names its screen: the guard lets public ones run
PANEL_OUTPUTS = [Output({"type": ids.WALL_PANEL, "panel": name, "page": ALL}, "children") for name in PANELS]


def _screen(rm: ReadModel, screen_id: str | None) -> WallConfig | None:
    screen: WallConfig | None = resolve(rm, screen_id)[1]
    return screen


def _request(rm: ReadModel, screen_id: str | None,
             public_screens: set[str]) -> tuple[ReadModel, WallConfig, bool, bool] | None:
    """The screen this request may read, with its commune's read model, whether it is public and whether the viewer
    sees camera images (the roles the snapshot API serves; leaders get status tiles, never a 403); None for an
    unknown screen, or a private one nobody logged in asks for."""
    commune_rm, screen = resolve(rm, screen_id)
    public = screen_id in public_screens
    principal = current_principal()
    if screen is None or screen_id is None or (not public and principal is None):
        return None
    images = bool(principal and principal.role in access.PAGE_ROLES["cameras"] and not public)
    return commune_rm, screen, public, images


def snapshot_for(rm: ReadModel, screen_id: str | None, public_screens: set[str],
                 viewport_px: int | None = None) -> WallSnapshot | None:
    """The snapshot of a screen for the current request (None as `_request` says)."""
    asked = _request(rm, screen_id, public_screens)
    if asked is None:
        return None
    commune_rm, screen, public, images = asked
    snap = build_snapshot(commune_rm, screen, public, screen_id, images)
    font = max(12, round((viewport_px or 1080) / 54))  # 20 px at 1080 lines, 40 px at 2160
    return snap if font == FONT_PX else _with_font(snap, font)


def store_for(rm: ReadModel, screen_id: str | None, public_screens: set[str]) -> StoreData | None:
    """The alarms' store of a screen for the current request (None as `_request` says)."""
    asked = _request(rm, screen_id, public_screens)
    if asked is None:
        return None
    commune_rm, screen, public, images = asked
    return takeover_store(commune_rm, screen, public, screen_id, images)


def _with_font(snap: WallSnapshot, font_px: int) -> WallSnapshot:
    return replace(snap, font_px=font_px)


def devices_linked(screen_id: str | None) -> bool:
    """Device tiles link to the device pages for the roles that may open them (not at a province: no pages there)."""
    principal = current_principal()
    at_province = scope.commune_of_screen(screen_id) is not None
    return principal is not None and principal.role in access.PAGE_ROLES["sensors"] and not at_province


def freshness(snap: WallSnapshot, lang: str) -> str:
    age = snap.freshness_s
    return t("wall.freshness", lang, age=t("wall.ago", lang, age=age_text(age, lang))) if age is not None else ""


def layout(rest: str, rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    commune_rm, screen = resolve(rm, rest)
    if screen is None:
        return message(t("notfound.title", lang), f"/wall/{rest}", "page-notfound")
    first = snapshot_for(rm, rest, set(rm.config.web.public_screens))
    snap = replace(first, charts=False) if first else None  # the numbers first; the charts with the first refresh
    pages = screen_panels(screen)
    drawn = {name: wall_panels.render(name, snap, lang) for page in pages for name in page} if snap else {}
    boxes = [
        html.Div(
            [_panel(p, i, lang, drawn.get(p)) for p in panels],
            id={"type": ids.WALL_PAGE_BOX, "page": i},
            className=f"wall-grid n{len(panels)}",
            style={"display": "grid" if i == 0 else "none"},
        )
        for i, panels in enumerate(pages)
    ]
    return with_data(html.Div(
        [
            dcc.Store(id=ids.WALL_SCREEN, data=rest),
            dcc.Store(id=ids.WALL_SNAPSHOT, data=snap.store() if snap else None),
            dcc.Store(id=ids.WALL_PAGE, data=0),
            dcc.Store(id=ids.WALL_VIEWPORT, data=1080),
            dcc.Store(id=DRAWN, data={name: fingerprint(content) for name, content in drawn.items()}),
            dcc.Interval(id=ids.WALL_TICK, interval=int(screen.refresh_s * 1000), n_intervals=0),
            dcc.Interval(id=ids.WALL_ROTATE, interval=screen.rotate_s * 1000, disabled=len(pages) < 2),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(commune_rm.config.commune.name, className="wall-commune",
                                     id="wall-commune"),
                            html.Div(screen.title, className="wall-title"),
                        ],
                        className="wall-head-left",
                    ),
                    html.Div(
                        [html.Div(freshness(snap, lang) if snap else None, id=ids.WALL_FRESHNESS),
                         back_to_province(lang) if "/" in rest else wall_menu(role, rm.config, lang)],
                        className="wall-freshness",
                    ),
                    html.Div(
                        [
                            html.Div(snap.clock if snap else "--:--:--", id=ids.WALL_CLOCK, className="wall-clock"),
                            html.Div(snap.date(lang) if snap else "", id=ids.WALL_DATE, className="wall-date"),
                        ],
                        className="wall-head-right",
                    ),
                ],
                className="wall-head",
            ),
            html.Div(t("wall.disconnected", lang), id="wall-offline", className="wall-offline"),
            wall_takeover.layout(rm, lang, role),
            html.Div(boxes, className="wall-body"),
            html.Div(wall_panels.device_tiles(snap, lang, devices_linked(rest)) if snap else None,
                     id=ids.WALL_DEVICES, className="wall-devices"),
        ],
        className="wall",
    ), refresh_ms=str(int(screen.refresh_s * 1000)))


def back_to_province(lang: str) -> html.A:
    """A commune's wall opened at the province: the way back to the province wall, instead of the commune's menu."""
    return html.A(t("province.back", lang), href="/province", className="wall-back", id="wall-back")


def _panel(name: str, page: int, lang: str, content: html.Div | None) -> html.Div:
    return html.Div(
        [
            html.Div(t(f"panel.{name}", lang), className="panel-title"),
            html.Div(content,
                     id={"type": ids.WALL_PANEL, "panel": name, "page": page}, className="panel-body"),
        ],
        className=f"panel panel-{name}",
    )


Drawn = tuple[object, ...]  # the refresh's outputs: store data, header texts, device tiles, each panel's copies
StoreData = dict[str, object]  # WallSnapshot.store(): JSON in the browser


DRAWN = "wall-drawn"  # store: a fingerprint of each panel as the browser shows it


def fingerprint(content: object) -> str:
    """A short digest of a panel's components (equal when the panel would be drawn the same)."""
    text = json.dumps(content, cls=PlotlyJSONEncoder, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _same_but_time(store: StoreData, kept: StoreData) -> bool:
    """The browser's store says the same as the new one but for the time it was taken (keeping it spares the
    takeover a redraw, and a request, every refresh)."""
    return {k: v for k, v in store.items() if k != "now"} == {k: v for k, v in kept.items() if k != "now"}


def register(app: dash.Dash, rm: ReadModel) -> None:
    public_screens = set(rm.config.web.public_screens)

    @app.callback(
        Output(ids.WALL_SNAPSHOT, "data"),
        Input(ids.WALL_TICK, "n_intervals"),
        SCREEN,
        State(ids.WALL_SNAPSHOT, "data"),
        prevent_initial_call=True,  # the layout came with it
    )
    def keep(_n: int, screen_id: str | None, kept: StoreData | None) -> StoreData | dash.NoUpdate | None:
        """The alarms' store (light: no drawing), so the takeover follows within a refresh even while the panels'
        heavier refresh is still under way; unchanged but for its time, the browser keeps its own."""
        store = store_for(rm, screen_id, public_screens)
        if store is not None and kept is not None and _same_but_time(store, kept):
            return dash.no_update  # the takeover redraws only when it changes
        return store

    @app.callback(
        Output(ids.WALL_CLOCK, "children"),
        Output(ids.WALL_DATE, "children"),
        Output(ids.WALL_FRESHNESS, "children"),
        Output(ids.WALL_DEVICES, "children"),
        Output(DRAWN, "data"),
        *PANEL_OUTPUTS,
        Input(ids.WALL_TICK, "n_intervals"),
        SCREEN,
        State(ids.WALL_VIEWPORT, "data"),
        State(DRAWN, "data"),
        prevent_initial_call=True,  # the layout came with the first snapshot drawn
    )
    def refresh(_n: int, screen_id: str | None, viewport_px: int | None, drawn: dict[str, str] | None) -> Drawn:
        snap = snapshot_for(rm, screen_id, public_screens, viewport_px)
        if snap is None:
            return ("--:--:--", "", "", None, dash.no_update, *[dash.no_update for _ in PANELS])
        lang = current_lang()
        counts = [len(spec) for spec in dash.callback_context.outputs_list[5:]]
        panels: list[object] = []
        marks = dict(drawn or {})
        for name, n in zip(PANELS, counts, strict=True):
            if not n:  # not on this screen
                panels.append([])
                continue
            content = wall_panels.render(name, snap, lang)
            mark = fingerprint(content)
            panels.append([dash.no_update if marks.get(name) == mark else content] * n)  # shown: no redraw
            marks[name] = mark
        tiles = wall_panels.device_tiles(snap, lang, devices_linked(screen_id))
        return (snap.clock, snap.date(lang), freshness(snap, lang), tiles, marks, *panels)

    app.clientside_callback(  # type: ignore[no-untyped-call]  # Dash's own signature is untyped
        "function(n) { return window.innerHeight || 1080; }",
        Output(ids.WALL_VIEWPORT, "data"),
        Input(ids.WALL_TICK, "n_intervals"),
    )

    wall_takeover.register(app, rm)

    @app.callback(
        Output(ids.WALL_PAGE, "data"),
        Input(ids.WALL_ROTATE, "n_intervals"),
        State(ids.WALL_PAGE, "data"),
        State(ids.WALL_SNAPSHOT, "data"),
        State(ids.WALL_SCREEN, "data"),
        prevent_initial_call=True,
    )
    def rotate(_n: int, page: int | None, snap: StoreData | None, screen_id: str | None) -> int | dash.NoUpdate:
        screen = _screen(rm, screen_id)
        if screen is None or (snap or {}).get("takeover"):
            return dash.no_update  # a critical alert on screen pauses the rotation
        return ((page or 0) + 1) % len(screen_panels(screen))

    @app.callback(
        Output({"type": ids.WALL_PAGE_BOX, "page": ALL}, "style"), Input(ids.WALL_PAGE, "data"), SCREEN,
        prevent_initial_call=True,  # the layout shows page 0
    )
    def show_page(page: int | None, _screen: str | None) -> list[dict[str, str]]:
        count = len(dash.callback_context.outputs_list)
        return [{"display": "grid" if i == (page or 0) else "none"} for i in range(count)]
