"""Devices page /sensors: every configured device with its state, last reading and battery, and the form where
operators announce the disaster risk level (Decision 18/2021/QĐ-TTg)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, dcc, html

from dashboard import ids
from dashboard.auth import current_principal
from dashboard.formats import local_time, number
from dashboard.i18n import age_text, current_lang, t
from dashboard.read_model import ReadModel
from dashboard.sensor_view import STATE_COLOURS, state_of
from dashboard.settings import Role
from dashboard.users import user_book
from sensors.flood import RISK_LEVELS

RISK_ROLES = (Role.ADMIN, Role.OPERATOR)
STATE_LABELS = {"online": "wall.online", "offline": "wall.offline", "never": "wall.never"}


def layout(rm: ReadModel, lang: str, role: Any) -> Any:
    return html.Div(
        [
            html.H1(t("sensors.title", lang)),
            dcc.Interval(id=ids.SENSOR_TICK, interval=5000),
            risk_form(rm, lang) if role in RISK_ROLES else None,
            html.Div(id=ids.SENSOR_LIST, children=device_table(rm.sensors(), rm.ctx.config.commune.timezone, lang)),
        ],
        className="sensors-page",
    )


def reading_text(row: dict[str, Any], lang: str) -> str:
    """The device's main reading and what it means: "84 VN_AQI · Trung bình" or "200 cm · Báo động I"."""
    values = row.get("values") or {}
    if row["kind"] == "air":
        aqi = row.get("aqi") or {}
        pm = f"PM2.5 {number(values.get('pm25'), 0, lang)} µg/m³" if values.get("pm25") is not None else ""
        index = f"VN_AQI {number(aqi.get('vn'), 0, lang)} · {aqi.get('category_' + lang, '')}" if aqi else ""
        return " · ".join(x for x in (index, pm) if x) or "—"
    flood = row.get("flood") or {}
    level = values.get("water_level_cm")
    if level is None:
        return "—"
    label = flood.get(f"label_{lang}") or flood.get("label_vi") or ""
    return f"{number(level, 0, lang)} cm · {label}" if label else f"{number(level, 0, lang)} cm"


def device_table(rows: list[dict[str, Any]], tz_name: str, lang: str) -> html.Table:
    tz = ZoneInfo(tz_name)
    heads = ("name", "kind", "state", "reading", "seen", "battery")
    head = html.Tr([html.Th(t(f"sensors.col.{h}", lang)) for h in heads])
    body = []
    for row in rows:
        state = state_of(row)
        seen = "—"
        if row.get("last_seen"):
            ago = t("wall.ago", lang, age=age_text(row.get("age_s"), lang))
            seen = f"{local_time(row['last_seen'], tz, '%d/%m/%Y %H:%M:%S')} ({ago})"
        battery = (row.get("values") or {}).get("battery_v")
        body.append(html.Tr(
            [
                html.Td(html.A(row["name"], href=f"/sensors/{row['id']}", title=row["id"])),
                html.Td(t(f"kind.{row['kind']}", lang)),
                html.Td([html.Span(className="dot", style={"background": STATE_COLOURS[state]}),
                         t(STATE_LABELS[state], lang)], className=f"state-{state}"),
                html.Td(reading_text(row, lang)),
                html.Td(seen),
                html.Td(f"{number(battery, 2, lang)} V" if battery is not None else "—"),
            ],
            id=f"sensor-row-{row['id']}",
        ))
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table sensors-table")


def risk_form(rm: ReadModel, lang: str) -> html.Div:
    """The announced risk level now, and a form to change it (kept in the app state, as the API does)."""
    return html.Div(
        [
            html.H2(t("risk.title", lang)),
            html.Div(
                [
                    dcc.Dropdown(
                        id=ids.RISK_LEVEL,
                        value=rm.risk_level().get("level") or 0,
                        clearable=False,
                        className="risk-pick",
                        options=[{"label": t("risk.clear", lang), "value": 0}]
                        + [{"label": f"{r.level} – {r.label_en if lang == 'en' else r.label_vi}", "value": r.level}
                           for r in RISK_LEVELS],
                    ),
                    dcc.Input(id=ids.RISK_NOTE, placeholder=t("risk.note", lang), className="note", maxLength=500),
                    html.Button(t("risk.save", lang), id=ids.RISK_SAVE, className="btn"),
                ],
                className="toolbar",
            ),
            html.Div(risk_text(rm.risk_level(), rm.ctx.config.commune.timezone, lang), id=ids.RISK_DONE,
                     className="done"),
        ],
        className="card risk-card",
    )


def risk_text(doc: dict[str, Any], tz_name: str, lang: str) -> str:
    if not doc.get("level"):
        return t("flood.risk.none", lang)
    label = f"{doc['level']} – {doc.get('label_' + lang) or doc.get('label_vi')}"
    when = local_time(doc.get("set_at"), ZoneInfo(tz_name))
    return f"{t('flood.risk', lang, label=label)} · {t('risk.set_by', lang, who=doc.get('set_by') or '—', when=when)}"


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(Output(ids.SENSOR_LIST, "children"), Input(ids.SENSOR_TICK, "n_intervals"),
                  prevent_initial_call=True)
    def refresh(_n: int) -> Any:
        return device_table(rm.sensors(), rm.ctx.config.commune.timezone, current_lang())

    @app.callback(
        Output(ids.RISK_DONE, "children"),
        Input(ids.RISK_SAVE, "n_clicks"),
        State(ids.RISK_LEVEL, "value"),
        State(ids.RISK_NOTE, "value"),
        prevent_initial_call=True,
    )
    def announce(_n: int, level: int | None, note: str | None) -> str:
        principal = current_principal()
        if principal is None or principal.role not in RISK_ROLES:  # the guard refuses it before this
            return dash.no_update
        lang = current_lang()
        try:
            doc = rm.announce_risk(int(level) if level else None, note or "", principal.name)
        except ValueError as exc:
            return str(exc)
        detail = f"{doc.get('level') or '—'} {note or ''}".strip()
        user_book(rm.ctx).record(principal.name, "risk_level", "flood", detail)
        return risk_text(doc, rm.ctx.config.commune.timezone, lang)
