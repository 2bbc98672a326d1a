"""The channels to people and their delivery records: gammu-smsd's folders (sent, and a message the daemon never
sends), the ZNS API refusing a token (retried, then failed with Zalo's reason), e-mail through a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from alerts.deliveries import DeliveryStatus, DeliveryStore, PersonMessage, Sender
from alerts.duty_settings import EmailConfig, SmsConfig, ZnsConfig
from alerts.person_channels import EmailDirect, ZnsChannel, zns_phone
from alerts.sms import GammuSms, fit, smsd_folders
from tests.alerts.duty_servers import SmsDaemon, ZnsServer
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration

TEXT = "Xã Quảng Thọ – BÁO ĐỘNG KHẨN CẤP\nBáo động III tại Cầu Phò Nam\nTiếp nhận: http://coc.test/p/abc"


def message(channel: str, address: str, data: dict[str, str] | None = None) -> PersonMessage:
    return PersonMessage("a1", "trucban", channel, address, TEXT, "Báo động", data or {})


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = DeliveryStore(tmp_path / "state.sqlite")
    yield s
    s.close()


def run(sender: Sender) -> Sender:
    sender.poll_s = 0.1
    sender.start()
    return sender


def test_an_sms_is_sent_by_gammu_smsd_and_recorded_sent(tmp_path: Path, store: DeliveryStore) -> None:
    smsd = SmsDaemon(tmp_path / "gammu").start()
    sender = run(Sender(GammuSms(SmsConfig(enabled=True, smsd_config=str(smsd.config))), store))
    try:
        sender.send(message("sms", "0912345678"))
        wait_until(lambda: store.list()[0].status is DeliveryStatus.SENT, "SMS recorded as sent")
        record = store.list()[0]
        assert record.attempts == 1 and record.external_id and record.reason == "gammu-smsd: sent"
        assert smsd.sent()[0]["text"] == TEXT and smsd.sent()[0]["number"] == "0912345678"
    finally:
        sender.stop()
        smsd.stop()


def test_an_sms_the_daemon_never_sends_is_retried_then_failed_with_the_reason(tmp_path: Path,
                                                                             store: DeliveryStore) -> None:
    smsd = SmsDaemon(tmp_path / "gammu")  # configured, not started: the modem is away
    cfg = SmsConfig(enabled=True, smsd_config=str(smsd.config), send_timeout_s=0.5, retries=1, backoff_s=0)
    sender = run(Sender(GammuSms(cfg), store))
    try:
        sender.send(message("sms", "0912345678"))
        wait_until(lambda: store.list()[0].status is DeliveryStatus.FAILED, "SMS recorded as failed")
        record = store.list()[0]
        assert record.attempts == 2 and "not sent within 0.5 s" in record.reason
        assert list((tmp_path / "gammu" / "outbox").iterdir()) == []  # no late send after the failure
    finally:
        sender.stop()


def test_smsd_folders_come_from_its_configuration_and_a_shared_sent_folder_is_refused(tmp_path: Path) -> None:
    smsd = SmsDaemon(tmp_path / "gammu")
    folders = smsd_folders(smsd.config)
    assert folders.outbox == tmp_path / "gammu" / "outbox" and folders.sent == tmp_path / "gammu" / "sent"
    shared = tmp_path / "shared.rc"
    shared.write_text("[smsd]\noutboxpath = /x/\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sentsmspath"):
        smsd_folders(shared)


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("ngắn\nhttp://l", 300, "ngắn\nhttp://l"),
    ("a" * 50 + "\nhttp://link", 30, "a" * 17 + "…\nhttp://link"),
])
def test_a_long_sms_is_cut_keeping_its_link(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected and len(fit(text, limit)) <= limit


def test_zns_sends_the_template_and_a_refused_token_is_retried_then_failed(store: DeliveryStore) -> None:
    with ZnsServer("good-token") as zns:
        good = run(Sender(ZnsChannel(ZnsConfig(enabled=True, url=zns.url, access_token="good-token",
                                               template_id="299999")), store))
        bad = run(Sender(ZnsChannel(ZnsConfig(enabled=True, url=zns.url, access_token="old-token",
                                              template_id="299999", retries=2, backoff_s=0)), store))
        try:
            ok_id = good.send(message("zns", "0912345678", {"ten": "Nguyễn Văn An"}))
            bad_id = bad.send(message("zns", "0987654321"))
            wait_until(lambda: {d.id: d.status for d in store.list()} == {
                ok_id: DeliveryStatus.SENT, bad_id: DeliveryStatus.FAILED}, "both settled")
        finally:
            good.stop()
            bad.stop()
    records = {d.id: d for d in store.list()}
    good_call = next(i for i, c in enumerate(zns.calls) if c["token_ok"])
    assert records[ok_id].external_id.startswith("zns-") and records[ok_id].attempts == 1
    assert records[bad_id].attempts == 3 and records[bad_id].reason == "ZNS error -124: Access token is invalid"
    first = zns.calls[good_call]["body"]
    assert first == {"phone": "84912345678", "template_id": "299999", "template_data": {"ten": "Nguyễn Văn An"},
                     "tracking_id": "a1:trucban"}
    assert store.counts()["zns"] == {"queued": 0, "sent": 1, "failed": 1}


@pytest.mark.parametrize(("number", "expected"), [("0912345678", "84912345678"), ("+84912345678", "84912345678"),
                                                  ("84912345678", "84912345678")])
def test_zns_phone_numbers_are_international_without_plus(number: str, expected: str) -> None:
    assert zns_phone(number) == expected


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook)
        self.messages.append(envelope.content)
        return "250 OK"


def test_an_email_to_a_person_goes_through_smtp_and_a_dead_server_fails(store: DeliveryStore) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    sender = run(Sender(EmailDirect(EmailConfig(enabled=True, smtp_host="127.0.0.1", smtp_port=port)), store))
    dead = run(Sender(EmailDirect(EmailConfig(enabled=True, smtp_host="127.0.0.1", smtp_port=free_port(),
                                              retries=0)), store))
    try:
        ok_id = sender.send(message("email", "an@example.vn"))
        dead_id = dead.send(message("email", "an@example.vn"))
        wait_until(lambda: all(d.status is not DeliveryStatus.QUEUED for d in store.list()), "both settled")
    finally:
        sender.stop()
        dead.stop()
        controller.stop()
    records = {d.id: d for d in store.list()}
    assert records[ok_id].status is DeliveryStatus.SENT and records[dead_id].status is DeliveryStatus.FAILED
    assert "ConnectionRefusedError" in records[dead_id].reason
    assert "Cầu Phò Nam".encode() in inbox.messages[0] or b"=?utf-8?" in inbox.messages[0]
    assert datetime.now(UTC) >= records[ok_id].created_at


def test_telegram_to_a_person_posts_send_message_to_their_chat(store: DeliveryStore) -> None:
    from alerts.duty_settings import TelegramDirectConfig
    from alerts.person_channels import TelegramDirect
    from tests.alerts.receivers import WebhookReceiver

    with WebhookReceiver() as bot:
        sender = run(Sender(TelegramDirect(TelegramDirectConfig(enabled=True, url=bot.url)), store))
        try:
            sender.send(message("telegram", "123456789"))
            wait_until(lambda: store.list()[0].status is DeliveryStatus.SENT, "Telegram message recorded as sent")
        finally:
            sender.stop()
    assert bot.bodies == [{"chat_id": "123456789", "text": TEXT, "disable_web_page_preview": True}]
