"""The wall's critical takeover: every critical alarm nobody has acknowledged or shelved (newest three, "+N"),
peak and current value, "returned to normal", what to do, the cameras at the flood point, a mute button,
"Tiếp nhận tất cả" and shelving with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from alerts.messages import number_text
from dashboard import access, ids
from dashboard.auth import Principal, current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages.alert_actions import data_span
from dashboard.read.alerts import AlertReads, alert_reads, screen_alert_reads
from dashboard.read.takeover import TakeoverCard, TakeoverView
from dashboard.read_model import ReadModel
from dashboard.settings import Role

ACK_ROLES = (Role.ADMIN, Role.OPERATOR)
SCREEN = State(ids.WALL_SCREEN, "data")
NOTICE = timedelta(seconds=10)
Snapshot = dict[str, object]  # the wall snapshot (dashboard.wall_snapshot) as the browser sends it back
Answer = str | dict[str, object] | None  # an answer span as the browser sends it back (a Dash component's JSON)


def layout(rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    """The takeover overlay (hidden until the snapshot carries a takeover)."""
    choices = rm.reads(alert_reads).settings.shelving.choices_min
    controls: list[Component] = [html.Button(t("takeover.mute", lang), id=ids.WALL_MUTE, className="takeover-mute")]
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


def card(alert: TakeoverCard, lang: str) -> html.Div:
    """One alarm: its title (the peak's), peak and current value (measured ones, with a unit), and "returned to
    normal" when it has."""
    unit = f" {alert.unit}" if alert.unit else ""
    values = []
    if alert.peak_value is not None and unit:
        peak = number_text(alert.peak_value, lang) + unit
        values.append(t("takeover.peak", lang, value=peak, at=alert.peak_local or ""))
    if alert.value is not None and unit:
        values.append(t("takeover.now", lang, value=number_text(alert.value, lang) + unit))
    text = alert.title(lang)
    return html.Div(
        [
            html.Div(text, className="takeover-text", title=text),
            html.Div(" · ".join(values), className="takeover-values") if values else None,
            html.Div(t("takeover.returned", lang), className="takeover-returned") if alert.returned else None,
        ],
        className="takeover-card" + (" is-returned" if alert.returned else ""),
    )


def actions(reads: AlertReads, cards: Sequence[TakeoverCard], lang: str) -> list[str | html.Span] | None:
    """The configured action texts of the rules on screen (each once)."""
    texts: list[str] = []
    for alert in cards:
        vi, en = reads.action_text(alert.rule)
        text = (en or vi) if lang == "en" else vi
        if text and text not in texts:
            texts.append(text)
    if not texts:
        return None
    return [html.Span(t("takeover.action", lang) + ": ", className="takeover-action-label"), " · ".join(texts)]


def camera_tiles(reads: AlertReads, cards: Sequence[TakeoverCard], stamp: str) -> list[html.Figure]:
    """Snapshots of the cameras the alarms are about (an intrusion: its own camera, first) and of those linked
    (flood_point) to the alarms' subjects, newest frame each refresh."""
    return [html.Figure([html.Img(src=f"/api/cameras/{cam.id}/snapshot.jpg?t={stamp}", alt=cam.name),
                         html.Figcaption(cam.name, title=cam.name)], className="takeover-cam")
            for cam in reads.cameras_at([c.subject for c in cards])][:3]


def register(app: dash.Dash, rm: ReadModel) -> None:
    public_screens = rm.reads(lambda ctx: frozenset(ctx.config.web.public_screens))

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
    def render(snap: Snapshot | None, muted: list[str] | None, acked: Answer, shelved: Answer,
               screen_id: str | None) -> tuple[object, ...]:
        snap_time = str((snap or {}).get("now", ""))
        taken = without_handled(TakeoverView.from_json((snap or {}).get("takeover")), snap_time, acked, shelved)
        if taken is None:
            return "takeover", None, None, None, None, None
        lang = current_lang()
        cards = [html.Div([card(a, lang) for a in taken.cards], className="takeover-list"),
                 html.Div(t("takeover.more", lang, n=taken.more), className="takeover-more") if taken.more else None]
        count = len(taken.ids)
        principal = current_principal()
        public = screen_id in public_screens  # the street board: no cameras, no staff instructions
        see_cameras = principal is not None and principal.role in access.PAGE_ROLES["cameras"] and not public
        reads = _alarms_of(rm, screen_id) or rm.reads(alert_reads)
        cams = camera_tiles(reads, taken.cards, snap_time) if see_cameras else []
        quiet = set(taken.ids) <= set(muted or [])
        return (
            "takeover active" + (" muted" if quiet else "") + (" several" if count > 1 else ""),
            t("takeover.count", lang, n=count) if count > 1 else None,
            cards,
            None if public else actions(reads, taken.cards, lang),
            cams or None,
            notice(snap_time, list(taken.ids), acked, shelved),
        )

    app.clientside_callback(  # type: ignore[no-untyped-call]  # Dash: untyped. The mute holds for the alarms on screen
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
    def acknowledge_all(_n: int | None, snap: Snapshot | None) -> str | html.Span:
        """"Tiếp nhận tất cả": every alarm of the takeover, also those beyond the cards."""
        reads = _alarms_of(rm, _screen(snap))  # a commune's wall at the province: its mirrored alarms
        ackable, principal = _ackable(snap)
        if reads is None or not ackable or principal is None:
            return ""
        note = t("takeover.note", "vi")
        results = [reads.acknowledge(a, principal.name, principal.role, note) for a in ackable]
        errors = [r.error for r in results if r.error]
        if errors:
            return handled(f"⚠ {errors[0]}", [], reads.now())  # about them all: shown while they stay
        return handled(t("takeover.acked", current_lang(), n=len(ackable)), ackable, reads.now())

    @app.callback(
        Output(ids.WALL_SHELVE_DONE, "children"),
        Input(ids.WALL_SHELVE, "n_clicks"),
        State(ids.WALL_SNAPSHOT, "data"),
        State(ids.WALL_SHELVE_MIN, "value"),
        State(ids.WALL_SHELVE_REASON, "value"),
        prevent_initial_call=True,
    )
    def shelve_all(_n: int | None, snap: Snapshot | None, minutes: float | None, reason: str | None) -> str | html.Span:
        """Shelve every alarm of the takeover for the chosen minutes; the reason is required (audited)."""
        reads = _alarms_of(rm, _screen(snap))
        ackable, principal = _ackable(snap)
        if reads is None or not ackable or principal is None:
            return ""
        lang = current_lang()
        if not (reason or "").strip():
            return handled(t("takeover.need_reason", lang), [], reads.now())
        who, role = principal.name, principal.role
        results = [reads.shelve(a, who, role, float(minutes or 30), reason or "") for a in ackable]
        errors = [r.error for r in results if r.error]
        if errors:
            return handled(f"⚠ {errors[0]}", [], reads.now())
        return handled(t("takeover.shelved", lang, n=len(ackable)), ackable, reads.now())


def _screen(snap: Snapshot | None) -> str | None:
    """The screen a snapshot was made for (it comes back from the browser)."""
    screen_id = (snap or {}).get("screen")
    return screen_id if isinstance(screen_id, str) else None


def _alarms_of(rm: ReadModel, screen_id: str | None) -> AlertReads | None:
    """Whose alarms the takeover shows and acts on: the screen's (a commune's at a province), and only when the
    caller may see that commune; None otherwise."""
    return rm.reads(lambda ctx: screen_alert_reads(ctx, screen_id))


def _props(answer: Answer) -> dict[str, object]:
    props = answer.get("props") if isinstance(answer, dict) else None
    return props if isinstance(props, dict) else {}


def notice(snap_time: str, on_screen: list[str], *answers: Answer) -> str | None:
    """The newest answer given less than NOTICE before the snapshot, about alarms still on screen (an error
    is about them all); older ones, or answers about alarms gone, are stale."""
    recent = []
    for answer in answers:
        props = _props(answer)
        at, about = str(props.get("data-at", "")), set(str(props.get("data-ids", "")).split())
        if about and not about & set(on_screen):
            continue
        if at and snap_time and datetime.fromisoformat(at) >= datetime.fromisoformat(snap_time) - NOTICE:
            recent.append((at, str(props.get("children", ""))))
    return max(recent)[1] if recent else None


def handled(text: str, alert_ids: list[str], now: datetime) -> html.Span:
    """The answer to "Tiếp nhận tất cả" / "Tạm ẩn", carrying which alarms it handled and when, so the takeover
    leaves at once instead of at the next refresh."""
    return data_span(text, ids=" ".join(alert_ids), at=now.isoformat())  # ids: none on error


def without_handled(taken: TakeoverView | None, snap_time: str, *answers: Answer) -> TakeoverView | None:
    """The takeover less the alarms an answer handled after this snapshot was taken (a later snapshot knows
    better: an alarm that rose again after its acknowledgement shows again)."""
    if taken is None:
        return None
    gone: set[str] = set()
    for answer in answers:
        props = _props(answer)
        if props.get("data-ids") and str(props.get("data-at", "")) >= snap_time:
            gone.update(str(props["data-ids"]).split())
    return taken.without(gone) if gone else taken


def _ackable(snap: Snapshot | None) -> tuple[list[str], Principal | None]:
    """The takeover's alarm ids a person may act on (not the stand-in cards made without the alerts service),
    and the person (None unless an operator or admin)."""
    taken = TakeoverView.from_json((snap or {}).get("takeover"))
    principal = current_principal()
    if taken is None or principal is None or principal.role not in ACK_ROLES:
        return [], None
    return taken.ackable(), principal
