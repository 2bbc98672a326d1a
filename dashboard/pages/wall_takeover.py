"""The wall's critical takeover: every critical alarm nobody has acknowledged or shelved (newest three, "+N"),
peak and current value, "returned to normal", what to do, the cameras at the flood point, a mute button,
"Tiếp nhận tất cả" and shelving with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from alerts.messages import number_text
from alerts.settings import action_text
from dashboard import access, ids, scope
from dashboard.auth import current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages.wall_panels import alert_text
from dashboard.read_model import ReadModel
from dashboard.screens import resolve
from dashboard.settings import Role

ACK_ROLES = (Role.ADMIN, Role.OPERATOR)
SCREEN = State(ids.WALL_SCREEN, "data")
NOTICE = timedelta(seconds=10)


def layout(rm: ReadModel, lang: str, role: Any) -> html.Div:
    """The takeover overlay (hidden until the snapshot carries a takeover)."""
    choices = rm.ctx.config.alerts.shelving.choices_min
    controls = [html.Button(t("takeover.mute", lang), id=ids.WALL_MUTE, className="takeover-mute")]
    if role in ACK_ROLES:
        controls += [
            html.Button(t("wall.ack", lang), id=ids.WALL_ACK, className="takeover-ack"),
            html.Div(
                [
                    dcc.Dropdown(
                        id=ids.WALL_SHELVE_MIN, value=choices[0], clearable=False, searchable=False,
                        options=[{"label": t("takeover.minutes", lang, n=f"{m:g}"), "value": m} for m in choices],
                        className="takeover-shelve-min",
                    ),
                    dcc.Input(id=ids.WALL_SHELVE_REASON, placeholder=t("takeover.reason", lang),
                              className="takeover-reason", maxLength=300),
                    html.Button(t("takeover.shelve", lang), id=ids.WALL_SHELVE, className="takeover-shelve"),
                ],
                className="takeover-shelving",
            ),
        ]
    return html.Div(
        [
            dcc.Store(id=ids.WALL_MUTED, data=[]),
            html.Div(
                [html.Div(t("wall.takeover", lang), className="takeover-title"),
                 html.Div(id=ids.WALL_TAKEOVER_COUNT, className="takeover-count")],
                className="takeover-head",
            ),
            html.Div(id=ids.WALL_TAKEOVER_TEXT, className="takeover-cards"),
            html.Div(id=ids.WALL_TAKEOVER_ACTION, className="takeover-action"),
            html.Div(id=ids.WALL_TAKEOVER_CAMS, className="takeover-cams"),
            html.Div(controls, className="takeover-controls"),
            html.Div([html.Span(id=ids.WALL_ACK_DONE), html.Span(id=ids.WALL_SHELVE_DONE)],
                     className="takeover-answers"),
            html.Div(id=ids.WALL_TAKEOVER_NOTICE, className="takeover-done"),
        ],
        id=ids.WALL_TAKEOVER,
        className="takeover",
    )


def card(alert: dict[str, Any], lang: str) -> html.Div:
    """One alarm: its title (the peak's), peak and current value (measured ones, with a unit), and "returned to
    normal" when it has."""
    unit = f" {alert['unit']}" if alert.get("unit") else ""
    values = []
    if alert.get("peak_value") is not None and unit:
        peak = number_text(alert["peak_value"], lang) + unit
        values.append(t("takeover.peak", lang, value=peak, at=alert.get("peak_local") or ""))
    if alert.get("value") is not None and unit:
        values.append(t("takeover.now", lang, value=number_text(alert["value"], lang) + unit))
    returned = alert.get("returned")
    text = alert_text(alert, lang)
    return html.Div(
        [
            html.Div(text, className="takeover-text", title=text),
            html.Div(" · ".join(values), className="takeover-values") if values else None,
            html.Div(t("takeover.returned", lang), className="takeover-returned") if returned else None,
        ],
        className="takeover-card" + (" is-returned" if returned else ""),
    )


def actions(rm: ReadModel, alerts: list[dict[str, Any]], lang: str) -> Any:
    """The configured action texts of the rules on screen (each once)."""
    texts = []
    for alert in alerts:
        vi, en = action_text(rm.ctx.config.alerts.rules, str(alert.get("rule", "")))
        text = (en or vi) if lang == "en" else vi
        if text and text not in texts:
            texts.append(text)
    if not texts:
        return None
    return [html.Span(t("takeover.action", lang) + ": ", className="takeover-action-label"), " · ".join(texts)]


def camera_tiles(rm: ReadModel, alerts: list[dict[str, Any]], stamp: str) -> list[Any]:
    """Snapshots of the cameras the alarms are about (an intrusion: its own camera, first) and of those linked
    (flood_point) to the alarms' subjects, newest frame each refresh."""
    subjects = [str(a.get("subject")) for a in alerts]
    cams = sorted(rm.ctx.config.cameras, key=lambda c: c.id not in subjects)  # stable: the alarm's camera first
    tiles = []
    for cam in cams:
        if cam.id in subjects or getattr(cam, "flood_point", None) in subjects:
            tiles.append(html.Figure(
                [html.Img(src=f"/api/cameras/{cam.id}/snapshot.jpg?t={stamp}", alt=cam.name),
                 html.Figcaption(cam.name, title=cam.name)],
                className="takeover-cam",
            ))
    return tiles[:3]


def register(app: dash.Dash, rm: ReadModel) -> None:
    public_screens = set(rm.ctx.config.web.public_screens)

    @app.callback(
        Output(ids.WALL_TAKEOVER, "className"),
        Output(ids.WALL_TAKEOVER_COUNT, "children"),
        Output(ids.WALL_TAKEOVER_TEXT, "children"),
        Output(ids.WALL_TAKEOVER_ACTION, "children"),
        Output(ids.WALL_TAKEOVER_CAMS, "children"),
        Output(ids.WALL_TAKEOVER_NOTICE, "children"),
        Input(ids.WALL_SNAPSHOT, "data"),
        Input(ids.WALL_MUTED, "data"),
        Input(ids.WALL_ACK_DONE, "children"),
        Input(ids.WALL_SHELVE_DONE, "children"),
        SCREEN,
    )
    def render(snap: dict | None, muted: list | None, acked: Any, shelved: Any, screen_id: str) -> tuple[Any, ...]:
        snap_time = str((snap or {}).get("now", ""))
        taken = without_handled((snap or {}).get("takeover"), snap_time, acked, shelved)
        if not taken:
            return "takeover", None, None, None, None, None
        lang = current_lang()
        more = taken.get("more") or 0
        cards = [html.Div([card(a, lang) for a in taken["alerts"]], className="takeover-list"),
                 html.Div(t("takeover.more", lang, n=more), className="takeover-more") if more else None]
        count = len(taken["ids"])
        principal = current_principal()
        public = screen_id in public_screens  # the street board: no cameras, no staff instructions
        see_cameras = principal is not None and principal.role in access.PAGE_ROLES["cameras"] and not public
        cams = camera_tiles(rm, taken["alerts"], str(snap.get("now", ""))) if see_cameras else []
        quiet = set(taken["ids"]) <= set(muted or [])
        return (
            "takeover active" + (" muted" if quiet else "") + (" several" if count > 1 else ""),
            t("takeover.count", lang, n=count) if count > 1 else None,
            cards,
            None if public else actions(rm, taken["alerts"], lang),
            cams or None,
            notice(snap_time, taken["ids"], acked, shelved),
        )

    app.clientside_callback(  # the mute holds for the alarms on screen; a new one sounds again
        """function(n, snap) {
            var taken = snap && snap.takeover;
            return taken ? taken.ids : [];
        }""",
        Output(ids.WALL_MUTED, "data"),
        Input(ids.WALL_MUTE, "n_clicks"),
        State(ids.WALL_SNAPSHOT, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.WALL_ACK_DONE, "children"),
        Input(ids.WALL_ACK, "n_clicks"),
        State(ids.WALL_SNAPSHOT, "data"),
        prevent_initial_call=True,
    )
    def acknowledge_all(_n: int, snap: dict | None) -> Any:
        """"Tiếp nhận tất cả": every alarm of the takeover, also those beyond the cards."""
        rm_now = _alarms_of(rm, snap)  # a commune's wall at the province: its mirrored alarms
        ackable, principal = _ackable(snap)
        if rm_now is None:
            return ""
        if not ackable or principal is None:
            return ""
        note = t("takeover.note", "vi")
        errors = [e for e in (rm_now.acknowledge(a, principal.name, principal.role.value, note) for a in ackable)
                  if e]
        if errors:
            return handled(f"⚠ {errors[0]}", [], rm.now())  # about them all: shown while they stay
        return handled(t("takeover.acked", current_lang(), n=len(ackable)), ackable, rm.now())

    @app.callback(
        Output(ids.WALL_SHELVE_DONE, "children"),
        Input(ids.WALL_SHELVE, "n_clicks"),
        State(ids.WALL_SNAPSHOT, "data"),
        State(ids.WALL_SHELVE_MIN, "value"),
        State(ids.WALL_SHELVE_REASON, "value"),
        prevent_initial_call=True,
    )
    def shelve_all(_n: int, snap: dict | None, minutes: float | None, reason: str | None) -> Any:
        """Shelve every alarm of the takeover for the chosen minutes; the reason is required (audited)."""
        rm_now = _alarms_of(rm, snap)
        ackable, principal = _ackable(snap)
        if rm_now is None:
            return ""
        lang = current_lang()
        if not ackable or principal is None:
            return ""
        if not (reason or "").strip():
            return handled(t("takeover.need_reason", lang), [], rm.now())
        who, role = principal.name, principal.role.value
        errors = [e for e in (rm_now.shelve(a, who, role, float(minutes or 30), reason or "") for a in ackable)
                  if e]
        if errors:
            return handled(f"⚠ {errors[0]}", [], rm.now())
        return handled(t("takeover.shelved", lang, n=len(ackable)), ackable, rm.now())


def _alarms_of(rm: ReadModel, snap: dict | None) -> ReadModel | None:
    """Whose alarms the takeover acts on: the screen the snapshot was made for (a commune's at a province), and
    only when the caller may see that commune (the snapshot comes back from the browser); None otherwise."""
    screen_id = (snap or {}).get("screen")
    commune = scope.commune_of_screen(screen_id)
    if commune is not None and not scope.may_see(rm.ctx.config, current_principal(), commune):
        return None
    return resolve(rm, screen_id)[0]


def notice(snap_time: str, on_screen: list[str], *answers: Any) -> str | None:
    """The newest answer given less than NOTICE before the snapshot, about alarms still on screen (an error
    is about them all); older ones, or answers about alarms gone, are stale."""
    recent = []
    for answer in answers:
        props = answer.get("props", {}) if isinstance(answer, dict) else {}
        at, about = str(props.get("data-at", "")), set(str(props.get("data-ids", "")).split())
        if about and not about & set(on_screen):
            continue
        if at and snap_time and datetime.fromisoformat(at) >= datetime.fromisoformat(snap_time) - NOTICE:
            recent.append((at, str(props.get("children", ""))))
    return max(recent)[1] if recent else None


def handled(text: str, alert_ids: list[str], now: Any) -> html.Span:
    """The answer to "Tiếp nhận tất cả" / "Tạm ẩn", carrying which alarms it handled and when, so the takeover
    leaves at once instead of at the next refresh."""
    return html.Span(text, **{"data-ids": " ".join(alert_ids), "data-at": now.isoformat()})  # ids: none on error


def without_handled(taken: dict | None, snap_time: str, *answers: Any) -> dict | None:
    """The takeover less the alarms an answer handled after this snapshot was taken (a later snapshot knows
    better: an alarm that rose again after its acknowledgement shows again)."""
    if not taken:
        return None
    gone: set[str] = set()
    for answer in answers:
        props = answer.get("props", {}) if isinstance(answer, dict) else {}
        if props.get("data-ids") and str(props.get("data-at", "")) >= snap_time:
            gone.update(str(props["data-ids"]).split())
    if not gone:
        return taken
    left = [i for i in taken["ids"] if i not in gone]
    if not left:
        return None
    cards = [a for a in taken["alerts"] if str(a.get("id")) not in gone]
    return {**taken, "ids": left, "alerts": cards, "more": len(left) - len(cards)}


def _ackable(snap: dict | None) -> tuple[list[str], Any]:
    """The takeover's alarm ids a person may act on (not the stand-in cards made without the alerts service),
    and the person (None unless an operator or admin)."""
    taken = (snap or {}).get("takeover")
    principal = current_principal()
    if not taken or principal is None or principal.role not in ACK_ROLES:
        return [], None
    stand_ins = {str(a.get("id")) for a in taken["alerts"] if a.get("ackable") is False}
    return [i for i in taken["ids"] if i not in stand_ins], principal
