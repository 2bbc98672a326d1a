"""Alert-row helpers of the police view: who acted on an alert (state, person, note), running the clicked button,
and the answer naming the alarm acted on."""

from __future__ import annotations

import dash
from dash import html

from alerts.models import Alert, Status
from dashboard.auth import Principal
from dashboard.i18n import current_lang, t
from dashboard.read.alerts import AlertReads


def who_acted_on(alert: Alert, lang: str) -> str:
    """The state, with who acknowledged or resolved it and their note."""
    closed_by_person = alert.status is Status.CLOSED and alert.resolved_by
    who = alert.resolved_by if closed_by_person else alert.acknowledged_by
    note = alert.resolved_note if closed_by_person else alert.acknowledged_note
    text = t("status." + alert.status.value, lang) + (f" ({who})" if who else "")
    return text + (f": {note}" if note else "")


def act_on_clicked(reads: AlertReads, principal: Principal | None, ack_type: str) -> str:
    """Run the acknowledge or resolve that was clicked, with the note typed beside it."""
    trigger = dash.callback_context.triggered_id
    if principal is None or not isinstance(trigger, dict):
        return ""
    states = dash.callback_context.states_list[0] if dash.callback_context.states_list else []
    note = next((s.get("value") for s in states if s["id"].get("alert") == trigger["alert"]), None) or ""
    clicked = next((v for v in dash.callback_context.triggered if v.get("value")), None)
    if clicked is None:
        return ""
    alert_id = str(trigger["alert"])
    verb = reads.acknowledge if trigger["type"] == ack_type else reads.resolve
    result = verb(alert_id, principal.name, principal.role, note.strip()[:500])
    return f"⚠ {result.error}" if result.error else done_text(reads, alert_id, current_lang())


def done_text(reads: AlertReads, alert_id: str, lang: str) -> str:
    """'Đã lưu: Báo động III tại Cầu Phò Nam' — the alarm a person acted on by its title, never its internal id."""
    alert = reads.find(alert_id)
    title = "" if alert is None else (alert.title_en or alert.title_vi) if lang == "en" else alert.title_vi
    return f"{t('done', lang)}: {title}" if title else t("done", lang)


def data_span(text: str, **data: str) -> html.Span:
    """A span carrying `data-*` attributes (`data_span(t, alert=id)` → data-alert): Dash takes them as keyword
    arguments its type stubs do not list."""
    span = html.Span(text)
    for name, value in data.items():
        setattr(span, f"data-{name}", value)
    return span
