"""Webhook bodies: plain JSON, Telegram sendMessage and Zalo OA text, Vietnamese first."""

from __future__ import annotations

from alerts.lifecycle import acknowledge, open_alert
from alerts.messages import message_text, webhook_body
from alerts.models import Severity, Signal, Source
from alerts.settings import WebhookConfig
from tests.alerts.conftest import T0

SIGNAL = Signal("flood_level", Source.FLOOD, "flood-01", True, Severity.CRITICAL,
                "Báo động III tại Cầu Phò Nam: mực nước 360 cm", "Flood alarm level III at Cầu Phò Nam: "
                    "water 360 cm")


def test_json_body_is_the_alert_and_its_transition() -> None:
    alert, transition = open_alert("a1", SIGNAL, T0)
    body = webhook_body(WebhookConfig(name="h", url="http://x/"), alert, transition, "both")
    assert body["alert"]["id"] == "a1" and body["alert"]["severity"] == "critical"
    assert body["transition"] == {"alert_id": "a1", "action": "opened", "at": "2025-10-28T01:00:00Z",
                                  "status": "open", "severity": "critical", "actor": "system", "role": None,
                                  "note": None}


def test_telegram_and_zalo_bodies_carry_the_text() -> None:
    alert, _ = open_alert("a1", SIGNAL, T0)
    acked, transition = acknowledge(alert, T0, "vanhanh", "operator", "Đã sơ tán")
    telegram = WebhookConfig(name="t", url="http://x/", format="telegram", chat_id="-100")
    tg = webhook_body(telegram, acked, transition, "both")
    assert tg["chat_id"] == "-100"
    lines = tg["text"].splitlines()
    assert lines[0].startswith("🔴 [Khẩn cấp] Đã tiếp nhận – vanhanh: Báo động III")
    assert lines[1].startswith("🔴 [Critical] Acknowledged – vanhanh: Flood alarm level III")
    assert lines[-1] == "Đã sơ tán"
    zalo_cfg = WebhookConfig(name="z", url="http://x/", format="zalo", user_id="42")
    zalo = webhook_body(zalo_cfg, acked, transition, "vi")
    assert zalo["recipient"] == {"user_id": "42"} and "Flood" not in zalo["message"]["text"]


def test_english_only_text() -> None:
    alert, transition = open_alert("a1", SIGNAL, T0)
    assert message_text(alert, transition, "en").startswith("🔴 [Critical] New alert: Flood alarm level III")
