"""Event review on the police desk (Frigate's review model): event rows of one camera or all of them with
filters, a detail panel with the snapshot (objects boxed), the clip, score, duration, zone and status, a
false-alarm mark (kept, audited) and the evidence ZIP; ↑/↓ (or j/k) move through the rows (police.js)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import ALL, Input, Output, State, dcc, html

from camera.review import ReviewLog, ReviewMark
from dashboard import ids
from dashboard.auth import current_principal
from dashboard.camera_audit import record_access
from dashboard.camera_events import ALARM_TYPES, ReviewFilter, area_of, review_rows
from dashboard.formats import number, percent
from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel

STATUS_CLASS = {"active": "ev-active", "ended": "ev-ended", "false_alarm": "ev-false"}
SCORED_TYPES = ("intrusion", "motion", "tamper")  # a lost or returned signal has no confidence to show


def zone_text(row: dict[str, Any], lang: str) -> str:
    """The zone of an event in the reader's language: a tamper's kind ('covered' -> 'ống kính bị che'), or the
    configured zone's own name."""
    zone = row.get("zone") or ""
    if zone and row.get("type") == "tamper":
        return t(f"tamper.{zone}", lang)
    return zone


def score_text(row: dict[str, Any], lang: str) -> str:
    if row.get("score") is None or row.get("type") not in SCORED_TYPES:
        return "—"
    return percent(100 * row["score"], 0, lang)


def camera_system(rm: ReadModel) -> Any:
    return rm.ctx.cameras.system if rm.ctx.cameras is not None else rm.ctx.config.camera


def rows_for(rm: ReadModel, flt: ReviewFilter, limit: int = 300) -> list[dict[str, Any]]:
    system = camera_system(rm)
    tz = ZoneInfo(rm.ctx.config.commune.timezone)
    return review_rows(rm.ctx, flt, ReviewLog(system.review_log).false_alarms(), system.clip_dir, tz, limit)


def event_list(rows: list[dict[str, Any]], lang: str, selected: str | None, with_camera: bool) -> Any:
    """Clickable event rows (keyboard: ↑/↓ or j/k)."""
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    out = []
    for r in rows:
        what = " · ".join(x for x in (t("event." + r["type"], lang), zone_text(r, lang)) if x)
        where = f"{r['camera_name']} · " if with_camera else ""
        out.append(
            html.Div(
                [
                    html.Img(src=r["snapshot_url"], className="event-thumb") if r.get("snapshot_url") else None,
                    html.Span(f"{r['local_time']} · {where}{what}"),
                    html.Span(t(f"ev.{r['status']}", lang), className=f"ev-status {STATUS_CLASS[r['status']]}"),
                ],
                id={"type": ids.CAM_EVENT_ROW, "event": r["event_id"] or f"{r['camera']}@{r['start']}"},
                className="event-row" + (" selected" if r["event_id"] and r["event_id"] == selected else ""),
                tabIndex="0",
                **{"data-event": r["event_id"] or ""},
            )
        )
    return out


def event_detail(row: dict[str, Any] | None, lang: str) -> Any:
    """Snapshot, clip, facts and actions of one event."""
    if row is None:
        return None
    facts = [
        (t("ev.camera", lang), f"{row['camera_name']} ({row.get('area') or '—'})"),
        (t("ev.when", lang), row["local_time"]),
        (t("ev.type", lang), t("event." + row["type"], lang)),
        (t("ev.zone", lang), zone_text(row, lang) or "—"),
        (t("ev.score", lang), score_text(row, lang)),
        (t("ev.duration", lang), f"{number(row['duration_s'], 0, lang)} s" if row.get("duration_s") else "—"),
        (t("ev.status", lang), t(f"ev.{row['status']}", lang)),
    ]
    media = []
    if row.get("clip_url"):
        media.append(html.Figure([
            html.Video(src=row["clip_url"], controls=True, className="ev-clip", id="cam-clip"),
            html.Button(t("ev.enlarge", lang), className="btn btn-quiet ev-zoom-clip", id="cam-clip-zoom",
                        **{"data-src": row["clip_url"]}),
        ]))
    elif row.get("clip"):
        media.append(html.Div(t("ev.clip_pending", lang), className="missing"))
    if row.get("snapshot_url"):
        media.append(html.Figure(html.Img(src=row["snapshot_url"], className="ev-snapshot", id="cam-snapshot",
                                          title=t("ev.enlarge", lang))))
    actions = []
    if row.get("event_id"):
        flag = row["status"] != "false_alarm"
        actions = [
            html.Button(
                t("ev.mark_false" if flag else "ev.unmark_false", lang),
                id={"type": ids.CAM_FALSE, "event": row["event_id"]},
                className="btn",
            ),
            html.A(
                t("ev.export", lang),
                href=f"/api/events/{row['event_id']}/evidence.zip",
                className="btn btn-ok",
                id="cam-export",
            ),
        ]
    return html.Div(
        [
            html.Div(media, className="ev-media"),
            html.Table([html.Tr([html.Th(k), html.Td(v)]) for k, v in facts], className="ev-facts"),
            html.Div(actions, className="ev-actions"),
        ],
        className="ev-detail",
        **{"data-event": row.get("event_id") or ""},
    )


def review_layout(rm: ReadModel, lang: str) -> Any:
    """/cameras/review: every camera's events with filters."""
    cams = rm.ctx.config.cameras
    today = datetime.now(ZoneInfo(rm.ctx.config.commune.timezone)).date()
    zones = sorted({z.name for c in cams for z in c.zones})
    return html.Div(
        [
            html.H1(t("ev.title", lang)),
            dcc.Store(id=ids.CAM_EVENT),
            html.Div(
                [
                    dcc.DatePickerRange(
                        id=ids.CAM_REVIEW_DATES,
                        start_date=today - timedelta(days=7),
                        end_date=today,
                        display_format="DD/MM/YYYY",
                        start_date_placeholder_text=t("date.from", lang),
                        end_date_placeholder_text=t("date.to", lang),
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_CAMERA,
                        options=[{"label": c.name, "value": c.id} for c in cams],
                        placeholder=t("ev.camera", lang),
                        className="area-pick",
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_AREA,
                        options=sorted({area_of(rm.ctx.config, c) for c in cams}),
                        placeholder=t("cam.area", lang),
                        className="area-pick",
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_ZONE, options=zones, placeholder=t("ev.zone", lang), className="area-pick"
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_TYPE,
                        options=[{"label": t("event." + k, lang), "value": k} for k in ALARM_TYPES],
                        placeholder=t("ev.type", lang),
                        className="area-pick",
                    ),
                    dcc.Checklist(
                        id=ids.CAM_REVIEW_FALSE,
                        options=[{"label": t("ev.show_false", lang), "value": "yes"}],
                        value=["yes"],
                        className="filters",
                    ),
                ],
                className="toolbar",
            ),
            html.Div(id=ids.CAM_FALSE_DONE, className="done"),
            html.Div(
                [html.Div(id=ids.CAM_REVIEW_LIST, className="cam-history ev-list"), html.Div(id=ids.CAM_DETAIL)],
                className="cam-layout",
            ),
        ],
        className="police review",
    )


def local_day_bounds(day: str | None, tz: ZoneInfo, end: bool) -> datetime | None:
    if not day:
        return None
    start = datetime.fromisoformat(day[:10]).replace(tzinfo=tz)
    return (start + timedelta(days=1) if end else start).astimezone(UTC)


def register(app: dash.Dash, rm: ReadModel) -> None:
    tz = ZoneInfo(rm.ctx.config.commune.timezone)

    @app.callback(
        Output(ids.CAM_REVIEW_LIST, "children"),
        Input(ids.CAM_REVIEW_DATES, "start_date"),
        Input(ids.CAM_REVIEW_DATES, "end_date"),
        Input(ids.CAM_REVIEW_CAMERA, "value"),
        Input(ids.CAM_REVIEW_AREA, "value"),
        Input(ids.CAM_REVIEW_ZONE, "value"),
        Input(ids.CAM_REVIEW_TYPE, "value"),
        Input(ids.CAM_REVIEW_FALSE, "value"),
        Input(ids.CAM_FALSE_DONE, "children"),
        State(ids.CAM_EVENT, "data"),
    )
    def review_list(start, end, camera, area, zone, type_, show_false, _done, selected) -> Any:  # noqa: ANN001
        flt = ReviewFilter(
            local_day_bounds(start, tz, False),
            local_day_bounds(end, tz, True),
            camera,
            area,
            zone,
            type_,
            bool(show_false),
        )
        return event_list(rows_for(rm, flt), current_lang(), selected, True)

    @app.callback(
        Output(ids.CAM_DETAIL, "children"),
        Input(ids.CAM_EVENT, "data"),
        Input(ids.CAM_FALSE_DONE, "children"),
    )
    def detail(event_id: str | None, _done: Any) -> Any:
        if not event_id:
            return None
        camera = next((c.id for c in rm.ctx.config.cameras if event_id.startswith(f"{c.id}-")), None)
        rows = rows_for(rm, ReviewFilter(camera=camera), 2000) if camera else []
        return event_detail(next((r for r in rows if r["event_id"] == event_id), None), current_lang())

    @app.callback(
        Output(ids.CAM_FALSE_DONE, "children"),
        Input({"type": ids.CAM_FALSE, "event": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def mark(_clicks: list) -> Any:
        trigger = dash.callback_context.triggered_id
        who = current_principal()
        if not any(x.get("value") for x in dash.callback_context.triggered) or who is None:
            return dash.no_update
        event_id = trigger["event"]
        camera = next((c.id for c in rm.ctx.config.cameras if event_id.startswith(f"{c.id}-")), "")
        system = camera_system(rm)
        flag = event_id not in ReviewLog(system.review_log).false_alarms()  # the button toggles the mark
        ReviewLog(system.review_log).append(ReviewMark(event_id, camera, flag, who.name, datetime.now(UTC)))
        record_access(
            system.access_log, "false_alarm" if flag else "false_alarm_undo", who.name, who.role.value, event_id, camera
        )
        lang = current_lang()
        return t("ev.marked" if flag else "ev.unmarked", lang)
