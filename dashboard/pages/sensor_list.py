"""Devices page /sensors: every configured device with its state, last reading and battery (grouped by former
commune when the commune has some; `?unit=` shows one), and the form where operators announce the disaster risk
level (Decision 18/2021/QĐ-TTg)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, dcc, html

from config.commune import CommuneConfig
from dashboard import ids
from dashboard.auth import current_principal
from dashboard.formats import local_time, number
from dashboard.former_units import group_by_unit, of_unit
from dashboard.i18n import age_text, current_lang, t
from dashboard.pages.unit_filter import register_unit_picker, unit_picker
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
            html.Div(unit_picker(ids.SENSOR_UNIT, ids.SENSOR_UNIT_URL, rm.ctx.config.commune, lang),
                     className="toolbar" if rm.ctx.config.commune.former_units else None),
            html.Div(id=ids.SENSOR_LIST, children=device_table(rm.sensors(), rm.ctx.config.commune.timezone, lang,
                                                               rm.ctx.config.commune)),
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


def device_table(rows: list[dict[str, Any]], tz_name: str, lang: str, commune: CommuneConfig | None = None,
                 unit: str | None = None) -> html.Table:
    """The devices (of `unit` only, when given), under one heading per former commune when the commune has some."""
    tz = ZoneInfo(tz_name)
    heads = ("name", "kind", "state", "reading", "seen", "battery")
    head = html.Tr([html.Th(t(f"sensors.col.{h}", lang)) for h in heads])
    rows = of_unit(rows, unit)
    if commune is None or not commune.former_units:
        body = [device_row(row, tz, lang) for row in rows]
    else:
        body = []
        for group in group_by_unit(rows, commune, t("unit.none", lang)):
            body.append(html.Tr(html.Th([group.name, html.Span(t("unit.count", lang, n=len(group.rows)),
                                                                 className="unit-count")], colSpan=len(heads)),
                                className="unit-group-row", id=f"sensor-unit-{group.unit or 'none'}"))
            body += [device_row(row, tz, lang) for row in group.rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table sensors-table")


def device_row(row: dict[str, Any], tz: ZoneInfo, lang: str) -> html.Tr:
    """One device: name (its page), kind, state, main reading, when it was received, battery."""
    state = state_of(row)
    seen = "—"
    if row.get("last_seen"):
        ago = t("wall.ago", lang, age=age_text(row.get("age_s"), lang))
        seen = f"{local_time(row['last_seen'], tz, '%d/%m/%Y %H:%M:%S')} ({ago})"
    battery = (row.get("values") or {}).get("battery_v")
    return html.Tr(
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
    )


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
    commune = rm.ctx.config.commune
    register_unit_picker(app, ids.SENSOR_UNIT, ids.SENSOR_UNIT_URL, commune, "/sensors")

    @app.callback(Output(ids.SENSOR_LIST, "children"), Input(ids.SENSOR_TICK, "n_intervals"),
                  Input(ids.SENSOR_UNIT, "value"), prevent_initial_call=True)
    def refresh(_n: int, unit: str | None) -> Any:
        chosen = unit if unit and commune.former_unit(unit) else None
        return device_table(rm.sensors(), commune.timezone, current_lang(), commune, chosen)

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
