"""The shipped broker ACL (config/mosquitto.acl) on a real Mosquitto with a password file: a device publishes
only its own topics and cannot subscribe to everything; COC's user receives everything."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.polling import wait_until
from tests.servers import PRODUCTION_MOSQUITTO_CONF, ROOT, Mosquitto

ACL = ROOT / "config" / "mosquitto.acl"
PASSWORDS = {"coc-ingest": "coc-mat-khau-0123", "pam-qt-01": "pam-mat-khau-0123", "flood-01": "flood-mat-khau-0123"}
PREFIX = "coc/quang-tho"


@dataclass
class SecuredMosquitto(Mosquitto):
    """The test broker with no anonymous access, a password file made by mosquitto_passwd and the shipped ACL."""

    passwords: Path = field(default_factory=Path)

    def write_conf(self) -> None:
        super().write_conf()
        conf = self.conf_path.read_text().replace("allow_anonymous true", "allow_anonymous false")
        self.conf_path.write_text(conf + f"password_file {self.passwords}\nacl_file {ACL}\n")


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[SecuredMosquitto]:
    passwords = tmp_path / "coc.passwd"
    for i, (user, password) in enumerate(PASSWORDS.items()):
        subprocess.run(["mosquitto_passwd", *(["-c"] if i == 0 else []), "-b", str(passwords), user, password],
                       check=True, capture_output=True, timeout=30)
    passwords.chmod(0o600)
    server = SecuredMosquitto(tmp_path / "broker", passwords=passwords).start()
    yield server
    server.stop()


class Client:
    """A paho client logged in as one user; records received messages and SUBACK reason codes."""

    def __init__(self, port: int, user: str, password: str | None = None) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.suback: list[int] = []
        self.connected, self.subscribed = threading.Event(), threading.Event()
        self.reason: object = None
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-{user}", protocol=mqtt.MQTTv311)
        self.client.username_pw_set(user, PASSWORDS.get(user) if password is None else password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda _c, _u, m: self.messages.append((m.topic, m.payload))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_connect(self, _c: object, _u: object, _f: object, reason: object, _p: object) -> None:
        self.reason = reason
        self.connected.set()

    def _on_subscribe(self, _c: object, _u: object, _mid: int, reasons: list, _p: object) -> None:
        self.suback = [r.value for r in reasons]
        self.subscribed.set()

    def subscribe(self, topic: str) -> list[int]:
        self.subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self.subscribed.wait(10), "no SUBACK"
        return self.suback

    def publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def topics(self) -> list[str]:
        return [t for t, _ in list(self.messages)]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_the_production_conf_names_the_acl_and_the_password_file() -> None:
    lines = [line.split() for line in PRODUCTION_MOSQUITTO_CONF.read_text().splitlines() if line.strip()]
    assert ["acl_file", "/etc/mosquitto/coc.acl"] in lines and ["allow_anonymous", "false"] in lines
    assert ["password_file", "/etc/mosquitto/coc.passwd"] in lines


def test_devices_publish_only_their_own_topics_and_only_coc_reads_everything(broker: SecuredMosquitto) -> None:
    coc, device, other = (Client(broker.port, user) for user in ("coc-ingest", "pam-qt-01", "flood-01"))
    try:
        for client in (coc, device, other):
            assert client.connected.wait(10) and not client.reason.is_failure
        assert coc.subscribe("coc/#") == [1]
        device.subscribe("coc/#")  # Mosquitto's ACL file answers the SUBACK, then delivers only what it may read
        forged = [f"{PREFIX}/flood/flood-01/state", f"{PREFIX}/air/pam-qt-02/state", f"{PREFIX}/alerts/fake",
                  f"{PREFIX}/camera/cam-01/event", "coc/other-commune/air/x/state", "elsewhere/x"]
        for topic in forged:
            device.publish(topic, b'{"water_level_cm": 999}')
        own = [f"{PREFIX}/air/pam-qt-01/state", f"{PREFIX}/air/pam-qt-01/status"]
        for topic in own:
            device.publish(topic, b'{"pm25": 12}')
        other.publish(f"{PREFIX}/flood/flood-01/state", b'{"water_level_cm": 120}')
        coc.publish(f"{PREFIX}/alerts/a-1", b'{"id": "a-1"}')  # COC itself may publish anywhere under coc/
        expected = [*own, f"{PREFIX}/flood/flood-01/state", f"{PREFIX}/alerts/a-1"]
        # a client's messages arrive in order: once its last own message is in, the forged ones were dropped
        wait_until(lambda: all(t in coc.topics() for t in expected), "every allowed message at COC")
        assert sorted(coc.topics()) == sorted(expected)
        assert [p for t, p in coc.messages if t == f"{PREFIX}/flood/flood-01/state"] == [b'{"water_level_cm": 120}']
        device.subscribe(f"{PREFIX}/air/pam-qt-01/state")  # a round trip: anything queued for it came before
        assert device.messages == []  # subscribed to coc/#, received nothing: devices read no topic
    finally:
        for client in (coc, device, other):
            client.close()


@pytest.mark.parametrize(("user", "password"), [("pam-qt-01", "sai"), ("khong-co", "x"), ("", "")])
def test_wrong_or_missing_credentials_are_refused(broker: SecuredMosquitto, user: str, password: str) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
    if user:
        client.username_pw_set(user, password)
    refused = threading.Event()
    client.on_connect = lambda _c, _u, _f, reason, _p: reason.is_failure and refused.set()
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        assert refused.wait(10)
    finally:
        client.disconnect()
        client.loop_stop()
