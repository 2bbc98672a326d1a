"""The /alerts page's rows: grouped by place, one row per alarm (a chattering one once, with its count), peak
and current value, state, timeline, controls; and the slots that keep each row in place."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dash import dcc, html

from alerts.messages import ACTION_WORDS, number_text, step_note
from alerts.models import Action
from dashboard.i18n import t
from dashboard.pages.wall_panels import SEVERITY_COLOURS, alert_text

SIG_FIELDS = (
    "status", "severity", "value", "peak_value", "peak_at", "acknowledged_by", "acknowledged_note", "resolved_by",
    "resolved_note", "shelved_until", "shelved_reason", "chattering", "raises", "cleared_at", "escalations",
    "title_vi", "detail",
)
Local = Callable[[Any], str]


def local_text(local: Callable[[datetime], datetime]) -> Local:
    """ISO 8601 UTC text → 'HH:MM dd/mm' local ('' for nothing)."""

    def text(value: Any) -> str:
        if not value:
            return ""
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return local(ts if ts.tzinfo else ts.replace(tzinfo=UTC)).strftime("%H:%M %d/%m")

    return text


def once_per_chatter(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A chattering (rule, subject) is listed once: its newest alarm (rows come newest first per key)."""
    chattering: set[tuple[Any, Any]] = set()
    out = []
    for row in rows:
        key = (row.get("rule"), row.get("subject"))
        if key in chattering:
            continue
        if row.get("chattering"):
            chattering.add(key)
        out.append(row)
    return out


def by_place(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by place, groups in the order of their first (most urgent) row."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row.get("place") or row.get("subject") or "–"), []).append(row)
    return groups


def signature(alert: dict[str, Any], steps: int) -> str:
    return json.dumps([alert.get(f) for f in SIG_FIELDS] + [steps], ensure_ascii=False, default=str)


def value_text(alert: dict[str, Any], lang: str, when: Local) -> str:
    """'Đỉnh 352 cm lúc 14:05 28/10 · hiện tại 12,5 cm' (measured values only: those with a unit)."""
    unit = f" {alert['unit']}" if alert.get("unit") else ""
    parts: list[str] = []
    if not unit:
        return ""
    if alert.get("peak_value") is not None:
        peak = number_text(alert["peak_value"], lang) + unit
        parts.append(t("alerts.peak", lang, value=peak, at=when(alert.get("peak_at"))))
    if alert.get("value") is not None and alert.get("status") != "closed":
        parts.append(t("alerts.now", lang, value=number_text(alert["value"], lang) + unit))
    return " · ".join(parts)


def state_text(alert: dict[str, Any], lang: str, when: Local) -> str:
    """The state, when it returned to normal, who acknowledged or closed it and their note."""
    status = str(alert.get("status", "open"))
    text = t(f"status.{status}", lang)
    if status == "cleared":
        text = t("alerts.returned", lang, at=when(alert.get("cleared_at"))) + " – " + t("status.open", lang)
    who = alert.get("resolved_by") or alert.get("acknowledged_by")
    note = alert.get("resolved_note") or alert.get("acknowledged_note")
    return text + (f" ({who})" if who and status != "open" else "") + (f": {note}" if note and status != "open"
                                                                        else "")


def timeline(steps: list[dict[str, Any]], alert: dict[str, Any], lang: str, when: Local) -> list[Any]:
    """Raised, rose, peak, cleared, acknowledged (by whom, with what note), closed: one line each."""
    unit = f" {alert['unit']}" if alert.get("unit") else ""
    lines = []
    for step in steps:
        words = ACTION_WORDS.get(Action(step["action"]), (step["action"], step["action"]))
        who = f" – {step['actor']}" if step.get("actor") not in (None, "system") else ""
        value = f" ({number_text(step['value'], lang)}{unit})" if step.get("value") is not None else ""
        note = f": {step_note(step['note'], lang)}" if step.get("note") else ""
        lines.append((str(step.get("at")), f"{step['local']} {words[0 if lang == 'vi' else 1]}{who}{value}{note}"))
    audited_peak = any(step.get("action") == "peak" for step in steps)  # written once it clears or closes
    if alert.get("peak_at") and alert.get("peak_value") is not None and not audited_peak:
        peak = ACTION_WORDS[Action.PEAK][0 if lang == "vi" else 1]  # like the audited step: time, word, value
        value = number_text(alert["peak_value"], lang) + unit
        lines.append((str(alert["peak_at"]).replace("Z", "+00:00") + "~", f"{when(alert['peak_at'])} {peak} ({value})"))
    return [html.Li(text) for _, text in sorted(lines, key=lambda x: x[0])]


def body(alert: dict[str, Any], lang: str, steps: list[dict[str, Any]], when: Local, window: str) -> html.Div:
    """What an alarm row says: title (the peak's) and badges, peak and current value, detail, state, timeline."""
    aid = str(alert.get("id"))
    severity = str(alert.get("severity", "")).lower()
    badges = []
    if alert.get("chattering"):
        badges.append(html.Span(t("alerts.chattering", lang, n=alert.get("raises"), window=window),
                                className="badge badge-chatter"))
    if alert.get("shelved_until"):
        badges.append(html.Span(t("alerts.shelved", lang, until=when(alert["shelved_until"]),
                                  who=alert.get("shelved_by") or "", reason=alert.get("shelved_reason") or ""),
                                className="badge badge-shelved"))
    detail = (alert.get("detail_en") or alert.get("detail")) if lang == "en" else alert.get("detail")
    text = [
        html.Div([html.Span(alert_text(alert, lang), className="alert-text"), *badges], className="alert-title"),
        html.Div(value_text(alert, lang, when), className="alert-values"),
        html.Div(detail or "", className="alert-meta"),
        html.Div(" · ".join(x for x in (when(alert.get("opened_at")), state_text(alert, lang, when)) if x),
                 className="alert-meta alert-state"),
        html.Details([html.Summary(t("alerts.history", lang)),
                      html.Ol(timeline(steps, alert, lang, when), className="alert-timeline")])
        if steps else None,
    ]
    return html.Div(
        [html.Span(className="sev-dot", style={"background": SEVERITY_COLOURS.get(severity, "#8fb8ff")}),
         html.Div(text, className="alert-body")],
        className="alert-row-body", id=f"alerts-row-{aid}",
    )


def controls(alert: dict[str, Any], lang: str, ids: dict[str, str]) -> html.Div | None:
    """Note, "Tiếp nhận", "Hoàn thành xử lý" and "Tạm ẩn" (operators and admins; none once closed)."""
    aid, status = str(alert.get("id")), str(alert.get("status", "open"))
    if status == "closed":
        return None
    return html.Div(
        [
            dcc.Input(id={"type": ids["note"], "alert": aid}, placeholder=t("note", lang), className="note",
                      maxLength=500),
            html.Button(t("ack", lang), id={"type": ids["ack"], "alert": aid}, className="btn btn-ack",
                        disabled=status == "acknowledged"),
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
