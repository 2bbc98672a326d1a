"""Leaders' view /kpi: the three pillars, each KPI with value, target, progress, trend and a comparison."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import figures, ids
from dashboard.i18n import current_lang, t
from dashboard.pages.shell import missing_note
from dashboard.read_model import ReadModel
from dashboard.sensor_view import jsonable
from dashboard.sources import call_first

PILLARS = ("government", "economy", "society")
STATUS_COLOURS = {"met": "#2e9d4f", "on_track": "#2e9d4f", "near": "#f0c419", "behind": "#e03131",
                  "at_risk": "#f0c419", "no_target": "#8fb8ff"}


def periods(today: date, count: int = 24) -> list[str]:
    """The last `count` months as YYYY-MM, newest first."""
    out, y, m = [], today.year, today.month
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def layout(_rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    options = periods(rm.local(rm.now()).date())
    return html.Div([
        html.H1(t("kpi.title", lang)),
        html.Div([
            html.Label(t("kpi.period", lang)),
            dcc.Dropdown(id=ids.KPI_PERIOD, options=options, value=options[1], clearable=False, className="period"),
            html.Label(t("kpi.months", lang)),
            dcc.RadioItems(id=ids.KPI_MONTHS, options=[12, 24], value=12, inline=True, className="filters"),
            html.A(f"{t('kpi.export', lang)} CSV", href="/api/kpis/export?format=csv", id="kpi-export-csv",
                   className="btn"),
            html.A(f"{t('kpi.export', lang)} XLSX", href="/api/kpis/export?format=xlsx", id="kpi-export-xlsx",
                   className="btn"),
        ], className="toolbar"),
        dcc.Loading(html.Div(id=ids.KPI_BODY)),
    ], className="kpi-page")


def pillar_of(row: dict[str, Any]) -> str:
    text = str(row.get("pillar") or row.get("group") or "").lower()
    return next((p for p in PILLARS if p in text), "society" if "xã hội" in text else
                "economy" if "kinh tế" in text else "government")


def kpi_card(row: dict[str, Any], rm: ReadModel, period: str, months: int, lang: str) -> html.Div:
    metric = row.get("metric") or row.get("id") or row.get("key")
    name = row.get(f"name_{lang}") or row.get("name") or metric
    value, target, unit = row.get("value"), row.get("target"), row.get("unit") or ""
    progress = row.get("progress")
    colour = row.get("colour") or STATUS_COLOURS.get(str(row.get("status")), "#8fb8ff")
    pct = max(0.0, min(100.0, float(progress) * (100 if progress <= 1.5 else 1))) if isinstance(progress, int | float) else None
    history = jsonable(call_first(rm.ctx.indicators, ("history", "trend"), metric, months=months, end=period)) or []
    compare = jsonable(call_first(rm.ctx.indicators, ("compare", "comparison"), metric, period=period)) or []
    trend = [[h.get("period"), h.get("value")] for h in history if isinstance(h, dict)]
    bars = [(c.get("commune_name") or c.get("commune"), c.get("value")) for c in compare
            if isinstance(c, dict) and isinstance(c.get("value"), int | float)]
    return html.Div([
        html.Div(name, className="kpi-card-name"),
        html.Div([html.Span(_fmt(value), className="kpi-card-value", style={"color": colour}), html.Span(f" {unit}")]),
        html.Div(f"{t('kpi.target', lang)}: {_fmt(target)} {unit}", className="kpi-card-target"),
        html.Div(html.Div(style={"width": f"{pct or 0:.0f}%", "background": colour}, className="bar-fill"),
                 className="bar", title=f"{t('kpi.progress', lang)} {pct or 0:.0f}%"),
        dcc.Graph(figure=figures.kpi_trend_figure(trend, target, colour), config=figures.EXPORT_BAR) if trend else None,
        html.Div([html.Div(t("kpi.compare", lang), className="chart-label"),
                  dcc.Graph(figure=figures.compare_figure(bars, rm.ctx.config.commune.id, target),
                            config=figures.EXPORT_BAR)]) if len(bars) > 1 else None,
    ], className="card kpi-card", id=f"kpi-card-{metric}")


def _fmt(value: Any) -> str:
    return f"{value:,.1f}".replace(",", " ") if isinstance(value, int | float) else "—"


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(Output(ids.KPI_BODY, "children"), Input(ids.KPI_PERIOD, "value"), Input(ids.KPI_MONTHS, "value"))
    def body(period: str, months: int) -> Any:
        lang = current_lang()
        if rm.ctx.indicators is None:
            return missing_note(lang, "indicators")
        rows = rm.kpis(period)
        if not rows:
            return html.Div(t("kpis.none", lang), className="missing")
        sections = []
        for pillar in PILLARS:
            cards = [kpi_card(r, rm, period, months or 12, lang) for r in rows if pillar_of(r) == pillar]
            if cards:
                sections.append(html.Section([html.H2(t(f"pillar.{pillar}", lang)),
                                              html.Div(cards, className="kpi-grid")], id=f"kpi-pillar-{pillar}"))
        return sections
