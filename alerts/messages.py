"""Webhook bodies for each `format`: plain JSON, Telegram Bot API sendMessage, Zalo OA text message."""

from __future__ import annotations

from typing import Any

from alerts.models import Action, Alert, AlertTransition, Severity
from alerts.settings import WebhookConfig

ACTION_WORDS = {
    Action.OPENED: ("Cảnh báo mới", "New alert"),
    Action.SEVERITY_CHANGED: ("Thay đổi mức độ", "Severity changed"),
    Action.ACKNOWLEDGED: ("Đã tiếp nhận", "Acknowledged"),
    Action.ESCALATED: ("Chưa ai tiếp nhận – nhắc lại", "Not acknowledged – reminder"),
    Action.RESOLVED: ("Đã xử lý xong", "Resolved"),
}
SEVERITY_WORDS = {
    Severity.INFO: ("Thông tin", "Info"),
    Severity.WARNING: ("Cảnh báo", "Warning"),
    Severity.MAJOR: ("Nghiêm trọng", "Major"),
    Severity.CRITICAL: ("Khẩn cấp", "Critical"),
}
SEVERITY_MARKS = {Severity.INFO: "ℹ️", Severity.WARNING: "⚠️", Severity.MAJOR: "🟠", Severity.CRITICAL: "🔴"}


def message_text(alert: Alert, transition: AlertTransition, language: str = "both") -> str:
    """A short human message: Vietnamese first, English second (or one of them)."""
    act_vi, act_en = ACTION_WORDS[transition.action]
    sev_vi, sev_en = SEVERITY_WORDS[alert.severity]
    mark = SEVERITY_MARKS[alert.severity]
    when = transition.at.strftime("%Y-%m-%d %H:%M UTC")
    who = f" – {transition.actor}" if transition.actor != "system" else ""
    note = f"\n{transition.note}" if transition.note else ""
    vi = f"{mark} [{sev_vi}] {act_vi}{who}: {alert.title_vi}"
    en = f"{mark} [{sev_en}] {act_en}{who}: {alert.title_en}"
    lines = {"vi": [vi], "en": [en], "both": [vi, en]}[language]
    return "\n".join(lines) + f"\n{when} · {alert.id}{note}"


def webhook_body(cfg: WebhookConfig, alert: Alert, transition: AlertTransition,
                 language: str) -> dict[str, Any]:
    """The JSON body POSTed to one webhook for one transition."""
    if cfg.format == "telegram":
        return {"chat_id": cfg.chat_id, "text": message_text(alert, transition, language),
                "disable_web_page_preview": True}
    if cfg.format == "zalo":
        return {"recipient": {"user_id": cfg.user_id},
                "message": {"text": message_text(alert, transition, language)}}
    return {"alert": alert.to_json(), "transition": transition.to_json()}
