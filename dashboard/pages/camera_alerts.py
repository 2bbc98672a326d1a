"""Camera alerts on the police desk: each with the snapshot of its camera's event, a plain Vietnamese sentence
(what, where, how sure, when), a button that opens the camera, a note and acknowledge / resolve."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, dcc, html

from dashboard import ids
from dashboard.formats import percent
from dashboard.i18n import t
from dashboard.pages.alert_actions import who_acted
from dashboard.pages.wall_panels import SEVERITY_COLOURS, alert_text

SCORED_TYPES = ("intrusion", "motion", "tamper")
RULE_EVENT = {"camera_intrusion": "intrusion", "camera_tamper": "tamper", "camera_offline": "offline"}


def matching_event(alert: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest start of the event type the alert is about, at the alert's camera."""
    wanted = RULE_EVENT.get(str(alert.get("rule")))
    starts = [e for e in events if e.get("camera") == alert.get("subject") and e.get("phase") == "start"]
    return next((e for e in starts if e.get("type") == wanted), None) or next(
        (e for e in starts if e.get("snapshot_url")), None
    )


def describe(event: dict[str, Any] | None, lang: str) -> str:
    """'Vùng Lòng đường · độ tin cậy 91 % · lúc 21:03:05' from the event's fields."""
    if event is None:
        return ""
    parts = []
    zone = event.get("zone")
    if zone and event.get("type") == "tamper":
        parts.append(t(f"tamper.{zone}", lang))
    elif zone:
        parts.append(t("cam.zone", lang, zone=zone))
    if event.get("score") is not None and event.get("type") in SCORED_TYPES:  # a lost signal: no confidence
        parts.append(t("cam.score", lang, score=percent(100 * float(event["score"]), 0, lang)))
    if event.get("local_clock"):
        parts.append(t("cam.at", lang, time=event["local_clock"]))
    return " · ".join(parts)


NEEDS_A_PERSON = ("open", "cleared")  # active or returned to normal, and nobody has acknowledged it yet
FINISHED = ("closed", "resolved")  # closed (the older name: resolved): nothing left to do


def alert_signature(alerts: list[dict[str, Any]]) -> list[list[str]]:
    """What the rows show that can change: the list is rebuilt only when this does (typed notes survive)."""
    return [[str(a.get("id")), str(a.get("status")), str(a.get("count")), str(a.get("snapshot_url"))] for a in alerts]


def _controls(aid: str, status: str, lang: str) -> list[Any]:
    return [
        dcc.Input(id={"type": ids.CAM_NOTE, "alert": aid}, placeholder=t("note", lang), className="note"),
        html.Button(t("ack", lang), id={"type": ids.CAM_ACK, "alert": aid}, className="btn",
                    disabled=status not in NEEDS_A_PERSON),
        html.Button(t("resolve", lang), id={"type": ids.CAM_RESOLVE, "alert": aid}, className="btn btn-ok"),
    ]


def camera_alert_rows(alerts: list[dict[str, Any]], lang: str) -> Any:
    """The rows of the police desk's alert list."""
    if not alerts:
        return html.Div(t("alerts.none", lang), className="calm")
    rows = []
    for a in alerts:
        aid, status = str(a.get("id")), str(a.get("status", "open")).lower()
        severity = str(a.get("severity", "")).lower()
        thumb = a.get("snapshot_url")
        opener = html.Button(
            [html.Img(src=thumb, className="alert-thumb") if thumb else html.Span("▶", className="alert-thumb none")],
            id={"type": ids.CAM_OPEN, "camera": str(a.get("subject")), "event": str(a.get("event_id") or "")},
            className="alert-open",
            title=t("cam.open", lang),
        )
        body = html.Div(
            [
                html.Div(alert_text(a, lang), className="alert-text"),
                html.Div(a.get("readable") or "", className="alert-meta alert-readable"),
                *([html.Div(t("status.cleared", lang), className="alert-meta alert-returned")]
                  if status == "cleared" else []),
                html.Div(
                    " · ".join(x for x in (a.get("opened_local"), who_acted(a, lang)) if x), className="alert-meta"
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
                    *(_controls(aid, status, lang) if status not in FINISHED else []),
                ],
                className=f"alert-row sev-{severity}",
                id=f"alerts-row-{aid}",
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
    def open_event(_rows: list, _opens: list) -> Any:
        return opened_event(dash.callback_context.triggered_id,
                            any(x.get("value") for x in dash.callback_context.triggered))


def opened_event(trigger: Any, clicked: bool) -> Any:
    """The event id a click asks for (an alert without an event: None, which empties the panel); no click (rows
    redrawn): no update."""
    if not clicked or not isinstance(trigger, dict) or "event" not in trigger:
        return dash.no_update
    return trigger["event"] or None
