"""Channels for alert transitions: MQTT (retained while open) and webhooks behind bounded queues."""

from __future__ import annotations

import json
import logging
import queue
from collections import Counter
from typing import Any, Protocol
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import requests

from alerts.lifecycle import at_least
from alerts.messages import DEFAULT_TZ, notice, webhook_body
from alerts.models import Alert, AlertTransition
from alerts.settings import WebhookConfig
from ingest.mqtt_link import make_client
from ingest.settings import MqttConfig
from supervision.part import LoopThread

log = logging.getLogger(__name__)


class Channel(Protocol):
    """Something that receives every alert transition; `send` never blocks the caller."""

    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def send(self, alert: Alert, transition: AlertTransition) -> None: ...

    def stats(self) -> dict[str, int]: ...


def alert_payload(alert: Alert, transition: AlertTransition, timezone: str = DEFAULT_TZ) -> bytes:
    """The MQTT payload: the alert as JSON, with the transition that produced this message, the local time
    (dd/mm/yyyy HH:MM) and the Vietnamese message text."""
    return json.dumps(notice(alert, transition, timezone), ensure_ascii=False).encode()


class MqttChannel:
    """Publishes `<prefix>/alerts/<id>` at QoS 1: retained while not closed, cleared (empty) when closed."""

    name = "mqtt"

    def __init__(self, cfg: MqttConfig, topic_prefix: str, client_id: str = "coc-alerts",
                 timezone: str = DEFAULT_TZ) -> None:
        self.prefix = topic_prefix.rstrip("/")
        self.timezone = timezone
        self.counts: Counter[str] = Counter()
        self._client = make_client(cfg, client_id, persistent=True)
        self._client.max_queued_messages_set(10000)  # bounded while the broker is away; beyond it: counted
        self._client.on_connect = self._on_connect
        self._host, self._port, self._keepalive = cfg.host, cfg.port, cfg.keepalive_s

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if not reason.is_failure:
            log.info("alerts: MQTT publisher connected to %s:%s", self._host, self._port)

    def start(self) -> None:
        self._client.connect_async(self._host, self._port, self._keepalive)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    @property
    def connected(self) -> bool:
        return self._client.is_connected()

    def send(self, alert: Alert, transition: AlertTransition) -> None:
        topic = f"{self.prefix}/alerts/{alert.id}"
        if alert.active:
            self._publish(topic, alert_payload(alert, transition, self.timezone), retain=True)
        else:
            self._publish(topic, alert_payload(alert, transition, self.timezone), retain=False)
            self._publish(topic, b"", retain=True)  # clears the retained copy

    def _publish(self, topic: str, payload: bytes, retain: bool) -> None:
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        if info.rc in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):  # NO_CONN: queued, sent on reconnect
            self.counts["sent"] += 1
        else:
            self.counts["failed"] += 1
            log.warning("alerts: MQTT publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def stats(self) -> dict[str, int]:
        return {"sent": self.counts["sent"], "failed": self.counts["failed"], "dropped": 0}


class WebhookChannel(LoopThread):
    """POSTs a JSON body per transition from its own thread: bounded queue (drops counted), retries."""

    interval_s = 0.0

    def __init__(self, cfg: WebhookConfig, queue_size: int = 1000, language: str = "vi",
                 timezone: str = DEFAULT_TZ) -> None:
        super().__init__()
        self.cfg = cfg
        self.timezone = timezone
        self.name = f"webhook:{cfg.name}"
        self.language = language
        self.counts: Counter[str] = Counter()
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=queue_size)
        self._session = requests.Session()

    def stop(self, timeout_s: float = 2.0) -> None:
        super().stop(timeout_s)  # a hung endpoint must not hold up COC's shutdown (daemon thread)
        self._session.close()

    def alive(self) -> bool:
        return self.thread_alive()

    def send(self, alert: Alert, transition: AlertTransition) -> None:
        if not at_least(alert.severity, self.cfg.min_severity):
            return
        try:
            self._queue.put_nowait(webhook_body(self.cfg, alert, transition, self.language, self.timezone))
        except queue.Full:
            self.counts["dropped"] += 1
            if self.counts["dropped"] == 1 or self.counts["dropped"] % 100 == 0:
                log.warning("alerts: %s queue full, %d messages dropped", self.name, self.counts["dropped"])

    def turn(self) -> None:
        try:
            body = self._queue.get(timeout=0.2)
        except queue.Empty:
            return
        if self._deliver(body):
            self.counts["sent"] += 1
        else:
            self.counts["failed"] += 1

    def _deliver(self, body: dict[str, Any]) -> bool:
        """One message with its retries; False when every attempt failed (or COC is stopping)."""
        for attempt in range(self.cfg.retries + 1):
            if attempt and self.wait(self.cfg.backoff_s * 2 ** (attempt - 1)):
                return False
            try:  # never follow a redirect: it would resend the body and the token headers to another host
                resp = self._session.post(str(self.cfg.url), json=body, headers=self.cfg.headers,
                                          timeout=self.cfg.timeout_s, allow_redirects=False)
                if resp.status_code < 300:
                    return True
                if resp.status_code < 400:  # 3xx
                    self.counts["redirects_refused"] += 1
                    log.warning("alerts: %s not delivered: %s", self.name, redirect_reason(resp))
                    return False  # a redirect is a configuration mistake, not an outage: no retry
                reason = f"HTTP {resp.status_code}"
            except requests.RequestException as exc:
                reason = type(exc).__name__
            self.counts["attempts_failed"] += 1
            log.debug("alerts: %s attempt %d failed: %s", self.name, attempt + 1, reason)
        log.warning("alerts: %s gave up on a message after %d attempts", self.name, self.cfg.retries + 1)
        return False

    def pending(self) -> int:
        return self._queue.qsize()

    def stats(self) -> dict[str, int]:
        return {key: self.counts[key] for key in ("sent", "failed", "dropped")}


def redirect_reason(resp: requests.Response) -> str:
    """Why a 3xx answer is a failed delivery, naming where it pointed (host and port only, never credentials)."""
    target = urlsplit(resp.headers.get("Location", ""))
    where = f"{target.hostname}:{target.port}" if target.port else (target.hostname or "the same host")
    return (f"HTTP {resp.status_code} redirect to {where} refused (webhooks never follow redirects, so the "
            "message and its token go nowhere else); fix: set the webhook url to the final address")


class Fanout:
    """Every channel gets every transition; a failing channel never stops the others or the caller."""

    def __init__(self, channels: list[Channel]) -> None:
        self.channels = channels

    def start(self) -> None:
        for channel in self.channels:
            channel.start()

    def stop(self) -> None:
        for channel in self.channels:
            channel.stop()

    def send(self, alert: Alert, transition: AlertTransition) -> None:
        for channel in self.channels:
            try:
                channel.send(alert, transition)
            except Exception:  # noqa: BLE001 - a channel bug must not break ingest
                log.exception("alerts: channel %s failed", channel.name)

    def stats(self) -> dict[str, dict[str, int]]:
        return {channel.name: channel.stats() for channel in self.channels}
