"""Devices page /sensors: every configured device with its state, last reading and battery (grouped by former
commune when the commune has some; `?unit=` shows one), and the form where operators announce the disaster risk
level (Decision 18/2021/QĐ-TTg)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, dcc, html

from config.commune import CommuneConfig
from dashboard import ids
from dashboard.auth import current_principal
from dashboard.formats import local_time, number
from dashboard.i18n import age_text, current_lang, t
from dashboard.pages.unit_filter import register_unit_picker, unit_picker
from dashboard.read.flood_risk import RiskView, announce_risk, risk_board
from dashboard.read.sensors import SensorView, sensor_reads
from dashboard.read_model import ReadModel
from dashboard.sensor_view import STATE_COLOURS
from dashboard.settings import Role
from dashboard.users import user_book
from sensors.flood import RISK_LEVELS
from sensors.models import DeviceKind

RISK_ROLES = (Role.ADMIN, Role.OPERATOR)
STATE_LABELS = {"online": "wall.online", "offline": "wall.offline", "never": "wall.never"}


def layout(rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    commune = rm.config.commune
    reads = rm.reads(sensor_reads)
    return html.Div(
        [
            html.H1(t("sensors.title", lang)),
            dcc.Interval(id=ids.SENSOR_TICK, interval=5000),
            risk_form(rm.reads(risk_board).view(), commune.timezone, lang) if role in RISK_ROLES else None,
            html.Div(unit_picker(ids.SENSOR_UNIT, ids.SENSOR_UNIT_URL, commune, lang),
                     className="toolbar" if commune.former_units else None),
            html.Div(id=ids.SENSOR_LIST, children=device_table(reads.sensors(), reads.tz, lang, commune)),
        ],
        className="sensors-page",
    )


def reading_text(view: SensorView, lang: str) -> str:
    """The device's main reading and what it means: "84 VN_AQI · Trung bình" or "200 cm · Báo động I"."""
    if view.kind is DeviceKind.AIR:
        pm25, index = view.values.get("pm25"), view.index
        pm = f"PM2.5 {number(pm25, 0, lang)} µg/m³" if pm25 is not None else ""
        label = (index.label_en if lang == "en" else index.label_vi) if index else ""
        text = f"VN_AQI {number(index.value, 0, lang)} · {label}" if index else ""
        return " · ".join(x for x in (text, pm) if x) or "—"
    level = view.values.get("water_level_cm")
    if level is None:
        return "—"
    status = view.flood.status if view.flood is not None else None
    label = (status.label_en if lang == "en" else status.label_vi) if status else ""
    return f"{number(level, 0, lang)} cm · {label}" if label else f"{number(level, 0, lang)} cm"


def device_table(views: Sequence[SensorView], tz: ZoneInfo, lang: str, commune: CommuneConfig | None = None,
                 unit: str | None = None) -> html.Table:
    """The devices (of `unit` only, when given), under one heading per former commune when the commune has some."""
    heads = ("name", "kind", "state", "reading", "seen", "battery")
    head = html.Tr([html.Th(t(f"sensors.col.{h}", lang)) for h in heads])
    rows = [v for v in views if unit is None or v.former_unit == unit]
    if commune is None or not commune.former_units:
        body = [device_row(row, tz, lang) for row in rows]
    else:
        known = [u.id for u in commune.former_units]
        groups: list[tuple[str | None, str, list[SensorView]]] = [
            (u.id, u.name, [r for r in rows if r.former_unit == u.id]) for u in commune.former_units]
        groups.append((None, t("unit.none", lang), [r for r in rows if r.former_unit not in known]))
        body = []
        for group_id, name, members in groups:
            if not members:
                continue
            body.append(html.Tr(html.Th([name, html.Span(t("unit.count", lang, n=len(members)),
                                                         className="unit-count")], colSpan=len(heads)),
                                className="unit-group-row", id=f"sensor-unit-{group_id or 'none'}"))
            body += [device_row(row, tz, lang) for row in members]
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table sensors-table")


def device_row(view: SensorView, tz: ZoneInfo, lang: str) -> html.Tr:
    """One device: name (its page), kind, state, main reading, when it was received, battery."""
    state = view.state
    seen = "—"
    if view.last_seen is not None:
        ago = t("wall.ago", lang, age=age_text(view.age_s, lang))
        seen = f"{local_time(view.last_seen, tz, '%d/%m/%Y %H:%M:%S')} ({ago})"
    battery = view.values.get("battery_v")
    return html.Tr(
        [
            html.Td(html.A(view.name, href=f"/sensors/{view.id}", title=view.id)),
            html.Td(t(f"kind.{view.kind.value}", lang)),
            html.Td([html.Span(className="dot", style={"background": STATE_COLOURS[state]}),
                     t(STATE_LABELS[state], lang)], className=f"state-{state}"),
            html.Td(reading_text(view, lang)),
            html.Td(seen),
            html.Td(f"{number(battery, 2, lang)} V" if battery is not None else "—"),
        ],
        id=f"sensor-row-{view.id}",
    )


def risk_form(risk: RiskView, tz_name: str, lang: str) -> html.Div:
    """The announced risk level now, and a form to change it (kept in the app state, as the API does)."""
    return html.Div(
        [
            html.H2(t("risk.title", lang)),
            html.Div(
                [
                    dcc.Dropdown(
                        id=ids.RISK_LEVEL,
                        value=risk.level or 0,
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
            html.Div(risk_text(risk, tz_name, lang), id=ids.RISK_DONE, className="done"),
        ],
        className="card risk-card",
    )


def risk_text(risk: RiskView, tz_name: str, lang: str) -> str:
    entry = risk.announcement
    if risk.row is None or entry is None:
        return t("flood.risk.none", lang)
    label = f"{risk.row.level} – {risk.label(lang)}"
    when = local_time(entry.set_at, ZoneInfo(tz_name))
    return f"{t('flood.risk', lang, label=label)} · {t('risk.set_by', lang, who=entry.set_by or '—', when=when)}"


def register(app: dash.Dash, rm: ReadModel) -> None:
    commune = rm.config.commune
    register_unit_picker(app, ids.SENSOR_UNIT, ids.SENSOR_UNIT_URL, commune, "/sensors")

    @app.callback(Output(ids.SENSOR_LIST, "children"), Input(ids.SENSOR_TICK, "n_intervals"),
                  Input(ids.SENSOR_UNIT, "value"), prevent_initial_call=True)
    def refresh(_n: int | None, unit: str | None) -> html.Table:
        chosen = unit if unit and commune.former_unit(unit) else None
        reads = rm.reads(sensor_reads)
        return device_table(reads.sensors(), reads.tz, current_lang(), commune, chosen)

    @app.callback(
        Output(ids.RISK_DONE, "children"),
        Input(ids.RISK_SAVE, "n_clicks"),
        State(ids.RISK_LEVEL, "value"),
        State(ids.RISK_NOTE, "value"),
        prevent_initial_call=True,
    )
    def announce(_n: int | None, level: int | None, note: str | None) -> str | dash.NoUpdate:
        principal = current_principal()
        if principal is None or principal.role not in RISK_ROLES:  # the guard refuses it before this
            return dash.no_update
        lang = current_lang()
        try:
            chosen = int(level) if level else None
            rm.reads(lambda ctx: announce_risk(ctx, chosen, note or "", principal.name, "lũ, ngập lụt"))
        except ValueError as exc:
            return str(exc)
        risk = rm.reads(risk_board).view()
        detail = f"{risk.level or '—'} {note or ''}".strip()
        rm.reads(user_book).record(principal.name, "risk_level", "flood", detail)
        return risk_text(risk, commune.timezone, lang)
