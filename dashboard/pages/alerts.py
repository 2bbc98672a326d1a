"""Alerts page /alerts: filters by status and kind, history; acknowledge and resolve for operators and
admins."""

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
from dashboard.settings import Role

STATUSES = ("open", "acknowledged", "resolved", "all")
ACT_ROLES = (Role.ADMIN, Role.OPERATOR)


def layout(_rest: str, rm: ReadModel, lang: str, role: Any) -> Any:
    note = [] if role in ACT_ROLES else [html.Span(t("readonly", lang), className="readonly")]
    return html.Div(
        [
            html.H1([t("alerts.title", lang), *note]),
            dcc.Interval(id=ids.ALERTS_TICK, interval=5000),
            html.Div(
                [
                    dcc.RadioItems(
                        id=ids.ALERTS_STATUS,
                        value="open",
                        inline=True,
                        className="filters",
                        options=[{"label": t(f"status.{s}", lang), "value": s} for s in STATUSES],
                    ),
                    dcc.Input(
                        id=ids.ALERTS_KIND,
                        placeholder=t("alerts.kind", lang),
                        className="note",
                        debounce=True,
                    ),
                ],
                className="toolbar",
            ),
            html.Div(id=ids.ALERT_ACK_DONE, className="done"),
            html.Div(id=ids.ALERTS_TABLE, className="alert-table"),
        ],
        className="alerts-page",
    )


def matches(alert: dict[str, Any], text: str | None) -> bool:
    if not text:
        return True
    hay = " ".join(str(alert.get(k, "")) for k in ("kind", "rule", "title", "message", "source", "severity"))
    return text.lower() in hay.lower()


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(
        Output(ids.ALERTS_TABLE, "children"),
        Input(ids.ALERTS_STATUS, "value"),
        Input(ids.ALERTS_KIND, "value"),
        Input(ids.ALERTS_TICK, "n_intervals"),
        Input(ids.ALERT_ACK_DONE, "children"),
    )
    def table(status: str, kind: str | None, _n: int, _done: Any) -> Any:
        lang = current_lang()
        if rm.ctx.alerts is None:
            return missing_note(lang, "alerts")
        principal = current_principal()
        can_act = principal is not None and principal.role in ACT_ROLES
        rows = [a for a in rm.alerts(status or "open") if matches(a, kind)]
        return alert_rows(rows[:200], lang, ids.ALERT_NOTE, ids.ALERT_ACK, ids.ALERT_RESOLVE, can_act)

    @app.callback(
        Output(ids.ALERT_ACK_DONE, "children"),
        Input({"type": ids.ALERT_ACK, "alert": ALL}, "n_clicks"),
        Input({"type": ids.ALERT_RESOLVE, "alert": ALL}, "n_clicks"),
        State({"type": ids.ALERT_NOTE, "alert": ALL}, "value"),
        prevent_initial_call=True,
    )
    def act(_acks: list, _resolves: list, notes: list) -> str:
        return act_on_alert(rm, current_principal(), notes, ids.ALERT_ACK)
