"""The HTTP and SMTP channels to a person: Zalo ZNS template messages (POST with the access_token header: phone,
template_id, template_data, tracking_id; `error` 0 is success), Telegram Bot API sendMessage to the person's chat,
and e-mail. Each `submit` is one attempt; the sender thread retries."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage

import requests

from alerts.deliveries import Delivery, DeliveryStatus, Outcome, PersonMessage
from alerts.duty_settings import EmailConfig, TelegramDirectConfig, ZnsConfig


def zns_phone(number: str) -> str:
    """A Vietnamese number as ZNS wants it: international form without '+' (0912345678 → 84912345678)."""
    digits = number.lstrip("+")
    return "84" + digits[1:] if digits.startswith("0") else digits


class _Http:
    channel = ""

    def __init__(self, retries: int, backoff_s: float, timeout_s: float) -> None:
        self.retries, self.backoff_s, self.timeout_s = retries, backoff_s, timeout_s
        self._session = requests.Session()

    def _post(self, url: str, body: dict, headers: dict[str, str] | None = None) -> requests.Response | str:
        try:  # never follow a redirect: it would resend the token to another host
            return self._session.post(url, json=body, headers=headers or {}, timeout=self.timeout_s,
                                      allow_redirects=False)
        except requests.RequestException as exc:
            return type(exc).__name__

    def poll(self, pending: list[Delivery], now: datetime) -> list[tuple[Delivery, Outcome]]:
        return []


class ZnsChannel(_Http):
    """Zalo Notification Service template messages to a phone number."""

    channel = "zns"

    def __init__(self, cfg: ZnsConfig) -> None:
        super().__init__(cfg.retries, cfg.backoff_s, cfg.timeout_s)
        self.cfg = cfg

    def submit(self, message: PersonMessage) -> Outcome:
        body = {"phone": zns_phone(message.address), "template_id": self.cfg.template_id,
                "template_data": message.data, "tracking_id": f"{message.alert_id}:{message.username}"[:48]}
        resp = self._post(str(self.cfg.url), body, {"access_token": self.cfg.access_token})
        if isinstance(resp, str):
            return Outcome(DeliveryStatus.FAILED, f"ZNS: {resp}")
        if resp.status_code >= 300:
            return Outcome(DeliveryStatus.FAILED, f"ZNS: HTTP {resp.status_code}")
        try:
            answer = resp.json()
        except ValueError:
            return Outcome(DeliveryStatus.FAILED, "ZNS: the answer is not JSON")
        if answer.get("error") != 0:
            return Outcome(DeliveryStatus.FAILED, f"ZNS error {answer.get('error')}: {answer.get('message', '')}")
        msg_id = str((answer.get("data") or {}).get("msg_id") or "") or None
        return Outcome(DeliveryStatus.SENT, "ZNS: accepted", msg_id)


class TelegramDirect(_Http):
    """A Telegram Bot API sendMessage to the person's own chat."""

    channel = "telegram"

    def __init__(self, cfg: TelegramDirectConfig) -> None:
        super().__init__(cfg.retries, cfg.backoff_s, cfg.timeout_s)
        self.url = str(cfg.url)

    def submit(self, message: PersonMessage) -> Outcome:
        resp = self._post(self.url, {"chat_id": message.address, "text": message.text,
                                     "disable_web_page_preview": True})
        if isinstance(resp, str):
            return Outcome(DeliveryStatus.FAILED, f"Telegram: {resp}")
        if resp.status_code >= 300:
            return Outcome(DeliveryStatus.FAILED, f"Telegram: HTTP {resp.status_code}")
        return Outcome(DeliveryStatus.SENT, "Telegram: accepted")


class EmailDirect:
    """E-mail to the person through SMTP."""

    channel = "email"

    def __init__(self, cfg: EmailConfig) -> None:
        self.cfg = cfg
        self.retries, self.backoff_s = cfg.retries, cfg.backoff_s

    def submit(self, message: PersonMessage) -> Outcome:
        mail = EmailMessage()
        mail["From"], mail["To"] = self.cfg.sender, message.address
        mail["Subject"] = message.subject or message.text.splitlines()[0]
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.cfg.smtp_host, self.cfg.smtp_port, timeout=self.cfg.timeout_s) as smtp:
                if self.cfg.starttls:
                    smtp.starttls()
                if self.cfg.username:
                    smtp.login(self.cfg.username, self.cfg.password)
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome(DeliveryStatus.FAILED, f"SMTP: {type(exc).__name__}: {exc}"[:200])
        return Outcome(DeliveryStatus.SENT, "SMTP: accepted")

    def poll(self, pending: list[Delivery], now: datetime) -> list[tuple[Delivery, Outcome]]:
        return []
