"""Camera alerts on the police desk: each with the snapshot of its camera's event, a plain Vietnamese sentence
(what, where, how sure, when), a button that opens the camera, a note and acknowledge / resolve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dash
from dash import ALL, Input, Output, dcc, html
from dash.development.base_component import Component

from alerts.models import Source, Status
from camera.models import CameraEvent, EventPhase, EventType
from dashboard import ids
from dashboard.camera_events import describe
from dashboard.i18n import t
from dashboard.pages.alert_actions import who_acted_on
from dashboard.pages.wall_panels import SEVERITY_COLOURS
from dashboard.read.alerts import AlertReads, AlertView, alert_reads
from dashboard.read.camera_views import snapshot_url
from dashboard.read.cameras import CameraReads
from dashboard.read_model import ReadModel

RULE_EVENT = {"camera_intrusion": EventType.INTRUSION, "camera_tamper": EventType.TAMPER,
              "camera_offline": EventType.OFFLINE}
NEEDS_A_PERSON = (Status.OPEN, Status.CLEARED)  # active or returned to normal, and nobody has acknowledged it yet


@dataclass(frozen=True, slots=True)
class CameraAlert:
    """A camera alarm on the desk with the event it is about (its snapshot) and that event in words."""

    view: AlertView
    event: CameraEvent | None
    readable: str

    @property
    def id(self) -> str:
        return self.view.alert.id

    @property
    def status(self) -> Status:
        return self.view.alert.status

    @property
    def snapshot_url(self) -> str | None:
        return snapshot_url(self.event.snapshot) if self.event else None

    @property
    def event_id(self) -> str:
        return self.event.event_id if self.event else ""


def matching_event(view: AlertView, events: Sequence[CameraEvent]) -> CameraEvent | None:
    """The newest start of the event type the alarm is about at its camera, else its newest start with a
    snapshot (`events` newest first)."""
    wanted = RULE_EVENT.get(view.alert.rule)
    starts = [e for e in events if e.camera_id == view.alert.subject and e.phase is EventPhase.START]
    return next((e for e in starts if e.type is wanted), None) or next((e for e in starts if e.snapshot), None)


def alert_signature(alerts: Sequence[CameraAlert]) -> list[list[str]]:
    """What the rows show that can change: the list is rebuilt only when this does (typed notes survive)."""
    return [[a.id, a.status.value, str(a.view.alert.count), str(a.snapshot_url)] for a in alerts]


def _controls(aid: str, status: Status, lang: str) -> list[Component]:
    return [
        dcc.Input(id={"type": ids.CAM_NOTE, "alert": aid}, placeholder=t("note", lang), className="note"),
        html.Button(t("ack", lang), id={"type": ids.CAM_ACK, "alert": aid}, className="btn",
                    disabled=status not in NEEDS_A_PERSON),
        html.Button(t("resolve", lang), id={"type": ids.CAM_RESOLVE, "alert": aid}, className="btn btn-ok"),
    ]


def camera_alert_rows(alerts: Sequence[CameraAlert], lang: str) -> Component | list[Component]:
    """The rows of the police desk's alert list."""
    if not alerts:
        return html.Div(t("alerts.none", lang), className="calm")
    rows: list[Component] = []
    for a in alerts:
        alert = a.view.alert
        severity = alert.severity.value
        thumb = a.snapshot_url
        opener = html.Button(
            [html.Img(src=thumb, className="alert-thumb") if thumb else html.Span("▶", className="alert-thumb none")],
            id={"type": ids.CAM_OPEN, "camera": alert.subject, "event": a.event_id},
            className="alert-open",
            title=t("cam.open", lang),
        )
        returned = [html.Div(t("status.cleared", lang), className="alert-meta alert-returned")]
        body = html.Div(
            [
                html.Div(a.view.title(lang), className="alert-text"),
                html.Div(a.readable, className="alert-meta alert-readable"),
                *(returned if a.status is Status.CLEARED else []),
                html.Div(
                    " · ".join(x for x in (a.view.opened_local, who_acted_on(alert, lang)) if x),
                    className="alert-meta",
                ),
            ],
            className="alert-body",
        )
        rows.append(
            html.Div(
                [
                    html.Span(className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}),
                    opener,
                    body,
                    *(_controls(a.id, a.status, lang) if a.status is not Status.CLOSED else []),
                ],
                className=f"alert-row sev-{severity}",
                id=f"alerts-row-{a.id}",
            )
        )
    return rows


def register_opening(app: dash.Dash) -> None:
    """One callback opens an event in the detail panel, from an event row (review, camera history) or from an
    alert's snapshot button: one writer of the store, so no duplicate output (whose '<prop>@<hash>' form the
    request-shape check refuses)."""

    @app.callback(
        Output(ids.CAM_EVENT, "data"),
        Input({"type": ids.CAM_EVENT_ROW, "event": ALL}, "n_clicks"),
        Input({"type": ids.CAM_OPEN, "camera": ALL, "event": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def open_event(_rows: list[int | None], _opens: list[int | None]) -> str | None | dash.NoUpdate:
        return opened_event(dash.callback_context.triggered_id,
                            any(x.get("value") for x in dash.callback_context.triggered))


def opened_event(trigger: object, clicked: bool) -> str | None | dash.NoUpdate:
    """The event id a click asks for (an alert without an event: None, which empties the panel); no click (rows
    redrawn): no update."""
    if not clicked or not isinstance(trigger, Mapping) or "event" not in trigger:
        return dash.no_update
    return str(trigger["event"]) or None


def desk_alarms(rm: ReadModel) -> AlertReads:
    """The alarms' reader of the context this request reads."""
    return rm.reads(alert_reads)


def camera_alerts_of(cams: CameraReads, alarms: AlertReads, lang: str, unit: str | None = None) -> list[CameraAlert]:
    """Active camera alarms (of one former commune's cameras when `unit` is given), waiting ones first, each with
    its event's snapshot and a readable description."""
    views = [v for v in alarms.alerts("active", unit=unit) if v.alert.source is Source.CAMERA]
    events = cams.events(None, None, None, 300) if views else []
    out = []
    for view in views:
        event = matching_event(view, events)
        out.append(CameraAlert(view, event, describe(event, cams.tz, lang)))
    return out


def open_counts(alarms: AlertReads) -> dict[str, int]:
    """Active alarms per camera."""
    counts: dict[str, int] = {}
    for view in alarms.alerts("active"):
        if view.alert.source is Source.CAMERA:
            counts[view.alert.subject] = counts.get(view.alert.subject, 0) + 1
    return counts
