"""Notification texts and webhook bodies: Vietnamese first, local time dd/mm/yyyy HH:MM, peak and current value,
the service log line of every critical alarm, and the timeline's notes in the reader's language."""

from __future__ import annotations

import logging

import pytest

from alerts.lifecycle import acknowledge, on_active, open_alert
from alerts.messages import log_transition, message_text, number_text, step_note, webhook_body
from alerts.models import Severity, Signal, Source
from alerts.settings import WebhookConfig
from tests.alerts.conftest import T0

SIGNAL = Signal("flood_level", Source.FLOOD, "flood-01", True, Severity.CRITICAL,
                "Báo động III tại Cầu Phò Nam: mực nước 360 cm", "Flood alarm level III at Cầu Phò Nam: "
                    "water 360 cm", "Mực nước 360 cm, vạch báo động III 350 cm", 360.0, unit="cm",
                place="Cầu Phò Nam")


def test_json_body_is_the_alert_its_transition_and_the_local_time() -> None:
    alert, (transition,) = open_alert("a1", SIGNAL, T0)
    body = webhook_body(WebhookConfig(name="h", url="http://x/"), alert, transition, "vi")
    assert body["alert"]["id"] == "a1" and body["alert"]["severity"] == "critical"
    assert body["alert"]["state"] == "active_unacknowledged" and body["alert"]["peak_value"] == 360
    assert body["transition"] == {"alert_id": "a1", "action": "opened", "at": "2025-10-28T01:00:00Z",
                                  "status": "open", "severity": "critical", "actor": "system", "role": None,
                                  "note": None, "value": 360.0}
    assert body["local_time"] == "28/10/2025 08:00"  # UTC+7
    assert body["message"].startswith("🔴 [Khẩn cấp] Báo động mới: Báo động III tại Cầu Phò Nam")


def test_telegram_and_zalo_bodies_carry_the_text() -> None:
    alert, _ = open_alert("a1", SIGNAL, T0)
    lower = Signal("flood_level", Source.FLOOD, "flood-01", True, Severity.WARNING, "Báo động I", "Level I",
                   value=1297.5, unit="cm")
    alert, _ = on_active(alert, lower, T0)
    acked, (transition,) = acknowledge(alert, T0, "vanhanh", "operator", "Đã sơ tán")
    telegram = WebhookConfig(name="t", url="http://x/", format="telegram", chat_id="-100")
    tg = webhook_body(telegram, acked, transition, "both")
    assert tg["chat_id"] == "-100"
    lines = tg["text"].splitlines()
    assert lines[0] == "🔴 [Khẩn cấp] Đã tiếp nhận – vanhanh: Báo động III tại Cầu Phò Nam: mực nước 360 cm"
    assert lines[1].startswith("🔴 [Critical] Acknowledged – vanhanh: Flood alarm level III")
    assert lines[2] == "Đỉnh 360 cm · hiện tại 1.297,5 cm"
    assert lines[3] == "28/10/2025 08:00 · a1" and lines[-1] == "Đã sơ tán"
    zalo_cfg = WebhookConfig(name="z", url="http://x/", format="zalo", user_id="42")
    zalo = webhook_body(zalo_cfg, acked, transition, "vi")
    assert zalo["recipient"] == {"user_id": "42"} and "Flood" not in zalo["message"]["text"]


def test_english_only_text() -> None:
    alert, (transition,) = open_alert("a1", SIGNAL, T0)
    text = message_text(alert, transition, "en")
    assert text.startswith("🔴 [Critical] New alarm: Flood alarm level III") and "Peak 360 cm · now 360 cm" in text


def test_numbers_the_vietnamese_way() -> None:
    assert [number_text(v) for v in (12.5, 1297, 54.44, 350.0, None)] == ["12,5", "1.297", "54,4", "350", "–"]
    assert number_text(1297.5, "en") == "1,297.5"


def test_every_critical_alarm_is_in_the_service_log(caplog) -> None:
    log = logging.getLogger("alerts.test")
    alert, (opened,) = open_alert("a1", SIGNAL, T0)
    acked, (ack,) = acknowledge(alert, T0, "vanhanh", "operator", "Đã sơ tán")
    with caplog.at_level(logging.INFO, logger="alerts.test"):
        log_transition(log, alert, opened)
        log_transition(log, acked, ack)
    first, second = caplog.records
    assert first.levelno == logging.ERROR and second.levelno == logging.WARNING
    assert "Cầu Phò Nam" in first.getMessage() and "Đỉnh 360 cm" in first.getMessage()
    assert "Đã tiếp nhận (vanhanh)" in second.getMessage() and "Đã sơ tán" in second.getMessage()


@pytest.mark.parametrize(("note", "lang", "shown"), [
    ("warning → major", "vi", "Cảnh báo → Nghiêm trọng"),
    ("major → critical", "en", "Major → Critical"),
    ("hết thời gian tạm ẩn", "en", "shelving time over"),
    ("báo động dao động: nâng lại 4 lần", "en", "chattering alarm: raised again 4 times"),
    ("Đã cử tổ xung kích (30 phút)", "en", "Đã cử tổ xung kích (30 min)"),  # a person's words stay theirs
    ("Đã cử tổ xung kích (30 phút)", "vi", "Đã cử tổ xung kích (30 phút)"),
    (None, "vi", ""),
])
def test_timeline_notes_in_the_readers_language(note, lang, shown) -> None:  # noqa: ANN001
    assert step_note(note, lang) == shown
