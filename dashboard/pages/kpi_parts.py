"""The lower parts of /kpi: the reports to download, the hamlets' criteria, and the year-plan form (import a plan
file or type one target) for administrators and operators."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import dash
from dash import Input, Output, State, dcc, html

from config.ids import is_label
from dashboard import ids
from dashboard.auth import current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages import kpi_plan_check as plan_check
from dashboard.read.kpi_views import KpiExtrasView
from dashboard.read.kpis import KpiReads
from dashboard.settings import Role
from indicators.numbers import format_number, parse_vi_number
from indicators.upload_limits import WEB_LIMITS, ImportFileError, LimitExceeded

PLAN_ROLES = (Role.ADMIN, Role.OPERATOR)
MAX_PLAN_BYTES = WEB_LIMITS.max_bytes  # the browser's courtesy check; the server checks again (upload_limits)


def report_list(extras: KpiExtrasView, lang: str) -> html.Section:
    """Links to the reports generated on schedule, newest first (made at: the commune's local time)."""
    items = [
        html.Li(html.A(f"{r.label} – {r.fmt.upper()} ({format_number(r.size / 1024, 0, lang)} KB, "
                       f"{r.made_at_local:%Y-%m-%d %H:%M})", href=f"/api/kpis/reports/{r.name}"))
        for r in extras.reports
    ]
    content = html.Ul(items) if items else html.Div(t("kpi.reports.none", lang), className="missing")
    return html.Section([html.H2(t("kpi.reports", lang)), content], id=ids.KPI_REPORTS, className="card")


def hamlet_section(extras: KpiExtrasView, lang: str) -> html.Section | None:
    """Each hamlet's checklist: criteria met of the set, with evidence, and its progress over assessments."""
    if not extras.hamlets:
        return None
    rows = []
    for h in extras.hamlets:
        checks = [
            html.Li(
                [html.Span("✔ " if c.met else "✘ ", className="ok" if c.met else "bad"),
                 c.name_vi if lang == "vi" else c.name_en,
                 html.Span(f" – {c.evidence}", className="kpi-note") if c.evidence else None]
            )
            for c in h.checks
        ]
        progress = " → ".join(f"{p[5:]}/{p[:4]}: {n}" for p, n in h.progress)
        met = t("kpi.hamlet.met", lang, met=h.met, total=extras.criteria)
        rows.append(
            html.Details(
                [html.Summary([html.Strong(h.name), f" – {met}",
                               html.Span(f" ({progress})" if progress else "", className="kpi-note")]),
                 html.Ul(checks, className="hamlet-checks")],
                id=f"hamlet-{h.hamlet_id}",
                className="hamlet",
            )
        )
    return html.Section([html.H2(extras.criteria_set), *rows], id=ids.KPI_HAMLETS, className="card")


def plan_form(reads: KpiReads, lang: str, role: Role | None) -> html.Section | None:
    """Import the year plan (CSV / XLSX: Chỉ tiêu | Đơn vị | Kế hoạch năm 2026) or type one target."""
    if role not in PLAN_ROLES or not reads.running:
        return None
    year = reads.local_now().year
    options = [{"label": k.name_vi if lang == "vi" else k.name_en, "value": k.id} for k in reads.plan_choices()]
    return html.Section(
        [
            html.H2(t("kpi.plan", lang)),
            html.P(t("kpi.plan.help", lang), className="kpi-note"),
            dcc.Upload(id=ids.KPI_PLAN_UPLOAD, children=html.Div(t("kpi.plan.upload", lang)),
                       className="kpi-upload", max_size=MAX_PLAN_BYTES),
            html.Div(
                [
                    dcc.Dropdown(id=ids.KPI_PLAN_KPI, options=options, placeholder=t("kpi.plan.kpi", lang),
                                 className="period pillar"),
                    dcc.Input(id=ids.KPI_PLAN_YEAR, type="number", value=year, min=2000, max=2100,
                              className="kpi-input"),
                    dcc.Input(id=ids.KPI_PLAN_VALUE, type="text", placeholder=t("kpi.plan.value", lang),
                              className="kpi-input"),
                    html.Button(t("kpi.plan.save", lang), id=ids.KPI_PLAN_SAVE, className="btn"),
                ],
                className="toolbar",
            ),
            html.Div(id=ids.KPI_PLAN_RESULT, role="status"),
        ],
        id="kpi-plan",
        className="card",
    )


def _import(reads: KpiReads, contents: str, filename: str, year: int | None, lang: str,
            partial: bool = False) -> str | html.Div:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return t("kpi.plan.type", lang)
    name = Path(filename).name
    if not is_label(name) or len(name.encode()) > 200 or "\\" in name or name.startswith("."):
        name = f"ke-hoach{suffix}"  # a name no folder can hold (control characters, too long): a plain one
    encoded = contents.split(",", 1)[-1]
    try:  # the browser's max_size is a courtesy: the server checks the size itself, before decoding
        if len(encoded) > (WEB_LIMITS.max_bytes + 2) // 3 * 4:
            raise LimitExceeded("bytes", WEB_LIMITS.max_bytes, name)
        data = base64.b64decode(encoded, validate=True)
    except LimitExceeded as exc:
        return f"{t('kpi.plan.unreadable', lang)} {exc}"
    except ValueError:
        return f"{t('kpi.plan.unreadable', lang)} {name}: base64"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name  # the office's own file name in messages (when it is a plain name)
        path.write_bytes(data)
        try:
            plans, checked = reads.check_plan(path, year)  # all or nothing: see kpi_plan_check
            if checked.problems and not partial:
                return plan_check.refusal(plans, checked, reads.plan_choices(), lang)
            report = reads.import_plan(path, year)
        except (ImportFileError, OSError, UnicodeDecodeError) as exc:  # not a plan table or over a limit: say why
            return f"{t('kpi.plan.unreadable', lang)} {plan_check.reason_text(str(exc), lang)}"
    text = t("kpi.plan.imported", lang, kept=report.kept, new=report.inserted, changed=report.updated)
    bad = "; ".join(f"{t('kpi.plan.line', lang)} {p.line}: {plan_check.reason_text(p.reason, lang)}"
                    for p in report.problems[:10])
    return f"{text} {t('kpi.plan.skipped', lang)} {bad}".strip() if bad else text


def register_plan_form(app: dash.Dash, reads: KpiReads) -> None:
    @app.callback(
        Output(ids.KPI_PLAN_RESULT, "children"),
        Input(ids.KPI_PLAN_UPLOAD, "contents"),
        Input(ids.KPI_PLAN_SAVE, "n_clicks"),
        State(ids.KPI_PLAN_UPLOAD, "filename"),
        State(ids.KPI_PLAN_KPI, "value"),
        State(ids.KPI_PLAN_YEAR, "value"),
        State(ids.KPI_PLAN_VALUE, "value"),
        prevent_initial_call=True,
    )
    def save(contents: str | None, _clicks: int | None, filename: str | None, kpi: str | None, year: int | None,
             value: str | None) -> str | html.Div:
        lang = current_lang()
        principal = current_principal()
        if principal is None or principal.role not in PLAN_ROLES or not reads.running:
            return t("forbidden.text", lang)  # enforced here, on the server, not by hiding the form
        if dash.callback_context.triggered_id == ids.KPI_PLAN_UPLOAD and contents:
            return _import(reads, contents, filename or "", year, lang)
        if not kpi or not year:
            return t("kpi.plan.missing", lang)
        try:
            number = parse_vi_number(str(value or ""))
        except ValueError:
            return t("kpi.plan.nan", lang, value=value or "")
        reads.set_plan(kpi, int(year), number, f"Kế hoạch năm {year} (nhập trên /kpi: {principal.name})")
        return t("kpi.plan.saved", lang, value=format_number(number, 2, lang), year=year)

    @app.callback(
        Output(ids.KPI_PLAN_APPLIED, "children"),  # both inside a refusal (kpi_plan_check): gone with it
        Input(ids.KPI_PLAN_APPLY, "n_clicks"),
        State(ids.KPI_PLAN_UPLOAD, "contents"),
        State(ids.KPI_PLAN_UPLOAD, "filename"),
        State(ids.KPI_PLAN_YEAR, "value"),
        prevent_initial_call=True,
    )
    def apply_valid(n: int | None, contents: str | None, filename: str | None,
                    year: int | None) -> str | html.Div:
        """After a refusal, a person chose to apply the valid lines of the file they uploaded."""
        lang, principal = current_lang(), current_principal()
        if principal is None or principal.role not in PLAN_ROLES or not reads.running:
            return t("forbidden.text", lang)
        if not n or not contents:
            raise dash.exceptions.PreventUpdate
        return _import(reads, contents, filename or "", year, lang, partial=True)
