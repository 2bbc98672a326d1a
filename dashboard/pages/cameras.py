"""Police view /cameras: camera grid with filters and thumbnails refreshed every few seconds, camera alerts
with their snapshots and a sound on a new one (mutable), the live view of one camera and its event history
(its own events and those another publisher such as an NVR sent). `/cameras?camera=<id>` opens a camera;
`/cameras?unit=<id>` shows one former commune's cameras and alerts (tiles are grouped by former commune)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, unquote

import dash
from dash import ALL, Input, Output, State, dcc, html

from dashboard import ids
from dashboard.auth import current_principal
from dashboard.camera_events import ReviewFilter, event_row, merged_events
from dashboard.former_units import group_by_unit, of_unit
from dashboard.i18n import current_lang, t
from dashboard.pages import camera_review
from dashboard.pages.alert_actions import act_on_alert
from dashboard.pages.camera_alerts import (
    NEEDS_A_PERSON,
    alert_signature,
    camera_alert_rows,
    describe,
    matching_event,
    register_opening,
)
from dashboard.pages.camera_review import event_list, review_layout, rows_for
from dashboard.pages.shell import missing_note
from dashboard.pages.unit_filter import register_unit_picker, unit_picker
from dashboard.read_model import ReadModel

FILTERS = ("all", "online", "offline", "alerts")
TICK_MS = 4000  # thumbnails and alerts refresh at least every 5 s


def layout(rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    if rest == "review":
        return review_layout(rm, lang)
    if rest.startswith("live/"):
        return live_wall(rm, unquote(rest.removeprefix("live/")), lang)
    hamlet = unquote(rest.removeprefix("hamlet/")) if rest.startswith("hamlet/") else None
    return desk_layout(rm, lang, hamlet)


def live_wall(rm: ReadModel, camera_id: str, lang: str) -> Any:
    """/cameras/live/<id>: one camera's live view filling the screen."""
    cam = next((c for c in rm.ctx.config.cameras if c.id == camera_id), None)
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


def desk_layout(rm: ReadModel, lang: str, hamlet: str | None) -> Any:
    """The desk; with a hamlet, a wall of that hamlet's cameras only (toolbar and side panel hidden)."""
    areas = sorted({c["area"] for c in rm.cameras() if c.get("area")})
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
                id=ids.CAM_AREA, options=areas, value=hamlet, placeholder=t("cam.area", lang), className="area-pick"
            ),
            unit_picker(ids.CAM_UNIT, ids.CAM_UNIT_URL, rm.ctx.config.commune, lang),
            html.A(t("ev.title", lang), href="/cameras/review", className="btn"),
            html.Span(id=ids.CAM_OFFLINE, className="cam-offline-sum"),
            html.Button(
                t("cam.mute", lang),
                id=ids.CAM_MUTE,
                className="btn cam-mute",
                **{"data-on": t("cam.mute", lang), "data-off": t("cam.unmute", lang)},
            ),
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


def _tile(cam: dict[str, Any], lang: str, tick: int) -> html.Button:
    state = t("cam.filter.online" if cam["online"] else "cam.filter.offline", lang)
    img = (
        html.Img(src=f"/api/cameras/{cam['id']}/snapshot.jpg?t={tick}", className="cam-thumb")
        if cam["online"]
        else html.Div("⌀", className="cam-thumb cam-none")
    )
    badge = html.Span(str(cam["open_alerts"]), className="badge") if cam.get("open_alerts") else None
    return html.Button(
        [img, html.Div([cam["name"], badge], className="cam-name"), html.Div(state, className="cam-state")],
        id={"type": ids.CAM_TILE, "camera": cam["id"]},
        className="cam-card" + ("" if cam["online"] else " cam-off"),
    )


def filtered(cams: list[dict[str, Any]], which: str, area: str | None) -> list[dict[str, Any]]:
    keep = {
        "all": lambda c: True,
        "online": lambda c: c["online"],
        "offline": lambda c: not c["online"],
        "alerts": lambda c: c.get("open_alerts", 0) > 0,
    }[which or "all"]
    return [c for c in cams if keep(c) and (not area or c.get("area") == area)]


def camera_from_search(search: str | None) -> str | None:
    """The camera named by `?camera=<id>`."""
    values = parse_qs((search or "").lstrip("?")).get("camera")
    return values[0] if values else None


def tiles(cams: list[dict[str, Any]], rm: ReadModel, lang: str, tick: int) -> list[Any]:
    """The camera tiles, under one heading per former commune when the commune has some."""
    commune = rm.ctx.config.commune
    if not commune.former_units:
        return [_tile(c, lang, tick) for c in cams]
    out: list[Any] = []
    for group in group_by_unit(cams, commune, t("unit.none", lang)):
        out.append(html.Div([group.name, html.Span(t("unit.count", lang, n=len(group.rows)), className="unit-count")],
                            className="cam-unit-head", id=f"cam-unit-{group.unit or 'none'}",
                            style={"gridColumn": "1 / -1"}))
        out += [_tile(c, lang, tick) for c in group.rows]
    return out


def register(app: dash.Dash, rm: ReadModel) -> None:
    camera_review.register(app, rm)
    register_opening(app)  # event rows and alert snapshots open the detail panel (one writer of its store)
    commune = rm.ctx.config.commune
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
    def grid(which: str, area: str | None, unit: str | None, n: int | None) -> Any:
        lang = current_lang()
        if rm.ctx.cameras is None and not rm.ctx.config.cameras:
            return html.Div(t("cameras.none", lang), className="missing")
        notes = [missing_note(lang, "cameras")] if rm.ctx.cameras is None else []
        return notes + tiles(filtered(of_unit(_with_alerts(rm), chosen(unit)), which, area), rm, lang, n or 0)

    @app.callback(Output(ids.CAM_OFFLINE, "children"), Input(ids.CAM_TICK, "n_intervals"),
                  Input(ids.CAM_UNIT, "value"))
    def offline_summary(_n: int | None, unit: str | None) -> Any:
        cams = of_unit(rm.cameras(), chosen(unit))
        down = sum(1 for c in cams if not c["online"])
        lang = current_lang()
        return t("cam.offline_sum", lang, n=down, total=len(cams)) if down else t("cam.all_online", lang)

    @app.callback(
        Output(ids.CAM_SELECTED, "data"),
        Input({"type": ids.CAM_TILE, "camera": ALL}, "n_clicks"),
        Input({"type": ids.CAM_OPEN, "camera": ALL, "event": ALL}, "n_clicks"),
        Input(ids.URL, "search"),
    )
    def select(_tiles: list[int | None], _opens: list[int | None], search: str | None) -> Any:
        triggered = dash.callback_context.triggered
        if dash.callback_context.triggered_id in (ids.URL, None):
            return camera_from_search(search) or dash.no_update
        clicked = [json.loads(x["prop_id"].rsplit(".", 1)[0]) for x in triggered if x.get("value")]
        return clicked[0]["camera"] if clicked else dash.no_update  # a re-rendered list is not a click

    @app.callback(Output(ids.CAM_LIVE, "children"), Input(ids.CAM_SELECTED, "data"), prevent_initial_call=True)
    def live(camera_id: str | None) -> Any:
        lang = current_lang()
        cam = next((c for c in rm.ctx.config.cameras if c.id == camera_id), None)
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
    def history(camera_id: str | None, _n: int | None, _done: Any, selected: str | None) -> Any:
        if not camera_id or camera_id not in {c.id for c in rm.ctx.config.cameras}:
            return None
        return event_list(rows_for(rm, ReviewFilter(camera=camera_id), 30), current_lang(), selected, False)

    @app.callback(
        Output(ids.CAM_ALERTS, "children"),
        Output(ids.CAM_ALERT_SIG, "data"),
        Output(ids.CAM_ALARM, "children"),
        Input(ids.CAM_TICK, "n_intervals"),
        Input(ids.CAM_ACK_DONE, "children"),
        Input(ids.CAM_UNIT, "value"),
        State(ids.CAM_ALERT_SIG, "data"),
    )
    def camera_alerts(_n: int, _done: Any, unit: str | None, shown: Any) -> tuple[Any, Any, Any]:
        lang = current_lang()
        if rm.ctx.alerts is None:
            return missing_note(lang, "alerts"), None, None
        rows = camera_alerts_of(rm, lang, chosen(unit))
        signature = alert_signature(rows) + [[lang]]
        newest = next((a for a in sorted(rows, key=lambda a: str(a.get("opened_at")), reverse=True)), None)
        alarm = html.Span(
            id="cam-alarm-marker",
            **{"data-alarm": str(newest["id"]) if newest and newest.get("status") == "open" else ""},
        )
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
    def act(_acks: list, _resolves: list, notes: list) -> str:
        return act_on_alert(rm, current_principal(), notes, ids.CAM_ACK)

    @app.callback(Output(ids.CAM_ACK_ALL_DONE, "children"), Input(ids.CAM_ACK_ALL, "n_clicks"),
                  State(ids.CAM_UNIT, "value"), prevent_initial_call=True)
    def ack_all(n: int | None, unit: str | None) -> str:
        """"Tiếp nhận tất cả": every camera alert of the desk's view that nobody has acknowledged yet."""
        who = current_principal()
        if not n or who is None or rm.ctx.alerts is None:
            return dash.no_update
        waiting = [a for a in of_unit(rm.alerts("active"), chosen(unit))
                   if a.get("source") == "camera" and str(a.get("status", "")).lower() in NEEDS_A_PERSON]
        done = sum(1 for a in waiting if rm.acknowledge(str(a["id"]), who.name, who.role.value, "") is None)
        return t("cam.ack_all_done", current_lang(), n=done)


def camera_events(rm: ReadModel, camera_id: str | None, limit: int) -> list[dict[str, Any]]:
    """Event rows of one camera (or all), ours and other publishers', newest first."""
    tz = rm.local(rm.now()).tzinfo
    return [event_row(e, tz) for e in merged_events(rm.ctx, camera_id, None, None, limit)]  # type: ignore[arg-type]


def camera_alerts_of(rm: ReadModel, lang: str = "vi", unit: str | None = None) -> list[dict[str, Any]]:
    """Open and acknowledged camera alerts (of one former commune's cameras when `unit` is given), each with its
    event's snapshot and a readable description."""
    rows = [a for a in of_unit(rm.alerts("active"), unit) if a.get("source") == "camera"]
    events = camera_events(rm, None, 300) if rows else []
    for alert in rows:
        event = matching_event(alert, events)
        alert["snapshot_url"] = event.get("snapshot_url") if event else None
        alert["event_id"] = event.get("event_id") if event else None
        alert["readable"] = describe(event, lang)
    return rows


def _with_alerts(rm: ReadModel) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for a in rm.alerts("active"):
        if a.get("source") == "camera":
            counts[a["subject"]] = counts.get(a["subject"], 0) + 1
    return [{**c, "open_alerts": counts.get(c["id"], 0)} for c in rm.cameras()]
