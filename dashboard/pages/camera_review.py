"""Event review on the police desk (Frigate's review model): event rows of one camera or all of them with
filters, a detail panel with the snapshot (objects boxed), the clip, score, duration, zone and status, a
false-alarm mark (kept, audited) and the evidence ZIP; ↑/↓ (or j/k) move through the rows (police.js)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import dash
from dash import ALL, Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.auth import current_principal
from dashboard.camera_events import score_text, zone_text
from dashboard.formats import number
from dashboard.i18n import current_lang, t
from dashboard.read.camera_views import ALARM_TYPES, EpisodeStatus, EpisodeView, ReviewFilter
from dashboard.read.cameras import CameraReads, camera_reads
from dashboard.read_model import ReadModel

STATUS_CLASS = {
    EpisodeStatus.ACTIVE: "ev-active", EpisodeStatus.ENDED: "ev-ended", EpisodeStatus.FALSE_ALARM: "ev-false"}
C = TypeVar("C", bound=Component)


def desk_reads(rm: ReadModel) -> CameraReads:
    """The cameras' reader of the context this request reads."""
    return rm.reads(camera_reads)


def with_data(component: C, attrs: Mapping[str, str]) -> C:
    """The component with `data-*` attributes (Dash takes them as wildcard properties)."""
    for name, value in attrs.items():
        setattr(component, name, value)
    return component


def event_list(rows: list[EpisodeView], lang: str, selected: str | None, with_camera: bool) -> Component | list[
        Component]:
    """Clickable event rows (keyboard: ↑/↓ or j/k)."""
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    out: list[Component] = []
    for r in rows:
        what = " · ".join(x for x in (t("event." + r.type.value, lang), zone_text(r.type, r.zone, lang)) if x)
        where = f"{r.camera_name} · " if with_camera else ""
        thumb = html.Img(src=r.snapshot_url, className="event-thumb") if r.snapshot_url else None
        row = html.Div(
            [
                thumb,
                html.Span(f"{r.local_time} · {where}{what}"),
                html.Span(t(f"ev.{r.status.value}", lang), className=f"ev-status {STATUS_CLASS[r.status]}"),
            ],
            id={"type": ids.CAM_EVENT_ROW, "event": r.key},
            className="event-row" + (" selected" if r.event_id and r.event_id == selected else ""),
            tabIndex="0",
        )
        out.append(with_data(row, {"data-event": r.event_id}))
    return out


def event_detail(row: EpisodeView | None, lang: str) -> Component | None:
    """Snapshot, clip, facts and actions of one event."""
    if row is None:
        return None
    facts = [
        (t("ev.camera", lang), f"{row.camera_name} ({row.area or '—'})"),
        (t("ev.when", lang), row.local_time),
        (t("ev.type", lang), t("event." + row.type.value, lang)),
        (t("ev.zone", lang), zone_text(row.type, row.zone, lang) or "—"),
        (t("ev.score", lang), score_text(row.type, row.score, lang)),
        (t("ev.duration", lang), f"{number(row.duration_s, 0, lang)} s" if row.duration_s else "—"),
        (t("ev.status", lang), t(f"ev.{row.status.value}", lang)),
    ]
    media: list[Component] = []
    if row.clip_url:
        zoom = html.Button(t("ev.enlarge", lang), className="btn btn-quiet ev-zoom-clip", id="cam-clip-zoom")
        media.append(html.Figure([
            html.Video(src=row.clip_url, controls=True, className="ev-clip", id="cam-clip"),
            with_data(zoom, {"data-src": row.clip_url}),
        ]))
    elif row.clip:
        media.append(html.Div(t("ev.clip_pending", lang), className="missing"))
    if row.snapshot_url:
        media.append(html.Figure(html.Img(src=row.snapshot_url, className="ev-snapshot", id="cam-snapshot",
                                          title=t("ev.enlarge", lang))))
    actions: list[Component] = []
    if row.event_id:
        flag = row.status is not EpisodeStatus.FALSE_ALARM
        actions = [
            html.Button(
                t("ev.mark_false" if flag else "ev.unmark_false", lang),
                id={"type": ids.CAM_FALSE, "event": row.event_id},
                className="btn",
            ),
            html.A(
                t("ev.export", lang),
                href=f"/api/events/{row.event_id}/evidence.zip",
                className="btn btn-ok",
                id="cam-export",
            ),
        ]
    detail = html.Div(
        [
            html.Div(media, className="ev-media"),
            html.Table([html.Tr([html.Th(k), html.Td(v)]) for k, v in facts], className="ev-facts"),
            html.Div(actions, className="ev-actions"),
        ],
        className="ev-detail",
    )
    return with_data(detail, {"data-event": row.event_id})


def review_layout(rm: ReadModel, lang: str) -> Component:
    """/cameras/review: every camera's events with filters."""
    cams = desk_reads(rm)
    today = datetime.now(cams.tz).date()
    return html.Div(
        [
            html.H1(t("ev.title", lang)),
            dcc.Store(id=ids.CAM_EVENT),
            html.Div(
                [
                    dcc.DatePickerRange(
                        id=ids.CAM_REVIEW_DATES,
                        start_date=(today - timedelta(days=7)).isoformat(),
                        end_date=today.isoformat(),
                        display_format="DD/MM/YYYY",
                        start_date_placeholder_text=t("date.from", lang),
                        end_date_placeholder_text=t("date.to", lang),
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_CAMERA,
                        options=[{"label": c.name, "value": c.id} for c in cams.configured],
                        placeholder=t("ev.camera", lang),
                        className="area-pick",
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_AREA, options=cams.areas(), placeholder=t("cam.area", lang),
                        className="area-pick",
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_ZONE, options=cams.zones(), placeholder=t("ev.zone", lang),
                        className="area-pick",
                    ),
                    dcc.Dropdown(
                        id=ids.CAM_REVIEW_TYPE,
                        options=[{"label": t("event." + k.value, lang), "value": k.value} for k in ALARM_TYPES],
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
    def review_list(start: str | None, end: str | None, camera: str | None, area: str | None, zone: str | None,
                    type_: str | None, show_false: list[str] | None, _done: str | None,
                    selected: str | None) -> Component | list[Component]:
        cams = desk_reads(rm)
        flt = ReviewFilter(local_day_bounds(start, cams.tz, False), local_day_bounds(end, cams.tz, True), camera,
                           area, zone, type_, bool(show_false))
        return event_list(cams.episodes(flt), current_lang(), selected, True)

    @app.callback(
        Output(ids.CAM_DETAIL, "children"),
        Input(ids.CAM_EVENT, "data"),
        Input(ids.CAM_FALSE_DONE, "children"),
    )
    def detail(event_id: str | None, _done: str | None) -> Component | None:
        if not event_id:
            return None
        return event_detail(desk_reads(rm).episode(event_id), current_lang())

    @app.callback(
        Output(ids.CAM_FALSE_DONE, "children"),
        Input({"type": ids.CAM_FALSE, "event": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def mark(_clicks: list[int | None]) -> str | dash.NoUpdate:
        trigger = dash.callback_context.triggered_id
        who = current_principal()
        clicked = any(x.get("value") for x in dash.callback_context.triggered)
        if not clicked or who is None or not isinstance(trigger, Mapping):
            return dash.no_update
        event_id = str(trigger["event"])
        cams = desk_reads(rm)
        camera = cams.camera_of_event(event_id) or ""
        flag = event_id not in cams.false_alarms()  # the button toggles the mark
        cams.mark_false_alarm(event_id, camera, flag, who.name)
        cams.audit("false_alarm" if flag else "false_alarm_undo", who.name, who.role.value, event_id, camera)
        return t("ev.marked" if flag else "ev.unmarked", current_lang())
