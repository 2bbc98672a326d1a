"""Integration with a real Mosquitto: readings in → alert out on MQTT, in the API and at a webhook."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.models import CameraEvent, EventType
from configfile.loader import parse_config
from dashboard.app import create_server
from dashboard.context import AppContext
from ingest.live_state import LiveState
from sensors.models import Reading
from tests.alerts.receivers import BlackHole, WebhookReceiver
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration

CONFIG = Path(__file__).resolve().parent.parent / "fixtures" / "alerts" / "config.yaml"
PREFIX = "coc/quang-tho"
TOKENS = {role: f"{role}-token-0123456789" for role in ("admin", "operator", "police", "leader")}


def config_for(tmp_path: Path, port: int, alerts_yaml: str = "") -> Any:
    text = CONFIG.read_text(encoding="utf-8") + alerts_yaml
    return parse_config(text, "alerts.yaml", environ={"DIR": str(tmp_path), "PORT": str(port)})


class Subscriber:
    """Collects (topic, payload, retain) from `<prefix>/alerts/#`."""

    def __init__(self, port: int) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []
        self.ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
        self.client.on_connect = lambda c, *_: c.subscribe(f"{PREFIX}/alerts/#", qos=1)
        self.client.on_subscribe = lambda *_: self.ready.set()
        self.client.on_message = lambda _c, _u, m: self.messages.append((m.topic, m.payload, bool(m.retain)))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.ready.wait(10), "subscriber did not subscribe"

    def of(self, alert_id: str) -> list[tuple[bytes, bool]]:
        return [(p, r) for t, p, r in list(self.messages) if t == f"{PREFIX}/alerts/{alert_id}"]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def call(client: Any, method: str, path: str, role: str | None, body: dict | None = None) -> Any:
    headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
    return getattr(client, method)(path, headers=headers, json=body)


def test_alerts_flow_to_mqtt_api_and_webhook_with_roles(tmp_path: Path, mosquitto: Any) -> None:
    with WebhookReceiver() as hook:
        config = config_for(tmp_path, mosquitto.port,
                            f"alerts:\n  notifications:\n    webhooks: [{{name: hook, url: '{hook.url}'}}]\n")
        live = LiveState(config.sensors)
        service = AlertService(AlertSections.of(config), PREFIX, config.mqtt, config.storage.state_path, live)
        sub = Subscriber(mosquitto.port)
        service.start()
        try:
            api = create_server(AppContext(config=config, alerts=service)).test_client()
            _exercise(service, sub, api, mosquitto.port)
            audit = [t for a in service.list("all") for t in service.get(a.id).history
                     if t.action != "peak"]  # the peak step is audited with the close, not sent by itself
            wait_until(lambda: len(hook.bodies) == len(audit), "every transition at the webhook")
            seen = sorted((b["transition"]["alert_id"], b["transition"]["action"], b["transition"]["at"])
                          for b in hook.bodies)
            assert seen == sorted((t.alert_id, t.action.value, t.to_json()["at"]) for t in audit)
            assert service.metrics()["coc_alert_notifications_failed_total"] == 0
        finally:
            service.stop()
            sub.close()


def _exercise(service: AlertService, sub: Subscriber, api: Any, port: int) -> None:
    now = datetime.now(UTC)
    service.on_readings([Reading("flood-01", "flood", now, {"water_level_cm": 260.0})])
    service.on_camera_event(CameraEvent("cam-01", now, EventType.INTRUSION, zone="Sân UBND", score=0.9))
    flood_alert = service.list(source="flood")[0]
    cam_alert = service.list(source="camera")[0]
    wait_until(lambda: sub.of(flood_alert.id) and sub.of(cam_alert.id), "alerts on MQTT")
    payload, retained = sub.of(flood_alert.id)[0]
    doc = json.loads(payload)
    assert (doc["status"], doc["severity"], doc["subject"]) == ("open", "major", "flood-01")
    assert doc["transition"]["action"] == "opened"

    assert call(api, "get", "/api/alerts", None).status_code == 401
    listed = call(api, "get", "/api/alerts?status=open", "leader").json["alerts"]
    assert [a["id"] for a in listed] == [cam_alert.id, flood_alert.id]  # newest first
    assert call(api, "get", "/api/alerts?source=flood&severity=major", "police").json["count"] == 1
    assert call(api, "get", "/api/alerts?status=bogus", "admin").status_code == 400

    ack = f"/api/alerts/{flood_alert.id}/ack"
    assert call(api, "post", ack, "leader", {"note": "x"}).status_code == 403
    assert call(api, "post", ack, "police", {"note": "x"}).status_code == 403  # not a camera alert
    assert call(api, "post", f"/api/alerts/{cam_alert.id}/ack", "leader").status_code == 403
    resp = call(api, "post", f"/api/alerts/{cam_alert.id}/ack", "police", {"note": "Đã xem camera"})
    assert resp.status_code == 200 and resp.json["alert"]["acknowledged_by"] == "congan"
    resp = call(api, "post", ack, "operator", {"note": "Đã báo trưởng thôn"})
    assert resp.status_code == 200 and resp.json["alert"]["status"] == "acknowledged"
    resolve = f"/api/alerts/{flood_alert.id}/resolve"
    assert call(api, "post", resolve, "admin", {"note": "Nước rút"}).status_code == 200
    assert call(api, "post", ack, "operator", {"note": "late"}).status_code == 409
    assert call(api, "post", "/api/alerts/nope/ack", "admin").status_code == 404

    detail = call(api, "get", f"/api/alerts/{flood_alert.id}", "leader").json
    assert [h["action"] for h in detail["history"]] == ["opened", "acknowledged", "peak", "resolved"]
    assert detail["history"][1]["actor"] == "vanhanh" and detail["history"][3]["note"] == "Nước rút"
    assert detail["history"][2]["value"] == 260

    wait_until(lambda: len(sub.of(flood_alert.id)) == 4, "flood alert: opened, acked, resolved, cleared")
    last_json, last_retained = sub.of(flood_alert.id)[2]
    assert json.loads(last_json)["status"] == "closed" and not last_retained
    assert sub.of(flood_alert.id)[3][0] == b""  # the empty retained message that clears it

    late = Subscriber(port)  # a new subscriber gets only what is still open, as retained copies
    try:
        wait_until(lambda: late.of(cam_alert.id), "retained camera alert")
        time.sleep(0.3)  # let any other retained message arrive before checking there is none
        assert late.of(flood_alert.id) == []
        assert json.loads(late.of(cam_alert.id)[0][0])["status"] == "acknowledged"
        assert late.of(cam_alert.id)[0][1] is True
    finally:
        late.close()


def test_a_dead_webhook_never_slows_ingest(tmp_path: Path) -> None:
    hole = BlackHole()
    refused = f"http://127.0.0.1:{free_port()}/hook"
    hooks = (f"alerts:\n  notifications:\n    queue_size: 5\n    webhooks:\n"
             f"      - {{name: hung, url: '{hole.url}', timeout_s: 30, retries: 5, backoff_s: 5}}\n"
             f"      - {{name: refused, url: '{refused}', retries: 1, backoff_s: 0.01}}\n")
    config = config_for(tmp_path, free_port(), hooks)
    service = AlertService(AlertSections.of(config), PREFIX, None, config.storage.state_path, LiveState(config.sensors))
    service.start(tick=False)
    done = []

    def feed() -> None:  # battery flipping low / fine: every call is a transition for every channel
        for i in range(200):
            volts = 3.2 if i % 2 == 0 else 3.9
            service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"battery_v": volts})])
            done.append(i)

    try:
        worker = threading.Thread(target=feed)
        worker.start()
        worker.join(timeout=120)
        assert not worker.is_alive() and len(done) == 200  # all 200 batches went through while the hook hangs
        stats = service.channel_stats()
        assert stats["webhook:hung"]["sent"] == 0
        assert stats["webhook:hung"]["dropped"] >= 200 - 5 - 1  # queue of 5, one message in flight
        wait_until(lambda: service.channel_stats()["webhook:refused"]["failed"] >= 1, "refused hook failure "
            "counted")
        assert service.metrics()["coc_alert_notifications_failed_total"] >= 1
        assert service.metrics()["coc_alert_notifications_dropped_total"] >= 194
        (alert,) = service.list("all")  # nobody acknowledged: one alarm cleared and raised again 100 times
        assert alert.raises == 100 and alert.chattering
    finally:
        hole.close()
        service.stop()
