"""What alert notifications say: the short text (Vietnamese first, local time dd/mm/yyyy HH:MM), the webhook
bodies for each `format` (plain JSON, Telegram Bot API sendMessage, Zalo OA text message) and the log line."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alerts.models import Action, Alert, AlertTransition, Severity
from alerts.settings import WebhookConfig

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
ACTION_WORDS = {
    Action.OPENED: ("Báo động mới", "New alarm"),
    Action.ROSE: ("Mức độ tăng", "Severity rose"),
    Action.PEAK: ("Đỉnh", "Peak"),
    Action.LOWERED: ("Mức độ giảm", "Severity lowered"),
    Action.CLEARED: ("Đã trở lại bình thường, chờ tiếp nhận", "Returned to normal, awaiting acknowledgement"),
    Action.RETURNED: ("Báo động trở lại", "Alarm returned"),
    Action.ACKNOWLEDGED: ("Đã tiếp nhận", "Acknowledged"),
    Action.SHELVED: ("Tạm ẩn", "Shelved"),
    Action.UNSHELVED: ("Hết tạm ẩn", "Unshelved"),
    Action.ESCALATED: ("Chưa ai tiếp nhận – nhắc lại", "Not acknowledged – reminder"),
    Action.CLOSED: ("Đã đóng", "Closed"),
    Action.RESOLVED: ("Hoàn thành xử lý", "Resolved"),
    Action.SEVERITY_CHANGED: ("Thay đổi mức độ", "Severity changed"),
}
SEVERITY_WORDS = {
    Severity.INFO: ("Thông tin", "Info"),
    Severity.WARNING: ("Cảnh báo", "Warning"),
    Severity.MAJOR: ("Nghiêm trọng", "Major"),
    Severity.CRITICAL: ("Khẩn cấp", "Critical"),
}
SEVERITY_MARKS = {Severity.INFO: "ℹ️", Severity.WARNING: "⚠️", Severity.MAJOR: "🟠", Severity.CRITICAL: "🔴"}


SYSTEM_NOTES_EN = (  # the notes the alarm lifecycle writes itself (alerts/lifecycle.py), in English
    (re.compile(r"^hết thời gian tạm ẩn$"), "shelving time over"),
    (re.compile(r"^báo động dao động: nâng lại (\d+) lần$"), "chattering alarm: raised again {0} times"),
    (re.compile(r"^(.*) \((\d+(?:[.,]\d+)?) phút\)$"), "{0} ({1} min)"),
)
SEVERITY_STEP = re.compile(r"^(info|warning|major|critical) → (info|warning|major|critical)$")


def severity_word(severity: str, lang: str = "vi") -> str:
    """'major' → 'Nghiêm trọng' (English: 'Major'); an unknown value as it is."""
    try:
        vi, en = SEVERITY_WORDS[Severity(severity)]
    except ValueError:
        return severity
    return en if lang == "en" else vi


def step_note(note: str | None, lang: str = "vi") -> str:
    """A timeline step's note in the reader's language: 'warning → major' → 'Cảnh báo → Nghiêm trọng' (English:
    'Warning → Major'); the lifecycle's own Vietnamese notes in English for an English reader; a person's note as
    written."""
    if not note:
        return ""
    step = SEVERITY_STEP.match(note)
    if step:
        return f"{severity_word(step.group(1), lang)} → {severity_word(step.group(2), lang)}"
    if lang == "en":
        for pattern, english in SYSTEM_NOTES_EN:
            found = pattern.match(note)
            if found:
                return english.format(*found.groups())
    return note


def local_time(at: datetime, timezone: str = DEFAULT_TZ) -> str:
    """A UTC time as the commune's wall-clock time, dd/mm/yyyy HH:MM."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")


def number_text(value: float | None, lang: str = "vi") -> str:
    """A measured value: Vietnamese decimal comma and thousands dot (12,5; 1.297), English as is."""
    if value is None:
        return "–"
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text


def value_line(alert: Alert, lang: str = "vi") -> str:
    """'Đỉnh 352 cm lúc 14:05 · hiện tại 12,5 cm' (peak and current) when the alarm has values."""
    if alert.peak_value is None and alert.value is None:
        return ""
    unit = f" {alert.unit}" if alert.unit else ""
    peak, now = number_text(alert.peak_value, lang) + unit, number_text(alert.value, lang) + unit
    if lang == "vi":
        return f"Đỉnh {peak} · hiện tại {now}"
    return f"Peak {peak} · now {now}"


def message_text(alert: Alert, transition: AlertTransition, language: str = "vi", timezone: str = DEFAULT_TZ) -> str:
    """A short human message: Vietnamese first, English second (or one of them); local time."""
    act_vi, act_en = ACTION_WORDS[transition.action]
    sev_vi, sev_en = SEVERITY_WORDS[alert.severity]
    mark = SEVERITY_MARKS[alert.severity]
    who = f" – {transition.actor}" if transition.actor != "system" else ""
    note = f"\n{transition.note}" if transition.note else ""
    vi = f"{mark} [{sev_vi}] {act_vi}{who}: {alert.title_vi}"
    en = f"{mark} [{sev_en}] {act_en}{who}: {alert.title_en}"
    values = {"vi": [value_line(alert, "vi")], "en": [value_line(alert, "en")],
              "both": [value_line(alert, "vi")]}[language]
    lines = {"vi": [vi], "en": [en], "both": [vi, en]}[language] + [v for v in values if v]
    return "\n".join(lines) + f"\n{local_time(transition.at, timezone)} · {alert.id}{note}"


def notice(alert: Alert, transition: AlertTransition, timezone: str = DEFAULT_TZ) -> dict[str, Any]:
    """The alert and transition as JSON (machines: ISO 8601 UTC) with the local time and Vietnamese text."""
    return {**alert.to_json(), "transition": transition.to_json(),
            "local_time": local_time(transition.at, timezone), "message": message_text(alert, transition, "vi",
                                                                                       timezone)}


def webhook_body(cfg: WebhookConfig, alert: Alert, transition: AlertTransition,
                 language: str, timezone: str = DEFAULT_TZ) -> dict[str, Any]:
    """The JSON body POSTed to one webhook for one transition."""
    if cfg.format == "telegram":
        return {"chat_id": cfg.chat_id, "text": message_text(alert, transition, language, timezone),
                "disable_web_page_preview": True}
    if cfg.format == "zalo":
        return {"recipient": {"user_id": cfg.user_id},
                "message": {"text": message_text(alert, transition, language, timezone)}}
    return {"alert": alert.to_json(), "transition": transition.to_json(),
            "local_time": local_time(transition.at, timezone),
            "message": message_text(alert, transition, language, timezone)}


def log_transition(log: logging.Logger, alert: Alert, transition: AlertTransition) -> None:
    """Every transition of a critical alarm goes to the service log (raise, rise, return: ERROR; the rest:
    WARNING) with its place and values; other alarms at INFO."""
    loud = transition.action in (Action.OPENED, Action.ROSE, Action.RETURNED, Action.ESCALATED)
    if alert.severity is Severity.CRITICAL:
        level = logging.ERROR if loud else logging.WARNING
    else:
        level = logging.INFO
    act_vi, _ = ACTION_WORDS[transition.action]
    who = f" ({transition.actor})" if transition.actor != "system" else ""
    place = alert.place or alert.subject
    where = "" if place in alert.title_vi else f" tại {place}"
    log.log(level, "alerts: %s – %s%s – %s%s – %s%s [%s]", SEVERITY_WORDS[alert.severity][0], act_vi, who,
            alert.title_vi, where, value_line(alert) or "không có giá trị",
            f" – {transition.note}" if transition.note else "", alert.id)
