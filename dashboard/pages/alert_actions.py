"""Alert-row helpers of the police view: who acted on an alert (state, person, note) and running the clicked button."""

from __future__ import annotations

from typing import Any

import dash

from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel


def who_acted(alert: dict[str, Any], lang: str) -> str:
    """The state, with who acknowledged or resolved it and their note."""
    status = str(alert.get("status", "open")).lower()
    status = "closed" if status == "resolved" else status  # the name of earlier versions
    closed_by_person = status == "closed" and alert.get("resolved_by")
    who = alert.get("resolved_by") if closed_by_person else alert.get("acknowledged_by")
    note = alert.get("resolved_note") if closed_by_person else alert.get("acknowledged_note")
    text = t("status." + status, lang) + (f" ({who})" if who else "")
    return text + (f": {note}" if note else "")


def act_on_alert(rm: ReadModel, principal: Any, notes: list[str | None], ack_type: str) -> str:
    """Run the acknowledge or resolve that was clicked, with the note typed beside it."""
    trigger = dash.callback_context.triggered_id
    if principal is None or not isinstance(trigger, dict):
        return ""
    states = dash.callback_context.states_list[0] if dash.callback_context.states_list else []
    note = next((s.get("value") for s in states if s["id"].get("alert") == trigger["alert"]), None) or ""
    clicked = next((v for v in dash.callback_context.triggered if v.get("value")), None)
    if clicked is None:
        return ""
    verb = rm.acknowledge if trigger["type"] == ack_type else rm.resolve
    error = verb(trigger["alert"], principal.name, principal.role.value, note.strip()[:500])
    return f"⚠ {error}" if error else done_text(rm, str(trigger["alert"]), current_lang())


def done_text(rm: ReadModel, alert_id: str, lang: str) -> str:
    """'Đã lưu: Báo động III tại Cầu Phò Nam' — the alarm a person acted on by its title, never its internal id."""
    detail = rm.ctx.alerts.get(alert_id) if rm.ctx.alerts is not None else None
    alert = getattr(detail, "alert", None)
    title = (alert.title_en or alert.title_vi) if alert is not None and lang == "en" else getattr(alert, "title_vi", "")
    return f"{t('done', lang)}: {title}" if title else t("done", lang)
