"""Publishing camera events and status on MQTT (paho-mqtt 2, QoS 1), like any other device."""

from __future__ import annotations

import json
import logging
import ssl

import paho.mqtt.client as mqtt

from camera.models import CameraEvent, MqttLink
from camera.runtime import event_payload

log = logging.getLogger(__name__)


class EventPublisher:
    """One MQTT connection per worker process; reconnects by itself, queues QoS 1 messages while away."""

    def __init__(self, link: MqttLink, topic_prefix: str, client_suffix: str) -> None:
        self.prefix = topic_prefix.rstrip("/")
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"{link.client_id}-{client_suffix}",
            clean_session=True,
        )
        if link.username:
            self.client.username_pw_set(link.username, link.password)
        if link.tls:
            self.client.tls_set(ca_certs=link.ca_file, certfile=link.cert_file, keyfile=link.key_file,
                                cert_reqs=ssl.CERT_REQUIRED)
            self.client.tls_insecure_set(link.tls_insecure)
        self.client.max_queued_messages_set(10000)
        self.client.reconnect_delay_set(1, 10)
        self.client.on_connect = self._on_connect
        self.link = link

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        if reason_code.is_failure:
            log.warning("camera publisher: broker refused the connection (%s)", reason_code)
        else:
            log.info("camera publisher: connected to %s:%s", self.link.host, self.link.port)

    def start(self) -> None:
        self.client.connect_async(self.link.host, self.link.port, self.link.keepalive_s)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish_event(self, event: CameraEvent) -> None:
        topic = f"{self.prefix}/camera/{event.camera_id}/event"
        self.client.publish(topic, json.dumps(event_payload(event), ensure_ascii=False), qos=1)

    def publish_status(self, camera_id: str, online: bool) -> None:
        self.client.publish(
            f"{self.prefix}/camera/{camera_id}/status", "online" if online else "offline", qos=1, retain=True
        )
