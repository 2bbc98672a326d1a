"""KPI API: results by period and commune (or former unit, ?unit=), one KPI's history, CSV/XLSX export, figures
posted as JSON. A merged commune's values for months before the merger carry `combined_from`: the former units
whose figures were added up."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, jsonify, make_response, request, send_from_directory
from flask.typing import ResponseReturnValue

from dashboard.auth import current_principal, require_roles
from dashboard.kpi_view import summary_counts
from dashboard.read.kpi_views import KpiRowView, ReportRowView
from dashboard.read.kpis import KpiReads, kpi_reads
from dashboard.scoped import current_context
from dashboard.services import KpiRow
from dashboard.settings import Role
from indicators.export import kpi_record, report_csv, to_csv, to_xlsx
from indicators.models import OLD_PILLARS, PILLAR_LABELS, PeriodKind, Pillar
from indicators.periods import PeriodError, kind_of, parse_period, shift
from indicators.service import MAX_API_ROWS

blueprint = Blueprint("kpis", __name__, url_prefix="/api")
READ = (Role.ADMIN, Role.OPERATOR, Role.LEADER)
WRITE = (Role.ADMIN, Role.OPERATOR)
HISTORY_MONTHS = 24


class BadRequest(ValueError):
    """A query parameter or body that cannot be used; answered with 400 and the reason."""


def _reads() -> KpiReads:
    return kpi_reads(current_context())


def _unavailable() -> tuple[Response, int]:
    return jsonify(
        error="unavailable", message="Chưa chạy dịch vụ chỉ tiêu / indicators service not running"
    ), 503


def kpi_json(view: KpiRowView) -> dict[str, object]:
    """A KPI's figure as GET /api/kpis gives it: the export's record of the value (its definition's names and
    labels, times in ISO 8601 UTC), so the API and the CSV / XLSX files say the same."""
    return kpi_record(view.value, view.kpi, view.commune_name)


def report_row_json(view: ReportRowView) -> dict[str, object]:
    """A report row as GET /api/kpis/report gives it: the row's fields with the KPI's names, pillar, unit and status
    labels."""
    row = view.row
    data = asdict(row)
    data.update(
        id=row.kpi_id,
        name_vi=view.name_vi,
        name_en=view.name_en,
        pillar=row.pillar.value,
        pillar_vi=PILLAR_LABELS[row.pillar][0],
        pillar_en=PILLAR_LABELS[row.pillar][1],
        unit_vi=view.unit_text("vi"),
        unit_en=view.unit_text("en"),
        status=row.status.value,
        status_vi=view.status_text("vi"),
        status_en=view.status_text("en"),
        direction=row.direction.value,
        aggregate=row.aggregate.value,
    )
    return data


def _utc(ts: datetime | None) -> str | None:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z") if ts else None


def _month(name: str, default: str | None) -> str:
    text = request.args.get(name) or default
    if text is None:
        raise BadRequest(f"'{name}' is required (YYYY-MM)")
    try:
        month = parse_period(text)
    except PeriodError as exc:
        raise BadRequest(f"{name}: {exc}") from None
    if kind_of(month) is not PeriodKind.MONTH:
        raise BadRequest(f"{name} must be a month YYYY-MM, got '{text}'")
    return month


def _pillar() -> Pillar | None:
    text = request.args.get("pillar")
    if not text:
        return None
    if text in OLD_PILLARS:
        return OLD_PILLARS[text]
    try:
        return Pillar(text)
    except ValueError:
        raise BadRequest(
            f"unknown pillar '{text}'; use one of {', '.join(p.value for p in Pillar)}"
        ) from None


def _unit(reads: KpiReads) -> str | None:
    """?unit=<former unit id>: that former commune's own figures instead of the commune's."""
    unit = request.args.get("unit")
    known = [u.id for u in reads.former_units()]
    if unit and unit not in known:
        raise BadRequest(f"unknown former unit '{unit}'; known: {', '.join(known) or 'none (not a merged commune)'}")
    return unit or None


def _commune(reads: KpiReads, required: bool = False) -> str | None:
    unit = _unit(reads)
    if unit is not None:
        return unit
    commune = request.args.get("commune") or (reads.commune_id if required else None)
    if commune in {u.id for u in reads.former_units()}:
        return commune  # ?commune=<former unit>, as callers wrote it before former units: the same as ?unit=
    known = [c.id for c in reads.communes()]
    if commune is not None and commune not in known:
        raise BadRequest(f"unknown commune '{commune}'; known: {', '.join(known)}")
    return commune


def _former_units(reads: KpiReads) -> list[dict[str, str]]:
    return [{"id": u.id, "name": u.name, "merged_on": u.merged_on.isoformat()} for u in reads.former_units()]


def _records(reads: KpiReads) -> tuple[str, list[dict[str, object]]]:
    month = _month("period", reads.latest_month())
    rows = reads.rows(month, _commune(reads), _pillar(), own=False)
    return month, [kpi_json(v) for v in rows]


@blueprint.errorhandler(BadRequest)
def _bad_request(exc: BadRequest) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=str(exc)), 400


@blueprint.get("/kpis")
@require_roles(*READ)
def kpis() -> ResponseReturnValue:
    reads = _reads()
    if not reads.available:
        return _unavailable()
    month, records = _records(reads)
    communes = [{"id": c.id, "name": c.name} for c in reads.communes()]
    return jsonify(period=month, communes=communes, former_units=_former_units(reads), unit=_unit(reads),
                   kpis=records)


@blueprint.get("/kpis/<kpi_id>/history")
@require_roles(*READ)
def history(kpi_id: str) -> ResponseReturnValue:
    reads = _reads()
    if not reads.available:
        return _unavailable()
    if not reads.has_kpi(kpi_id):
        return jsonify(error="not_found", message=f"Không có chỉ tiêu / unknown KPI '{kpi_id}'"), 404
    commune = _commune(reads, required=True) or reads.commune_id
    end = _month("to", reads.latest_month() or reads.this_month())
    start = _month("from", shift(end, 1 - HISTORY_MONTHS))
    if start > end:
        raise BadRequest("'from' is after 'to'")
    points = [kpi_json(v) for v in reads.history(kpi_id, commune, start, end)]
    return jsonify(kpi=kpi_id, commune=commune, **{"from": start, "to": end}, former_units=_former_units(reads),
                   points=points)


@blueprint.get("/kpis/export")
@require_roles(*READ)
def export() -> ResponseReturnValue:
    reads = _reads()
    if not reads.available:
        return _unavailable()
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise BadRequest("format must be csv or xlsx")
    month, records = _records(reads)
    name = f"chi-tieu-{request.args.get('commune') or 'cac-xa'}-{month}.{fmt}"
    if fmt == "csv":
        body, mime = to_csv(records), "text/csv; charset=utf-8"
    else:
        body, mime = to_xlsx(records), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _report_period(reads: KpiReads) -> str:
    text = request.args.get("period") or reads.latest_month()
    if not text:
        raise BadRequest("'period' is required: 2026-09, 2026-Q3, 2026-6M, 2026-9M or 2026")
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise BadRequest(f"period: {exc}") from None


REPORT_MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@blueprint.get("/kpis/report")
@require_roles(*READ)
def report() -> ResponseReturnValue:
    """The report of a month, quarter, 6 or 9 months or year: JSON rows, or the PDF / XLSX / CSV file."""
    reads = _reads()
    if not reads.available:
        return _unavailable()
    period, pillar, fmt = _report_period(reads), _pillar(), request.args.get("format", "json")
    if fmt == "json":
        views = reads.report_rows(period, pillar)
        rows = [report_row_json(v) for v in views]
        return jsonify(period=period, summary=summary_counts([v.row.status.value for v in views]), rows=rows)
    if fmt not in REPORT_MIME:
        raise BadRequest("format must be json, pdf, docx, xlsx or csv")
    if fmt == "csv":
        body = report_csv([report_row_json(v) for v in reads.report_rows(period, pillar)])
    else:
        body = reads.report_bytes(period, fmt, pillar)
    name = f"bao-cao-{reads.commune_id}-{period}.{fmt}"
    return Response(body, mimetype=REPORT_MIME[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.get("/kpis/reports")
@require_roles(*READ)
def reports() -> ResponseReturnValue:
    """The reports generated on schedule, newest first."""
    reads = _reads()
    if not reads.available:
        return _unavailable()
    files = [
        {"name": f.name, "period": f.period, "format": f.fmt, "size": f.size, "url": f"/api/kpis/reports/{f.name}",
         "made_at": _utc(f.made_at_local)}
        for f in reads.report_files()
    ]
    return jsonify(reports=files)


@blueprint.get("/kpis/reports/<name>")
@require_roles(*READ)
def report_file(name: str) -> ResponseReturnValue:
    reads = _reads()
    if not reads.available:
        return _unavailable()
    if name not in {f.name for f in reads.report_files()}:
        abort(404)
    return send_from_directory(reads.report_folder(), name, as_attachment=True)


def _rows(body: object) -> list[KpiRow]:
    rows = body.get("rows") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not rows:
        raise BadRequest(
            'send a JSON array of rows, or {"rows": [...]}, each {commune, period, metric, value}'
        )
    if len(rows) > MAX_API_ROWS:  # the body's bytes are bounded in front of every route (request_limits)
        vi = f"{MAX_API_ROWS:,}".replace(",", ".")
        message = f"Quá {vi} dòng một lần gửi / more than {MAX_API_ROWS:,} rows in one request (rows)"
        abort(make_response(jsonify(error="too_large", limit="rows", message=message), 413))
    bad = [i for i, r in enumerate(rows, start=1) if not isinstance(r, dict)]
    if bad:
        raise BadRequest(f"row {bad[0]} is not an object {{commune, period, metric, value}}")
    return rows


@blueprint.post("/kpis/plan")
@require_roles(*WRITE)
def post_plan() -> ResponseReturnValue:
    """Year-plan targets as JSON: {"year": 2026, "rows": [{"kpi": "budget_revenue", "value": 2800}, ...]}."""
    reads = _reads()
    if not reads.available:
        return _unavailable()
    body = request.get_json(silent=True)
    year = body.get("year") if isinstance(body, dict) else None
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise BadRequest("year must be a whole number such as 2026")
    rows = _rows(body)
    principal = current_principal()
    report = reads.add_plan_rows(rows, year, f"Kế hoạch năm (API: {principal.name if principal else '?'})")
    problems = [{"row": p.line, "reason": p.reason} for p in report.problems]
    return jsonify(received=report.rows_read, kept=report.kept, inserted=report.inserted, updated=report.updated,
                   problems=problems), 422 if problems else 200


@blueprint.post("/kpis/data")
@require_roles(*WRITE)
def post_data() -> ResponseReturnValue:
    reads = _reads()
    if not reads.available:
        return _unavailable()
    rows = _rows(request.get_json(silent=True))
    principal = current_principal()
    report = reads.add_rows(rows, f"api:{principal.name if principal else 'unknown'}")
    body = {
        "received": report.rows_read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "kept": report.kept,
        "problems": [{"row": p.line, "reason": p.reason} for p in report.problems],
    }
    return jsonify(body), 422 if report.problems else 200
