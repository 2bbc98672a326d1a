"""Alert rows with note, acknowledge and resolve controls, shared by the police view and the alerts page."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.i18n import current_lang, t
from dashboard.pages.wall_panels import SEVERITY_COLOURS, alert_text
from dashboard.read_model import ReadModel


def alert_rows(
    alerts: list[dict[str, Any]],
    lang: str,
    note_type: str,
    ack_type: str,
    resolve_type: str,
    can_act: bool,
) -> Any:
    """One row per alert: severity, snapshot, title, detail, local opening time and state; controls if
    allowed."""
    if not alerts:
        return html.Div(t("alerts.none", lang), className="calm")
    rows = []
    for a in alerts:
        aid = str(a.get("id"))
        status = str(a.get("status", "open")).lower()
        severity = str(a.get("severity", "")).lower()
        controls = (
            [
                dcc.Input(
                    id={"type": note_type, "alert": aid}, placeholder=t("note", lang), className="note"
                ),
                html.Button(
                    t("ack", lang),
                    id={"type": ack_type, "alert": aid},
                    className="btn",
                    disabled=status not in ("open", "cleared"),  # cleared: acknowledging closes it
                ),
                html.Button(
                    t("resolve", lang), id={"type": resolve_type, "alert": aid}, className="btn btn-ok"
                ),
            ]
            if can_act and status not in ("closed", "resolved")
            else []
        )
        thumb = a.get("snapshot_url")
        rows.append(
            html.Div(
                [
                    html.Span(
                        className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}
                    ),
                    html.Img(src=thumb, className="alert-thumb") if thumb else None,
                    html.Div(
                        [
                            html.Div(alert_text(a, lang), className="alert-text"),
                            html.Div(a.get("detail") or "", className="alert-meta"),
                            html.Div(
                                " · ".join(x for x in (a.get("opened_local"), who_acted(a, lang)) if x),
                                className="alert-meta",
                            ),
                        ],
                        className="alert-body",
                    ),
                    *controls,
                ],
                className=f"alert-row sev-{severity}",
                id=f"alerts-row-{aid}",
            )
        )
    return rows


def who_acted(alert: dict[str, Any], lang: str) -> str:
    """The state, with who acknowledged or resolved it and their note."""
    status = str(alert.get("status", "open")).lower()
    status = "closed" if status == "resolved" else status  # the name of earlier versions
    closed_by_person = status == "closed" and alert.get("resolved_by")
    who = alert.get("resolved_by") if closed_by_person else alert.get("acknowledged_by")
    note = alert.get("resolved_note") if closed_by_person else alert.get("acknowledged_note")
    text = t("status." + status, lang) + (f" ({who})" if who else "")
    return text + (f": {note}" if note else "")


def act_on_alert(rm: ReadModel, principal: Any, notes: list[str | None], ack_type: str) -> str:
    """Run the acknowledge or resolve that was clicked, with the note typed beside it."""
    trigger = dash.callback_context.triggered_id
    if principal is None or not isinstance(trigger, dict):
        return ""
    states = dash.callback_context.states_list[0] if dash.callback_context.states_list else []
    note = next((s.get("value") for s in states if s["id"].get("alert") == trigger["alert"]), None) or ""
    clicked = next((v for v in dash.callback_context.triggered if v.get("value")), None)
    if clicked is None:
        return ""
    verb = rm.acknowledge if trigger["type"] == ack_type else rm.resolve
    error = verb(trigger["alert"], principal.name, principal.role.value, note.strip()[:500])
    lang = current_lang()
    return f"⚠ {error}" if error else f"{t('done', lang)} ({trigger['alert']})"
