"""Admin page /admin: health of broker, store and cameras; rejected messages; unknown devices; users."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel


def layout(_rest: str, _rm: ReadModel, lang: str, _role: Any) -> Any:
    return html.Div(
        [
            html.H1(t("admin.title", lang)),
            dcc.Interval(id=ids.ADMIN_TICK, interval=5000),
            html.Div(id=ids.ADMIN_BODY),
        ],
        className="admin",
    )


def table(rows: list[dict[str, Any]], columns: list[str], lang: str) -> Any:
    """A plain table; `columns` are row keys, their headings come from the label table (admin.col.<key>)."""
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    head = html.Tr([html.Th(t(f"admin.col.{c}", lang)) for c in columns])
    body = [
        html.Tr([html.Td(str(r.get(c, "") if r.get(c) is not None else "—")[:200]) for c in columns])
        for r in rows
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table")


def health_rows(rm: ReadModel, lang: str) -> list[dict[str, Any]]:
    """One row per part: MQTT, store, cameras, and every service that is not running."""
    report = rm.health()
    yes, no = t("yes", lang), t("no", lang)
    mqtt, store, cams = report["mqtt"], report["store"], report["cameras"]
    rows = [
        {
            "part": "MQTT",
            "ok": yes if mqtt.get("connected") else no,
            "detail": f"{mqtt.get('messages', 0)} msg · {mqtt.get('rejected', 0)} rejected · "
            f"{mqtt.get('last_message_time') or '—'}",
        },
        {
            "part": f"Store ({store.get('backend')})",
            "ok": yes if store.get("ok") else no,
            "detail": f"spool {store.get('spooled', 0)}"
            + (f" · {store['last_error']}" if store.get("last_error") else ""),
        },
        {"part": "Camera", "ok": f"{cams.get('online', 0)}/{cams.get('configured', 0)}", "detail": ""},
    ]
    rows += [
        {"part": name, "ok": no, "detail": t("missing.source", lang, name=name)} for name in report["missing"]
    ]
    return rows


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(Output(ids.ADMIN_BODY, "children"), Input(ids.ADMIN_TICK, "n_intervals"))
    def body(_n: int) -> Any:
        lang = current_lang()
        users = [
            {"username": u.username, "role": t(f"role.{u.role.value}", lang), "name": u.display_name}
            for u in rm.ctx.config.auth.users
        ]
        return [
            html.H2(t("admin.health", lang)),
            table(health_rows(rm, lang), ["part", "ok", "detail"], lang),
            html.H2(t("admin.dead", lang)),
            table(rm.dead_letters(50), ["received_at", "topic", "reason", "payload"], lang),
            html.H2(t("admin.unknown", lang)),
            table(rm.unknown_devices(), ["kind", "device_id", "last_topic", "last_seen", "messages"], lang),
            html.H2(t("admin.users", lang)),
            table(users, ["username", "role", "name"], lang),
        ]
