"""A coordinated power cut of the province cluster (tests/faults/powercut.py): the three NATS nodes of
config/nats-province.conf keep their stores on three disks of one rig, and the power goes for all three at the same
instant (every node SIGKILLed, each disk copied as its device held it, e2fsck, the nodes started again on the
copies) while a commune's bridge user publishes numbered readings at QoS 1 into the cluster's MQTT listener (TLS).
The province ingest is away meanwhile (it made the stream and its consumer, then stopped), so at the cut what was
acknowledged is only in the cluster's stores. Started again after the restart, it writes to InfluxDB every reading
the cluster acknowledged (PUBACK) before the cut, none twice; the device sends again what was not acknowledged, and
the whole stream arrives. With NATS' default `sync_interval` (2 minutes) the same test loses acknowledged readings."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from configfile.loader import parse_config
from ingest.province_feed import FeedSettings, ProvinceFeed, build_services
from tests.faults.conftest import Tally, config_text, reading_payload, tally_values
from tests.faults.powercut import PowerCutRig
from tests.province.cluster import INGEST_PASSWORD, INGEST_USER, NatsCluster, NatsNode, bridge_password
from tests.servers import InfluxDB

COMMUNE = "quang-tho"  # the fault tests' readings are published under coc/quang-tho
DATABASE = "province_power_cut"
RATE = 200  # readings a second from the device
BEFORE_CUT_S = 6
AFTER_CUT = 1000  # readings published once the cluster is back


class ClusterDevice:
    """Numbered readings at QoS 1 into the cluster's MQTT listener, remembering which numbers were acknowledged.
    paho keeps what is in flight and sends it again when it reconnects after the cut."""

    def __init__(self, port: int, ca_file: Path, base: datetime) -> None:
        self.base = base
        self.acked: set[int] = set()
        self._mids: dict[int, int] = {}
        self._early: set[int] = set()
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="power-cut-device", protocol=mqtt.MQTTv311)
        self.client.tls_set(ca_certs=str(ca_file))
        self.client.username_pw_set(f"coc-bridge-{COMMUNE}", bridge_password(COMMUNE))
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_publish(self, _client: object, _userdata: object, mid: int, *_args: object) -> None:
        with self._lock:
            number = self._mids.pop(mid, None)
            if number is None:  # acknowledged before publish() noted its number
                self._early.add(mid)
            else:
                self.acked.add(number)

    def publish(self, numbers: range) -> None:
        for number in numbers:
            info = self.client.publish(*reading_payload(number, self.base), qos=1)  # paho calls back under its lock
            with self._lock:
                if info.mid in self._early:
                    self._early.discard(info.mid)
                    self.acked.add(number)
                else:
                    self._mids[info.mid] = number
            time.sleep(1 / RATE)

    def acknowledged(self) -> set[int]:
        with self._lock:
            return set(self.acked)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def stored_values(server: InfluxDB) -> list[float]:
    doc = server.query('SELECT "pm25" FROM "air"', DATABASE)
    return [row[1] for s in doc["results"][0].get("series", []) for row in s["values"]]


def wait_until(check: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.2)


@pytest.fixture
def rig(tmp_path: Path, root_only: None) -> Iterator[PowerCutRig]:
    with PowerCutRig(tmp_path / "rig", disks=("nats-1", "nats-2", "nats-3"), disk_mb=256) as rig:
        yield rig


def test_a_power_cut_of_the_three_nodes_loses_nothing_they_acknowledged(
        tmp_path: Path, rig: PowerCutRig, influxdb_server: InfluxDB) -> None:
    nodes = [NatsNode(name, rig.path(name)) for name in ("nats-1", "nats-2", "nats-3")]
    cluster = NatsCluster(tmp_path / "nats", [COMMUNE], nodes=nodes).start()
    assert cluster.tls is not None
    text = config_text(tmp_path / "ingest", 1, backend="influxdb", influx_url=influxdb_server.url, database=DATABASE)
    feed = ProvinceFeed(FeedSettings(tuple(cluster.urls), INGEST_USER, INGEST_PASSWORD, ack_wait_s=3),
                        build_services([parse_config(text, "quang-tho.yaml", {})]))
    device: ClusterDevice | None = None
    try:
        feed.start()
        assert feed.wait_ready(30), feed.counters.errors  # the stream and the shared consumer exist before a PUBACK
        feed.stop()  # away until after the cut: what the cluster acknowledged is only in its stores
        device = ClusterDevice(cluster.mqtt_ports[0], cluster.tls.ca_file, datetime.now(UTC) - timedelta(hours=1))
        before = range(0, RATE * BEFORE_CUT_S * 2)  # more than the device sends before the cut
        publisher = threading.Thread(target=device.publish, args=(before,), daemon=True)
        publisher.start()
        time.sleep(BEFORE_CUT_S)

        report = rig.cut([n.process.pid for n in cluster.nodes if n.process is not None])  # the power goes
        acked_at_cut = device.acknowledged()
        for node in cluster.nodes:
            assert node.process is not None
            node.process.wait()
            node.process = None
        assert report.killed == 3 and all(code in (0, 1) for code in report.fsck.values()), report
        assert len(acked_at_cut) > RATE, len(acked_at_cut)  # the cut came in the middle of the stream

        cluster.start(60)  # power back: the three nodes on their disks' copies
        feed.start()
        publisher.join(timeout=120)
        device.publish(range(before.stop, before.stop + AFTER_CUT))
        sent = set(range(before.stop + AFTER_CUT))
        wait_until(lambda: device.acknowledged() >= sent, 120)
        assert device.acknowledged() == sent
        wait_until(lambda: len({round(v * 100) for v in stored_values(influxdb_server)}) >= len(sent), 120)

        values = stored_values(influxdb_server)
        assert tally_values(acked_at_cut, values) == Tally(len(acked_at_cut), len(acked_at_cut), 0, 0)
        assert tally_values(sent, values) == Tally(len(sent), len(sent), 0, 0)
    finally:
        if device is not None:
            device.close()
        feed.stop()
        cluster.stop()
