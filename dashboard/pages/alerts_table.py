"""The /alerts page's rows: grouped by place, one row per alarm (a chattering one once, with its count), peak
and current value, state, timeline, controls; and the slots that keep each row in place."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from dash import dcc, html

from alerts.messages import ACTION_WORDS, number_text, step_note
from alerts.models import Action, Alert, Status
from dashboard.i18n import t
from dashboard.pages.wall_panels import SEVERITY_COLOURS
from dashboard.read.alerts import AlertView, StepView, alert_title

Local = Callable[[datetime | None], str]


def local_text(local: Callable[[datetime], datetime]) -> Local:
    """A UTC time → 'HH:MM dd/mm' local ('' for nothing)."""

    def text(value: datetime | None) -> str:
        return local(value).strftime("%H:%M %d/%m") if value is not None else ""

    return text


def once_per_chatter(rows: Sequence[AlertView]) -> list[AlertView]:
    """A chattering (rule, subject) is listed once: its newest alarm (rows come newest first per key)."""
    chattering: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        key = row.alert.key
        if key in chattering:
            continue
        if row.alert.chattering:
            chattering.add(key)
        out.append(row)
    return out


def by_place(rows: Sequence[AlertView]) -> dict[str, list[AlertView]]:
    """Rows grouped by place, groups in the order of their first (most urgent) row."""
    groups: dict[str, list[AlertView]] = {}
    for row in rows:
        groups.setdefault(row.alert.place or row.alert.subject or "–", []).append(row)
    return groups


def signature(alert: Alert, steps: int) -> str:
    """What a row's body shows, to redraw it only when it changes."""
    shown = (alert.status, alert.severity, alert.value, alert.peak_value, alert.peak_at, alert.acknowledged_by,
             alert.acknowledged_note, alert.resolved_by, alert.resolved_note, alert.shelved_until,
             alert.shelved_reason, alert.chattering, alert.raises, alert.cleared_at, alert.escalations,
             alert.title_vi, alert.detail, steps)
    return json.dumps(shown, ensure_ascii=False, default=str)


def value_text(alert: Alert, lang: str, when: Local) -> str:
    """'Đỉnh 352 cm lúc 14:05 28/10 · hiện tại 12,5 cm' (measured values only: those with a unit)."""
    if not alert.unit:
        return ""
    unit = f" {alert.unit}"
    parts: list[str] = []
    if alert.peak_value is not None:
        peak = number_text(alert.peak_value, lang) + unit
        parts.append(t("alerts.peak", lang, value=peak, at=when(alert.peak_at)))
    if alert.value is not None and alert.status is not Status.CLOSED:
        parts.append(t("alerts.now", lang, value=number_text(alert.value, lang) + unit))
    return " · ".join(parts)


def state_text(alert: Alert, lang: str, when: Local) -> str:
    """The state, when it returned to normal, who acknowledged or closed it and their note."""
    status = alert.status
    text = t(f"status.{status.value}", lang)
    if status is Status.CLEARED:
        text = t("alerts.returned", lang, at=when(alert.cleared_at)) + " – " + t("status.open", lang)
    who = alert.resolved_by or alert.acknowledged_by
    note = alert.resolved_note or alert.acknowledged_note
    opened = status is Status.OPEN
    return text + (f" ({who})" if who and not opened else "") + (f": {note}" if note and not opened else "")


def timeline(steps: Sequence[StepView], alert: Alert, lang: str, when: Local) -> list[html.Li]:
    """Raised, rose, peak, cleared, acknowledged (by whom, with what note), closed: one line each."""
    unit = f" {alert.unit}" if alert.unit else ""
    lines: list[tuple[datetime, int, str]] = []
    for view in steps:
        step = view.step
        words = ACTION_WORDS.get(step.action, (step.action.value, step.action.value))
        who = f" – {step.actor}" if step.actor not in (None, "system") else ""
        value = f" ({number_text(step.value, lang)}{unit})" if step.value is not None else ""
        note = f": {step_note(step.note, lang)}" if step.note else ""
        lines.append((step.at, 0, f"{view.local} {words[0 if lang == 'vi' else 1]}{who}{value}{note}"))
    audited_peak = any(v.step.action is Action.PEAK for v in steps)  # written once it clears or closes
    if alert.peak_at is not None and alert.peak_value is not None and not audited_peak:
        peak = ACTION_WORDS[Action.PEAK][0 if lang == "vi" else 1]  # like the audited step: time, word, value
        value = number_text(alert.peak_value, lang) + unit
        lines.append((alert.peak_at, 1, f"{when(alert.peak_at)} {peak} ({value})"))
    return [html.Li(text) for _, _, text in sorted(lines, key=lambda x: (x[0], x[1]))]


def body(alert: Alert, lang: str, steps: Sequence[StepView], when: Local, window: str) -> html.Div:
    """What an alarm row says: title (the peak's) and badges, peak and current value, detail, state, timeline."""
    badges = []
    if alert.chattering:
        badges.append(html.Span(t("alerts.chattering", lang, n=alert.raises, window=window),
                                className="badge badge-chatter"))
    if alert.shelved_until is not None:
        badges.append(html.Span(t("alerts.shelved", lang, until=when(alert.shelved_until),
                                  who=alert.shelved_by or "", reason=alert.shelved_reason or ""),
                                className="badge badge-shelved"))
    detail = (alert.detail_en or alert.detail) if lang == "en" else alert.detail
    text = [
        html.Div([html.Span(alert_title(alert, lang), className="alert-text"), *badges], className="alert-title"),
        html.Div(value_text(alert, lang, when), className="alert-values"),
        html.Div(detail or "", className="alert-meta"),
        html.Div(" · ".join(x for x in (when(alert.opened_at), state_text(alert, lang, when)) if x),
                 className="alert-meta alert-state"),
        html.Details([html.Summary(t("alerts.history", lang)),
                      html.Ol(timeline(steps, alert, lang, when), className="alert-timeline")])
        if steps else None,
    ]
    colour = SEVERITY_COLOURS.get(alert.severity.value, "#8fb8ff")
    return html.Div(
        [html.Span(className="sev-dot", style={"background": colour}), html.Div(text, className="alert-body")],
        className="alert-row-body", id=f"alerts-row-{alert.id}",
    )


def controls(alert: Alert, lang: str, ids: dict[str, str]) -> html.Div | None:
    """Note, "Tiếp nhận", "Hoàn thành xử lý" and "Tạm ẩn" (operators and admins; none once closed)."""
    aid, status = alert.id, alert.status
    if status is Status.CLOSED:
        return None
    return html.Div(
        [
            dcc.Input(id={"type": ids["note"], "alert": aid}, placeholder=t("note", lang), className="note",
                      maxLength=500),
            html.Button(t("ack", lang), id={"type": ids["ack"], "alert": aid}, className="btn btn-ack",
                        disabled=status is Status.ACKNOWLEDGED),
            html.Button(t("resolve", lang), id={"type": ids["resolve"], "alert": aid}, className="btn btn-ok"),
            html.Button(t("takeover.shelve", lang), id={"type": ids["shelve"], "alert": aid},
                        className="btn btn-shelve", title=t("takeover.reason", lang)),
        ],
        className="alert-controls", id=f"alerts-ctl-{aid}",
    )


def unit_header(name: str, count: int, lang: str) -> html.Div:
    """The heading of one former commune's alarms ("Xã Quảng Phước (cũ) · 3 báo động")."""
    return html.Div([html.Span(name, className="alert-unit-name"),
                     html.Span(t("alerts.place_count", lang, n=count), className="alert-group-count")],
                    className="alert-unit")


def group_header(place: str, count: int, lang: str) -> html.Div:
    return html.Div([html.Span(place, className="alert-group-place"),
                     html.Span(t("alerts.place_count", lang, n=count), className="alert-group-count")],
                    className="alert-group")


def assign(previous: dict[int, str], wanted: list[str], slots: int) -> dict[int, str]:
    """Which slot shows which item: an item keeps its slot while it is listed (so a row someone is typing in
    is never moved or redrawn by others coming and going); new items take the lowest free slots."""
    keep = {slot: key for slot, key in previous.items() if key in set(wanted)}
    taken = set(keep.values())
    free = (slot for slot in range(slots) if slot not in keep)
    for key in wanted:
        if key not in taken:
            slot = next(free, None)
            if slot is None:
                break
            keep[slot] = key
    return keep
