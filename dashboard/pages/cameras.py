"""Police view /cameras: camera grid with filters, live MJPEG of one camera, its event history, camera
alerts."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from dashboard import ids
from dashboard.auth import current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages.alert_actions import act_on_alert, alert_rows
from dashboard.pages.shell import missing_note
from dashboard.read_model import ReadModel

FILTERS = ("all", "online", "offline", "alerts")


def layout(_rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    areas = sorted({c["area"] for c in rm.cameras() if c.get("area")})
    return html.Div(
        [
            html.H1(t("cam.title", lang)),
            dcc.Interval(id=ids.CAM_TICK, interval=5000),
            dcc.Store(id=ids.CAM_SELECTED),
            html.Div(
                [
                    dcc.RadioItems(
                        id=ids.CAM_FILTER,
                        value="all",
                        inline=True,
                        className="filters",
                        options=[{"label": t(f"cam.filter.{f}", lang), "value": f} for f in FILTERS],
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_AREA, options=areas, placeholder=t("cam.area", lang), className="area-pick"
                    ),
                ],
                className="toolbar",
            ),
            html.Div(
                [
                    html.Div(id=ids.CAM_GRID, className="cam-grid"),
                    html.Div(
                        [
                            html.H2(t("cam.alerts", lang), style={"marginTop": 0}),
                            html.Div(id=ids.CAM_ACK_DONE, className="done"),
                            html.Div(id=ids.CAM_ALERTS, className="cam-alerts"),
                            html.Div(t("cam.pick", lang), id=ids.CAM_LIVE, className="cam-live"),
                            html.H2(t("cam.history", lang)),
                            html.Div(id=ids.CAM_HISTORY, className="cam-history"),
                        ],
                        className="cam-side",
                    ),
                ],
                className="cam-layout",
            ),
        ],
        className="police",
    )


def _tile(cam: dict[str, Any], lang: str) -> html.Button:
    state = t("cam.filter.online" if cam["online"] else "cam.filter.offline", lang)
    img = (
        html.Img(src=f"/api/cameras/{cam['id']}/snapshot.jpg", className="cam-thumb")
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


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(
        Output(ids.CAM_GRID, "children"),
        Input(ids.CAM_FILTER, "value"),
        Input(ids.CAM_AREA, "value"),
        Input(ids.CAM_TICK, "n_intervals"),
    )
    def grid(which: str, area: str | None, _n: int) -> Any:
        lang = current_lang()
        if rm.ctx.cameras is None and not rm.ctx.config.cameras:
            return html.Div(t("cameras.none", lang), className="missing")
        notes = [missing_note(lang, "cameras")] if rm.ctx.cameras is None else []
        return notes + [_tile(c, lang) for c in filtered(_with_alerts(rm), which, area)]

    @app.callback(
        Output(ids.CAM_SELECTED, "data"),
        Input({"type": ids.CAM_TILE, "camera": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def select(clicks: list[int | None]) -> Any:
        trigger = dash.callback_context.triggered_id
        if not trigger or not any(clicks):
            return dash.no_update
        return trigger["camera"]

    @app.callback(
        Output(ids.CAM_LIVE, "children"),
        Output(ids.CAM_HISTORY, "children"),
        Input(ids.CAM_SELECTED, "data"),
        prevent_initial_call=True,
    )
    def live(camera_id: str | None) -> tuple[Any, Any]:
        lang = current_lang()
        cam = next((c for c in rm.ctx.config.cameras if c.id == camera_id), None)
        if cam is None:
            return t("cam.pick", lang), None
        view = [
            html.H2(f"{cam.name} – {t('cameras.live', lang)}"),
            html.Img(src=f"/api/cameras/{cam.id}/stream.mjpg", id="cam-live-img", className="cam-live-img"),
        ]
        return view, _history(rm.camera_events(cam.id), lang)

    @app.callback(
        Output(ids.CAM_ALERTS, "children"),
        Input(ids.CAM_TICK, "n_intervals"),
        Input(ids.CAM_ACK_DONE, "children"),
    )
    def camera_alerts(_n: int, _done: Any) -> Any:
        lang = current_lang()
        if rm.ctx.alerts is None:
            return missing_note(lang, "alerts")
        return alert_rows(camera_alerts_of(rm), lang, ids.CAM_NOTE, ids.CAM_ACK, ids.CAM_RESOLVE, True)

    @app.callback(
        Output(ids.CAM_ACK_DONE, "children"),
        Input({"type": ids.CAM_ACK, "alert": ALL}, "n_clicks"),
        Input({"type": ids.CAM_RESOLVE, "alert": ALL}, "n_clicks"),
        State({"type": ids.CAM_NOTE, "alert": ALL}, "value"),
        prevent_initial_call=True,
    )
    def act(_acks: list, _resolves: list, notes: list) -> str:
        return act_on_alert(rm, current_principal(), notes, ids.CAM_ACK)


def camera_alerts_of(rm: ReadModel) -> list[dict[str, Any]]:
    """Open and acknowledged camera alerts, each with the snapshot of its camera's latest event."""
    rows = [a for a in rm.alerts("active") if a.get("source") == "camera"]
    for alert in rows:
        events = [e for e in rm.camera_events(alert["subject"], limit=10) if e.get("snapshot_url")]
        if events:
            alert["snapshot_url"] = events[0]["snapshot_url"]
    return rows


def _with_alerts(rm: ReadModel) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for a in rm.alerts("active"):
        if a.get("source") == "camera":
            counts[a["subject"]] = counts.get(a["subject"], 0) + 1
    return [{**c, "open_alerts": counts.get(c["id"], 0)} for c in rm.cameras()]


def _history(events: list[dict[str, Any]], lang: str) -> Any:
    if not events:
        return html.Div(t("missing", lang), className="missing")
    return [
        html.Div(
            [
                html.Img(src=e["snapshot_url"], className="event-thumb") if e.get("snapshot_url") else None,
                html.Span(
                    f"{e.get('local_time', '')} · {t('event.' + str(e.get('type')), lang)} {e.get('zone') or ''}"
                ),
            ],
            className="event-row",
        )
        for e in events
    ]
