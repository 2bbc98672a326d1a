"""Admin page /admin: health of broker, store and cameras; rejected messages; unknown devices; users."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel


def layout(_rest: str, _rm: ReadModel, lang: str, _role: Any) -> Any:
    return html.Div([html.H1(t("admin.title", lang)), dcc.Interval(id=ids.ADMIN_TICK, interval=5000),
                     html.Div(id=ids.ADMIN_BODY)], className="admin")


def table(rows: list[dict[str, Any]], columns: list[str], lang: str) -> Any:
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    head = html.Tr([html.Th(c) for c in columns])
    body = [html.Tr([html.Td(str(r.get(c, ""))[:200]) for c in columns]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table")


def health_rows(rm: ReadModel) -> list[dict[str, Any]]:
    health = rm.health()
    rows = [{"part": k, "state": v} for k, v in (health.get("ingest") or {}).items()]
    rows.append({"part": "store", "state": health.get("store") or "—"})
    cams = rm.cameras()
    rows.append({"part": "cameras", "state": f"{sum(c['online'] for c in cams)}/{len(cams)} online"})
    rows += [{"part": name, "state": "not running"} for name in health.get("missing", [])]
    return rows


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(Output(ids.ADMIN_BODY, "children"), Input(ids.ADMIN_TICK, "n_intervals"))
    def body(_n: int) -> Any:
        lang = current_lang()
        users = [{"username": u.username, "role": t(f"role.{u.role.value}", lang), "name": u.display_name or ""}
                 for u in rm.ctx.config.auth.users]
        dead = rm.dead_letters(50)
        return [
            html.H2(t("admin.health", lang)), table(health_rows(rm), ["part", "state"], lang),
            html.H2(t("admin.dead", lang)), table(dead, list(dead[0].keys()) if dead else [], lang),
            html.H2(t("admin.unknown", lang)), table(rm.unknown_devices(), ["kind", "device_id", "topic", "last_seen",
                                                                              "count"], lang),
            html.H2(t("admin.users", lang)), table(users, ["username", "role", "name"], lang),
        ]
