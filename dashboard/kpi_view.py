"""What the leaders' view /kpi shows for a report period, from one engine snapshot, as JSON-ready dicts: the
report rows, the summary counts, and for the charted KPIs their trend and the comparison across communes
(communes without a figure kept, marked as having none)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from indicators.models import PILLAR_LABELS, STATUS_LABELS, PeriodKind, Pillar, Status
from indicators.periods import kind_of, months_in, periods_between, shift
from indicators.report import ROMAN, ReportRow, period_label, report_view
from indicators.report_text import behind
from indicators.units import unit_label

TREND_MONTHS = 13
MAX_TREND_MONTHS = 24  # a trend reaches back to a merger this recent, so the break and the sums before it show
MONTHS_BEFORE_MERGER = 3
MAX_BEHIND_CHARTS = 6


def short_label(period: str) -> str:
    """Axis label of a period: '9/2026', 'QIII/26', '2026'."""
    kind = kind_of(period)
    if kind is PeriodKind.MONTH:
        return f"{int(period[5:7])}/{period[:4]}"
    if kind is PeriodKind.QUARTER:
        return f"Q{ROMAN[int(period[-1]) - 1]}/{period[2:4]}"
    return period[:4]


def row_record(row: ReportRow, service: Any) -> dict[str, Any]:
    """A report row with the KPI's names, pillar, unit and status labels."""
    kpi = service.catalogue.kpis[row.kpi_id]
    data = asdict(row)
    data.update(
        id=row.kpi_id,
        name_vi=kpi.name_vi,
        name_en=kpi.name_en,
        pillar=row.pillar.value,
        pillar_vi=PILLAR_LABELS[row.pillar][0],
        pillar_en=PILLAR_LABELS[row.pillar][1],
        unit_vi=unit_label(row.unit, "vi"),
        unit_en=unit_label(row.unit, "en"),
        status=row.status.value,
        status_vi=STATUS_LABELS[row.status][0],
        status_en=STATUS_LABELS[row.status][1],
        direction=row.direction.value,
        aggregate=row.aggregate.value,
    )
    return data


def summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many KPIs have each status; `judged`: those with a plan and a figure."""
    counts = {s.value: sum(1 for r in rows if r["status"] == s.value) for s in Status}
    counts["judged"] = counts["met"] + counts["near"] + counts["behind"]
    counts["total"] = len(rows)
    return counts


def trend(engine: Any, kpi_id: str, commune: str, start: str, end: str) -> list[list[Any]]:
    """[axis label, value or None, former units summed (empty after the merger), period key] for each of the KPI's
    own periods (month, quarter, year) in the span."""
    kind = engine.catalogue.kpis[kpi_id].period
    return [
        [short_label(p), engine.evaluate(kpi_id, commune, p)[0].value, list(engine.combined_from(kpi_id, commune, p)),
         p]
        for p in periods_between(start, end, kind)
    ]


def trend_start(end: str, merged_on: str | None) -> str:
    """The first month of a trend ending with `end`: 13 months, or back to 3 months before a merger of the last
    24 months."""
    start = shift(end, 1 - TREND_MONTHS)
    if merged_on is None:
        return start
    back = shift(merged_on[:7], -MONTHS_BEFORE_MERGER)
    return back if shift(end, 1 - MAX_TREND_MONTHS) <= back < start else start


def merger_info(service: Any, commune: str, unit: str | None) -> dict[str, Any] | None:
    """The merger the charts mark: its date, the former units (id, name) and the unit shown alone, if any."""
    merger = service.merger() if hasattr(service, "merger") and commune == service.config.commune.id else None
    if merger is None or merger.break_date() is None:
        return None
    return {"date": merger.break_date().isoformat(), "units": [[u.id, u.name] for u in merger.units], "unit": unit}


def report_page(service: Any, commune: str, period: str, pillar: Pillar | None,
                unit: str | None = None) -> dict[str, Any]:
    """Rows, summary, and trend and comparison of the KPIs worth a chart (all of a chosen pillar that have a
    figure; otherwise those behind or near their plan). With `unit` (a former commune's id) the rows and trends
    are that former commune's own figures."""
    if service is None or getattr(service, "catalogue", None) is None:
        return {"period": period, "rows": [], "summary": summary([]), "history": {}, "compare": {}}
    engine = service.engine()
    merger = merger_info(service, commune, unit)
    shown = unit if merger and unit in {u for u, _n in merger["units"]} else commune
    view = report_view(engine, shown, period, pillar)
    rows = [row_record(r, service) for r in view.rows]
    if pillar is not None:
        charted = [r.kpi_id for r in view.rows if r.value is not None or r.year_to_date is not None]
    else:
        charted = [r.kpi_id for r in behind(view)[:MAX_BEHIND_CHARTS]]  # the furthest behind first
    end = months_in(period)[-1]
    start = trend_start(end, merger["date"] if merger else None)
    names = {c: service.commune_name(c) for c in service.communes()}
    history = {k: trend(engine, k, shown, start, end) for k in charted}
    compare = {k: [[names[c], engine.evaluate(k, c, period)[0].value] for c in names] for k in charted
               if shown == commune}  # a former commune is not compared with communes
    return {
        "merger": merger,
        "shown": shown,
        "shown_name": service.commune_name(shown),
        "period": period,
        "label_vi": period_label(period, "vi"),
        "label_en": period_label(period, "en"),
        "through": view.through,  # a quarter or year not over: judged on the months up to this one
        "rows": rows,
        "summary": summary(rows),
        "history": history,
        "compare": compare,
        "charted": charted,
    }


def extras(service: Any, month: str) -> dict[str, Any]:
    """The reports generated on schedule and each hamlet's criteria at `month`, JSON-ready."""
    if service is None or getattr(service, "catalogue", None) is None:
        return {"reports": [], "hamlets": [], "criteria_set": "", "criteria": 0}
    from indicators.hamlets import hamlet_statuses

    config = service.settings.hamlets
    reports = [
        {"name": f.name, "period": f.period, "label": period_label(f.period), "format": f.fmt, "size": f.size,
         "made_at": f.made_at.astimezone(service.tz).isoformat(timespec="minutes")}  # the commune's local time
        for f in service.report_files()
    ]
    hamlets = [asdict(h) | {"met": h.met} for h in hamlet_statuses(config, month)]
    return {"reports": reports, "hamlets": hamlets, "criteria_set": config.set_name,
            "criteria": len(config.criteria)}
