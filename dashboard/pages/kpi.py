"""Leaders' view /kpi: the three pillars, each KPI with value, target, progress, trend and a comparison."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import figures, ids
from dashboard.i18n import current_lang, t
from dashboard.pages.shell import missing_note
from dashboard.read_model import ReadModel

PILLARS = ("digital_government", "digital_economy", "digital_society", "safety_environment")
STATUS_COLOURS = figures.KPI_STATUS_COLOURS


def periods(latest: str, count: int = 24) -> list[str]:
    """The `count` months up to `latest` (YYYY-MM), newest first."""
    y, m = int(latest[:4]), int(latest[5:7])
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def layout(_rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    options = periods(rm.kpi_period() or rm.local(rm.now()).strftime("%Y-%m"))
    return html.Div(
        [
            html.H1(t("kpi.title", lang)),
            html.Div(
                [
                    html.Label(t("kpi.period", lang)),
                    dcc.Dropdown(
                        id=ids.KPI_PERIOD,
                        options=options,
                        value=options[0],
                        clearable=False,
                        className="period",
                    ),
                    html.Label(t("kpi.months", lang)),
                    dcc.RadioItems(
                        id=ids.KPI_MONTHS, options=[12, 24], value=12, inline=True, className="filters"
                    ),
                    html.A(
                        f"{t('kpi.export', lang)} CSV",
                        href=f"/api/kpis/export?format=csv&period={options[0]}",
                        id=ids.KPI_EXPORT_CSV,
                        className="btn",
                    ),
                    html.A(
                        f"{t('kpi.export', lang)} XLSX",
                        href=f"/api/kpis/export?format=xlsx&period={options[0]}",
                        id=ids.KPI_EXPORT_XLSX,
                        className="btn",
                    ),
                ],
                className="toolbar",
            ),
            dcc.Loading(html.Div(id=ids.KPI_BODY)),
        ],
        className="kpi-page",
    )


def kpi_card(row: dict[str, Any], rm: ReadModel, data: dict[str, Any], lang: str) -> html.Div:
    """One KPI: value, target, progress bar in its status colour, trend and the comparison across communes."""
    value, target, unit = row.get("value"), row.get("target"), row.get("unit") or ""
    colour = STATUS_COLOURS.get(str(row.get("status")), "#8fb8ff")
    pct = row.get("progress_pct")
    width = max(0.0, min(100.0, pct)) if isinstance(pct, int | float) else 0.0
    trend = [
        [h["period"], h["value"]] for h in data["history"].get(row["id"], []) if h.get("value") is not None
    ]
    bars = [
        (c["commune_name"], c["value"])
        for c in data["compare"]
        if c["id"] == row["id"] and c.get("value") is not None
    ]
    bars.sort(key=lambda b: b[1])
    status = row.get(f"status_{lang}") or row.get("status") or ""
    return html.Div(
        [
            html.Div(row.get(f"name_{lang}") or row.get("name_vi") or row["id"], className="kpi-card-name"),
            html.Div(
                [
                    html.Span(_fmt(value), className="kpi-card-value", style={"color": colour}),
                    html.Span(f" {unit}"),
                    html.Span(status, className="kpi-status", style={"background": colour}),
                ]
            ),
            html.Div(
                f"{t('kpi.target', lang)}: {_fmt(target)} {unit}"
                + (f" · {t('kpi.progress', lang)} {pct:.0f}%" if isinstance(pct, int | float) else ""),
                className="kpi-card-target",
            ),
            html.Div(
                html.Div(style={"width": f"{width:.0f}%", "background": colour}, className="bar-fill"),
                className="bar",
            ),
            dcc.Graph(
                figure=figures.kpi_trend_figure(trend, target, colour),
                config=figures.EXPORT_BAR,
                className="kpi-graph",
            )
            if len(trend) > 1
            else None,
            html.Div(
                [
                    html.Div(t("kpi.compare", lang), className="chart-label"),
                    dcc.Graph(
                        figure=figures.compare_figure(bars, rm.ctx.config.commune.name, target),
                        config=figures.EXPORT_BAR,
                        className="kpi-graph",
                    ),
                ]
            )
            if len(bars) > 1
            else None,
        ],
        className="card kpi-card",
        id=f"kpi-card-{row['id']}",
    )


def _fmt(value: Any) -> str:
    return f"{value:,.1f}".replace(",", " ") if isinstance(value, int | float) else "—"


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(
        Output(ids.KPI_EXPORT_CSV, "href"),
        Output(ids.KPI_EXPORT_XLSX, "href"),
        Input(ids.KPI_PERIOD, "value"),
    )
    def export_links(period: str) -> tuple[str, str]:
        return tuple(f"/api/kpis/export?format={fmt}&period={period}" for fmt in ("csv", "xlsx"))  # type: ignore[return-value]

    @app.callback(
        Output(ids.KPI_BODY, "children"), Input(ids.KPI_PERIOD, "value"), Input(ids.KPI_MONTHS, "value")
    )
    def body(period: str, months: int) -> Any:
        lang = current_lang()
        if rm.ctx.indicators is None:
            return missing_note(lang, "indicators")
        data = rm.kpi_page(period, months or 12)
        rows = data["rows"]
        if not rows:
            return html.Div(t("kpis.none", lang), className="missing")
        sections = []
        for pillar in PILLARS:
            cards = [kpi_card(r, rm, data, lang) for r in rows if r.get("pillar") == pillar]
            if cards:
                sections.append(
                    html.Section(
                        [html.H2(t(f"pillar.{pillar}", lang)), html.Div(cards, className="kpi-grid")],
                        id=f"kpi-pillar-{pillar}",
                    )
                )
        return sections
