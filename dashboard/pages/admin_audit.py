"""/admin's record of the room and its login sessions: the audit log (dashboard.audit_log) with filters by who, what
and when and a CSV download, and the open sessions, each with a button that ends it (audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dash
from dash import ALL, Input, Output, State, dcc, html
from flask import current_app

from dashboard import audit_log, ids, sessions
from dashboard.auth import current_principal
from dashboard.formats import local_time
from dashboard.i18n import current_lang, t
from dashboard.pages.admin_table import Row, labelled_cell, table
from dashboard.read.system import system_reads
from dashboard.read_model import ReadModel
from dashboard.settings import Role

SHOWN = 200  # rows on the page; the CSV has every row that passes the filter (up to EXPORTED)
EXPORTED = 20_000


def _tz(rm: ReadModel) -> ZoneInfo:
    return rm.reads(system_reads).tz


def role_words(detail: str, lang: str) -> str:
    """Role names in an audit detail ("operator → police") in the page's language."""
    return " ".join(t(f"role.{w}", lang) if w in {r.value for r in Role} else w for w in detail.split(" "))


def audit_section(rm: ReadModel, lang: str) -> html.Section:
    today = datetime.now(_tz(rm)).date()
    kinds = [{"label": t("audit.kind.all", lang), "value": ""}] + [
        {"label": t(f"audit.kind.{k}", lang), "value": k} for k in audit_log.KINDS]
    return html.Section(
        [
            html.H2(t("admin.audit", lang)),
            html.Div(
                [
                    dcc.Input(id=ids.AUDIT_WHO, type="text", placeholder=t("admin.col.who", lang),
                              className="note", debounce=True),
                    dcc.Dropdown(id=ids.AUDIT_KIND, options=kinds, value="", clearable=False,
                                 className="role-pick"),
                    dcc.DatePickerRange(id=ids.AUDIT_DATES, start_date=(today - timedelta(days=30)).isoformat(),
                                        end_date=today.isoformat(),
                                        display_format="DD/MM/YYYY", start_date_placeholder_text=t("date.from", lang),
                                        end_date_placeholder_text=t("date.to", lang)),
                    html.Button(t("audit.csv", lang), id=ids.AUDIT_CSV, className="btn btn-quiet"),
                    dcc.Download(id=ids.AUDIT_DOWNLOAD),
                ],
                className="toolbar audit-filters",
            ),
            html.Div(audit_table(rm, audit_log.AuditFilter(), lang), id=ids.AUDIT_TABLE),
        ],
        className="audit-card",
    )


def audit_filter(rm: ReadModel, who: str | None, kind: str | None, start: str | None,
                 end: str | None) -> audit_log.AuditFilter:
    tz = _tz(rm)

    def day(text: str | None, after: bool) -> datetime | None:
        if not text:
            return None
        start_of_day = datetime.fromisoformat(text[:10]).replace(tzinfo=tz)
        return start_of_day + timedelta(days=1) if after else start_of_day

    return audit_log.AuditFilter((who or "").strip(), kind or "", day(start, False), day(end, True))


def audit_rows(rm: ReadModel, flt: audit_log.AuditFilter, lang: str, limit: int = SHOWN) -> list[Row]:
    tz = _tz(rm)
    return [
        {"when": local_time(r.at, tz, "%d/%m/%Y %H:%M:%S"), "who": r.who + (f" ({t('role.' + r.role, lang)})"
                                                                              if r.role in {x.value for x in Role}
                                                                              else ""),
         "action": r.label(lang), "target": r.target_text(lang),
         "detail": role_words(r.note, lang) if r.action.startswith("user_") else r.note}
        for r in rm.reads(lambda ctx: audit_log.records(ctx, flt, limit))
    ]


def audit_table(rm: ReadModel, flt: audit_log.AuditFilter, lang: str) -> html.Table | html.Div:
    rows = audit_rows(rm, flt, lang)
    return table(rows, ["when", "who", "action", "target", "detail"], lang, "admin-audit")


def session_section(lang: str, tz: ZoneInfo) -> html.Section:
    return html.Section(
        [html.H2(t("admin.sessions", lang)), html.Div(id=ids.SESSION_DONE, className="done", role="status"),
         html.Div(session_table(lang, tz), id=ids.SESSION_TABLE)],
        className="sessions-card",
    )


def session_table(lang: str, tz: ZoneInfo) -> html.Table | html.Div:
    """Who is logged in now, each session with an "end" button (also DELETE /api/sessions/<id>)."""
    live = sessions.store(current_app).sessions()
    if not live:
        return html.Div(t("missing", lang), className="missing")
    heads = ["username", "role", "address", "login_at", "last_seen", "session_id", "end"]
    rows = []
    for s in live:
        texts = [s.username, t(f"role.{s.role}", lang), s.address, local_time(s.created_at, tz),
                 local_time(s.last_seen, tz), s.id]
        cells = [labelled_cell(c, "" if h == "username" else t(f"admin.col.{h}", lang))
                 for c, h in zip(texts, heads, strict=False)]
        end = html.Td(html.Button(t("session.end", lang), id={"type": ids.SESSION_END, "session": s.id},
                                  className="btn btn-quiet session-end"))
        setattr(end, "data-label", "")
        rows.append(html.Tr([*cells, end], id=f"session-{s.id}"))
    return html.Table([html.Thead(html.Tr([html.Th(t(f"admin.col.{h}", lang)) for h in heads])), html.Tbody(rows)],
                      className="data-table stack-table", id="admin-sessions")


def register(app: dash.Dash, rm: ReadModel) -> None:
    tz = _tz(rm)

    @app.callback(Output(ids.AUDIT_TABLE, "children"), Input(ids.AUDIT_WHO, "value"), Input(ids.AUDIT_KIND, "value"),
                  Input(ids.AUDIT_DATES, "start_date"), Input(ids.AUDIT_DATES, "end_date"),
                  Input(ids.SESSION_DONE, "children"), Input(ids.USER_DONE, "children"),
                  Input(ids.ADMIN_TICK, "n_intervals"), prevent_initial_call=True)
    def filter_audit(who: str | None, kind: str | None, start: str | None, end: str | None,
                     *_changes: object) -> html.Table | html.Div:
        return audit_table(rm, audit_filter(rm, who, kind, start, end), current_lang())

    @app.callback(Output(ids.AUDIT_DOWNLOAD, "data"), Input(ids.AUDIT_CSV, "n_clicks"),
                  State(ids.AUDIT_WHO, "value"), State(ids.AUDIT_KIND, "value"),
                  State(ids.AUDIT_DATES, "start_date"), State(ids.AUDIT_DATES, "end_date"), prevent_initial_call=True)
    def download(n: int | None, who: str | None, kind: str | None, start: str | None,
                 end: str | None) -> dict[str, str]:
        if not n:
            raise dash.exceptions.PreventUpdate
        flt = audit_filter(rm, who, kind, start, end)
        records = rm.reads(lambda ctx: audit_log.records(ctx, flt, EXPORTED))
        name = f"nhat-ky-thao-tac-{datetime.now(tz):%Y%m%d-%H%M}.csv"
        return {"content": "\ufeff" + audit_log.to_csv(records, current_lang()), "filename": name,
                "type": "text/csv"}

    @app.callback(Output(ids.SESSION_DONE, "children"), Input({"type": ids.SESSION_END, "session": ALL}, "n_clicks"),
                  prevent_initial_call=True)
    def end_session(_clicks: list[int | None]) -> str:
        trigger, who = dash.callback_context.triggered_id, current_principal()
        if not isinstance(trigger, dict) or who is None or who.role is not Role.ADMIN:
            raise dash.exceptions.PreventUpdate
        if not any(x.get("value") for x in dash.callback_context.triggered):
            raise dash.exceptions.PreventUpdate  # the table was redrawn, nothing was clicked
        store, lang = sessions.store(current_app), current_lang()
        user = next((s.username for s in store.sessions() if s.id == trigger["session"]), "")
        ended = store.revoke(trigger["session"], who.name)
        return t("session.ended" if ended else "session.gone", lang, user=user)

    @app.callback(Output(ids.SESSION_TABLE, "children"), Input(ids.ADMIN_TICK, "n_intervals"),
                  Input(ids.SESSION_DONE, "children"))
    def refresh_sessions(_n: int | None, _done: str | None) -> html.Table | html.Div:
        return session_table(current_lang(), tz)
