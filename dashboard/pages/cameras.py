"""Police view /cameras: camera grid with filters and thumbnails refreshed every few seconds, camera alerts
with their snapshots and a sound on a new one (mutable), the live view of one camera and its event history
(its own events and those another publisher such as an NVR sent). `/cameras?camera=<id>` opens a camera;
`/cameras?unit=<id>` shows one former commune's cameras and alerts (tiles are grouped by former commune)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, unquote

import dash
from dash import ALL, Input, Output, State, dcc, html
from dash.development.base_component import Component

from alerts.models import Source, Status
from dashboard import ids
from dashboard.auth import current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages import camera_review
from dashboard.pages.alert_actions import act_on_clicked
from dashboard.pages.camera_alerts import (
    NEEDS_A_PERSON,
    alert_signature,
    camera_alert_rows,
    camera_alerts_of,
    desk_alarms,
    open_counts,
    register_opening,
)
from dashboard.pages.camera_review import desk_reads, event_list, review_layout, with_data
from dashboard.pages.shell import missing_note
from dashboard.pages.unit_filter import register_unit_picker, unit_picker
from dashboard.read.camera_views import CameraView, ReviewFilter
from dashboard.read.cameras import CameraReads
from dashboard.read_model import ReadModel
from dashboard.settings import Role

FILTERS = ("all", "online", "offline", "alerts")
TICK_MS = 4000  # thumbnails and alerts refresh at least every 5 s
KEEP: dict[str, Callable[[CameraView, int], bool]] = {  # (camera, its active alarms) -> shown under the filter
    "all": lambda c, n: True,
    "online": lambda c, n: c.online,
    "offline": lambda c, n: not c.online,
    "alerts": lambda c, n: n > 0,
}


def layout(rest: str, rm: ReadModel, lang: str, _role: Role | None) -> Component:
    if rest == "review":
        return review_layout(rm, lang)
    if rest.startswith("live/"):
        return live_wall(desk_reads(rm), unquote(rest.removeprefix("live/")), lang)
    hamlet = unquote(rest.removeprefix("hamlet/")) if rest.startswith("hamlet/") else None
    return desk_layout(desk_reads(rm), lang, hamlet)


def live_wall(cams: CameraReads, camera_id: str, lang: str) -> Component:
    """/cameras/live/<id>: one camera's live view filling the screen."""
    cam = cams.camera(camera_id)
    if cam is None:
        return html.Div(t("cam.pick", lang), className="missing")
    return html.Div(
        [
            html.Img(src=f"/api/cameras/{cam.id}/stream.mjpg", className="cam-full-img", id="cam-live-img"),
            html.Div(
                [cam.name, html.A(t("ev.back", lang), href=f"/cameras?camera={cam.id}")], className="cam-full-name"
            ),
        ],
        className="police cam-full",
    )


def desk_layout(cams: CameraReads, lang: str, hamlet: str | None) -> Component:
    """The desk; with a hamlet, a wall of that hamlet's cameras only (toolbar and side panel hidden)."""
    mute = html.Button(t("cam.mute", lang), id=ids.CAM_MUTE, className="btn cam-mute")
    toolbar = html.Div(
        [
            dcc.RadioItems(
                id=ids.CAM_FILTER,
                value="all",
                inline=True,
                className="filters",
                options=[{"label": t(f"cam.filter.{f}", lang), "value": f} for f in FILTERS],
            ),
            dcc.Dropdown(
                id=ids.CAM_AREA, options=cams.areas(), value=hamlet, placeholder=t("cam.area", lang),
                className="area-pick",
            ),
            unit_picker(ids.CAM_UNIT, ids.CAM_UNIT_URL, cams.commune, lang),
            html.A(t("ev.title", lang), href="/cameras/review", className="btn"),
            html.Span(id=ids.CAM_OFFLINE, className="cam-offline-sum"),
            with_data(mute, {"data-on": t("cam.mute", lang), "data-off": t("cam.unmute", lang)}),
        ],
        className="toolbar",
    )
    side = html.Div(
        [
            html.Div([html.H2(t("cam.alerts", lang), style={"margin": 0}),
                      html.Button(t("cam.ack_all", lang), id=ids.CAM_ACK_ALL, className="btn cam-ack-all")],
                     className="cam-alerts-head"),
            html.Div(id=ids.CAM_ACK_DONE, className="done", role="status"),
            html.Div(id=ids.CAM_ACK_ALL_DONE, className="done", role="status"),  # the rows follow on the next tick
            html.Div(id=ids.CAM_ALERTS, className="cam-alerts"),
            html.Div(id=ids.CAM_ALARM, className="cam-alarm"),
            html.Div(t("cam.pick", lang), id=ids.CAM_LIVE, className="cam-live"),
            html.Div(id=ids.CAM_FALSE_DONE, className="done"),
            html.Div(id=ids.CAM_DETAIL),
            html.H2(t("cam.history", lang)),
            html.Div(id=ids.CAM_HISTORY, className="cam-history"),
        ],
        className="cam-side",
    )
    return html.Div(
        [
            html.H1(t("cam.title", lang)),
            dcc.Interval(id=ids.CAM_TICK, interval=TICK_MS),
            dcc.Store(id=ids.CAM_SELECTED),
            dcc.Store(id=ids.CAM_EVENT),
            dcc.Store(id=ids.CAM_ALERT_SIG),
            toolbar,
            html.Div([html.Div(id=ids.CAM_GRID, className="cam-grid"), side], className="cam-layout"),
        ],
        className="police" + (" hamlet-wall" if hamlet else ""),
    )


def _tile(cam: CameraView, alarms: int, lang: str, tick: int) -> html.Button:
    state = t("cam.filter.online" if cam.online else "cam.filter.offline", lang)
    img = (
        html.Img(src=f"/api/cameras/{cam.id}/snapshot.jpg?t={tick}", className="cam-thumb")
        if cam.online
        else html.Div("⌀", className="cam-thumb cam-none")
    )
    badge = html.Span(str(alarms), className="badge") if alarms else None
    return html.Button(
        [img, html.Div([cam.name, badge], className="cam-name"), html.Div(state, className="cam-state")],
        id={"type": ids.CAM_TILE, "camera": cam.id},
        className="cam-card" + ("" if cam.online else " cam-off"),
    )


def filtered(cams: Sequence[CameraView], which: str | None, area: str | None,
             counts: dict[str, int]) -> list[CameraView]:
    keep = KEEP[which or "all"]
    return [c for c in cams if keep(c, counts.get(c.id, 0)) and (not area or c.area == area)]


def camera_from_search(search: str | None) -> str | None:
    """The camera named by `?camera=<id>`."""
    values = parse_qs((search or "").lstrip("?")).get("camera")
    return values[0] if values else None


def tiles(shown: list[CameraView], cams: CameraReads, counts: dict[str, int], lang: str,
          tick: int) -> list[Component]:
    """The camera tiles, under one heading per former commune when the commune has some (in the order of
    commune.former_units, cameras of none last)."""
    units = cams.commune.former_units
    if not units:
        return [_tile(c, counts.get(c.id, 0), lang, tick) for c in shown]
    known = {u.id for u in units}
    groups: list[tuple[str | None, str, list[CameraView]]] = [
        (u.id, u.name, [c for c in shown if c.former_unit == u.id]) for u in units]
    groups.append((None, t("unit.none", lang), [c for c in shown if c.former_unit not in known]))
    out: list[Component] = []
    for unit, name, rows in groups:
        if not rows:
            continue
        out.append(html.Div([name, html.Span(t("unit.count", lang, n=len(rows)), className="unit-count")],
                            className="cam-unit-head", id=f"cam-unit-{unit or 'none'}",
                            style={"gridColumn": "1 / -1"}))
        out += [_tile(c, counts.get(c.id, 0), lang, tick) for c in rows]
    return out


def register(app: dash.Dash, rm: ReadModel) -> None:
    camera_review.register(app, rm)
    register_opening(app)  # event rows and alert snapshots open the detail panel (one writer of its store)
    commune = desk_reads(rm).commune
    register_unit_picker(app, ids.CAM_UNIT, ids.CAM_UNIT_URL, commune, "/cameras")

    def chosen(unit: str | None) -> str | None:
        return unit if unit and commune.former_unit(unit) else None

    @app.callback(
        Output(ids.CAM_GRID, "children"),
        Input(ids.CAM_FILTER, "value"),
        Input(ids.CAM_AREA, "value"),
        Input(ids.CAM_UNIT, "value"),
        Input(ids.CAM_TICK, "n_intervals"),
    )
    def grid(which: str | None, area: str | None, unit: str | None, n: int | None) -> Component | list[Component]:
        lang = current_lang()
        cams = desk_reads(rm)
        if not cams.running and not cams.configured:
            return html.Div(t("cameras.none", lang), className="missing")
        notes = [missing_note(lang, "cameras")] if not cams.running else []
        counts = open_counts(desk_alarms(rm))
        return notes + tiles(filtered(cams.cameras(chosen(unit)), which, area, counts), cams, counts, lang, n or 0)

    @app.callback(Output(ids.CAM_OFFLINE, "children"), Input(ids.CAM_TICK, "n_intervals"),
                  Input(ids.CAM_UNIT, "value"))
    def offline_summary(_n: int | None, unit: str | None) -> str:
        cams = desk_reads(rm).cameras(chosen(unit))
        down = sum(1 for c in cams if not c.online)
        lang = current_lang()
        return t("cam.offline_sum", lang, n=down, total=len(cams)) if down else t("cam.all_online", lang)

    @app.callback(
        Output(ids.CAM_SELECTED, "data"),
        Input({"type": ids.CAM_TILE, "camera": ALL}, "n_clicks"),
        Input({"type": ids.CAM_OPEN, "camera": ALL, "event": ALL}, "n_clicks"),
        Input(ids.URL, "search"),
    )
    def select(_tiles: list[int | None], _opens: list[int | None], search: str | None) -> str | dash.NoUpdate:
        if dash.callback_context.triggered_id in (ids.URL, None):
            return camera_from_search(search) or dash.no_update
        clicked = [x["prop_id"].rsplit(".", 1)[0] for x in dash.callback_context.triggered if x.get("value")]
        return clicked_camera(clicked[0]) if clicked else dash.no_update  # a re-rendered list is not a click

    @app.callback(Output(ids.CAM_LIVE, "children"), Input(ids.CAM_SELECTED, "data"), prevent_initial_call=True)
    def live(camera_id: str | None) -> str | list[Component]:
        lang = current_lang()
        cam = desk_reads(rm).camera(camera_id)
        if cam is None:
            return t("cam.pick", lang)
        return [
            html.H2(
                [
                    f"{cam.name} – {t('cameras.live', lang)} ",
                    html.A(t("cam.fullscreen", lang), href=f"/cameras/live/{cam.id}", className="cam-full-link"),
                ]
            ),
            html.Img(src=f"/api/cameras/{cam.id}/stream.mjpg", id="cam-live-img", className="cam-live-img"),
        ]

    @app.callback(
        Output(ids.CAM_HISTORY, "children"),
        Input(ids.CAM_SELECTED, "data"),
        Input(ids.CAM_TICK, "n_intervals"),
        Input(ids.CAM_FALSE_DONE, "children"),
        State(ids.CAM_EVENT, "data"),
        prevent_initial_call=True,
    )
    def history(camera_id: str | None, _n: int | None, _done: str | None,
                selected: str | None) -> Component | list[Component] | None:
        cams = desk_reads(rm)
        if not camera_id or cams.camera(camera_id) is None:
            return None
        return event_list(cams.episodes(ReviewFilter(camera=camera_id), 30), current_lang(), selected, False)

    @app.callback(
        Output(ids.CAM_ALERTS, "children"),
        Output(ids.CAM_ALERT_SIG, "data"),
        Output(ids.CAM_ALARM, "children"),
        Input(ids.CAM_TICK, "n_intervals"),
        Input(ids.CAM_ACK_DONE, "children"),
        Input(ids.CAM_UNIT, "value"),
        State(ids.CAM_ALERT_SIG, "data"),
    )
    def camera_alerts(_n: int | None, _done: str | None, unit: str | None, shown: list[list[str]] | None
                      ) -> tuple[Component | list[Component] | dash.NoUpdate, list[list[str]] | dash.NoUpdate | None,
                                 Component | None]:
        lang = current_lang()
        alarms = desk_alarms(rm)
        if not alarms.running:
            return missing_note(lang, "alerts"), None, None
        rows = camera_alerts_of(desk_reads(rm), alarms, lang, chosen(unit))
        signature = alert_signature(rows) + [[lang]]
        newest = max(rows, key=lambda a: a.view.alert.opened_at, default=None)
        ringing = newest.id if newest and newest.status is Status.OPEN else ""
        alarm = with_data(html.Span(id="cam-alarm-marker"), {"data-alarm": ringing})
        if signature == shown:  # unchanged: keep the rows, and the notes typed in them
            return dash.no_update, dash.no_update, alarm
        return camera_alert_rows(rows, lang), signature, alarm

    @app.callback(
        Output(ids.CAM_ACK_DONE, "children"),
        Input({"type": ids.CAM_ACK, "alert": ALL}, "n_clicks"),
        Input({"type": ids.CAM_RESOLVE, "alert": ALL}, "n_clicks"),
        State({"type": ids.CAM_NOTE, "alert": ALL}, "value"),
        prevent_initial_call=True,
    )
    def act(_acks: list[int | None], _resolves: list[int | None], _notes: list[str | None]) -> str:
        return act_on_clicked(desk_alarms(rm), current_principal(), ids.CAM_ACK)

    @app.callback(Output(ids.CAM_ACK_ALL_DONE, "children"), Input(ids.CAM_ACK_ALL, "n_clicks"),
                  State(ids.CAM_UNIT, "value"), prevent_initial_call=True)
    def ack_all(n: int | None, unit: str | None) -> str | dash.NoUpdate:
        """"Tiếp nhận tất cả": every camera alert of the desk's view that nobody has acknowledged yet."""
        who = current_principal()
        alarms = desk_alarms(rm)
        if not n or who is None or not alarms.running:
            return dash.no_update
        waiting = [v.alert for v in alarms.alerts("active", unit=chosen(unit))
                   if v.alert.source is Source.CAMERA and v.alert.status in NEEDS_A_PERSON]
        done = sum(1 for a in waiting if alarms.acknowledge(a.id, who.name, who.role, "").error is None)
        return t("cam.ack_all_done", current_lang(), n=done)


def clicked_camera(prop_id: str) -> str | dash.NoUpdate:
    """The camera of a clicked tile or alert opener, from its pattern id (JSON)."""
    found = json.loads(prop_id)
    return str(found["camera"]) if isinstance(found, dict) and "camera" in found else dash.no_update
