"""What a person is sent when a chain calls them: Vietnamese first, the commune's local time (dd/mm/yyyy HH:MM),
the alarm, its peak and now, the action text and the phone link; ZNS gets the same as template data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alerts.messages import SEVERITY_WORDS, local_time, value_line
from alerts.models import Alert

ZNS_FIELD_CHARS = 100


@dataclass(frozen=True, slots=True)
class CallContext:
    """Everything a message to one person says besides the alarm itself."""

    commune: str
    person_name: str
    post_vi: str
    post_en: str
    step: int  # 1-based
    steps: int
    link: str
    action_vi: str
    action_en: str
    at: datetime
    timezone: str


def person_text(alert: Alert, call: CallContext, english: bool = False) -> str:
    """The SMS / Telegram / e-mail text: Vietnamese lines, the link last (English after it when asked)."""
    sev_vi, sev_en = SEVERITY_WORDS[alert.severity]
    when = local_time(call.at, call.timezone)
    lines = [f"{call.commune} – BÁO ĐỘNG {sev_vi.upper()}", alert.title_vi]
    if value_line(alert, "vi"):
        lines.append(value_line(alert, "vi"))
    lines.append(f"{when} · bậc {call.step}/{call.steps}: {call.post_vi}")
    if call.action_vi:  # last before the link: an SMS cut to its length loses the end of the action first
        lines.append(f"Việc cần làm: {call.action_vi}")
    if english:
        lines += ["", f"ALARM {sev_en.upper()}: {alert.title_en}"]
        if value_line(alert, "en"):
            lines.append(value_line(alert, "en"))
        if call.action_en:
            lines.append(f"Action: {call.action_en}")
        lines.append(f"{when} · step {call.step}/{call.steps}: {call.post_en or call.post_vi}")
    lines.append(f"Tiếp nhận / acknowledge: {call.link}" if english else f"Tiếp nhận: {call.link}")
    return "\n".join(lines)


def person_subject(alert: Alert, call: CallContext) -> str:
    return f"[{call.commune}] BÁO ĐỘNG {SEVERITY_WORDS[alert.severity][0].upper()}: {alert.title_vi}"


def zns_data(alert: Alert, call: CallContext) -> dict[str, str]:
    """The ZNS template's parameters (each cut to 100 characters; names listed in README)."""
    values = {
        "ten": call.person_name,
        "canh_bao": alert.title_vi,
        "muc_do": SEVERITY_WORDS[alert.severity][0],
        "gia_tri": value_line(alert, "vi") or "–",
        "viec_can_lam": call.action_vi or "–",
        "thoi_gian": local_time(call.at, call.timezone),
        "buoc": f"{call.step}/{call.steps} {call.post_vi}",
        "lien_ket": call.link,
    }
    return {k: v if k == "lien_ket" else v[:ZNS_FIELD_CHARS] for k, v in values.items()}


def stand_down_text(alert: Alert, commune: str, who: str, at: datetime, note: str | None, timezone: str) -> str:
    """Told to the people already called once someone acknowledged: the chain stops."""
    lines = [f"{commune} – ĐÃ TIẾP NHẬN", alert.title_vi, f"{who} tiếp nhận lúc {local_time(at, timezone)}"]
    if note:
        lines.append(note)
    return "\n".join(lines)
