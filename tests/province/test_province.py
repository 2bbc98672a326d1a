"""Two communes, each with its own Mosquitto bridged (config/mosquitto-bridge.conf, TLS, its own user) to a
three-node NATS cluster (config/nats-province.conf); two province ingest processes share one consumer of the cluster's
MQTT message stream and write to one InfluxDB database for the province (tag `commune`). The province link is cut for
60 s while both communes keep publishing, one cluster node is killed with kill -9 mid-stream, one ingest process is
lost: every reading the communes' brokers acknowledged is in the province store exactly once, in order per device."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import paho.mqtt.publish as paho_publish
import pytest

from configfile.loader import parse_config
from ingest.province_feed import FeedSettings, ProvinceFeed, build_services
from tests.faults.conftest import DEVICES, PREFIX, StreamPublisher, Tally, config_text, reading_payload, tally_values
from tests.province.cluster import INGEST_PASSWORD, INGEST_USER, BridgedMosquitto, NatsCluster, bridge_text
from tests.servers import InfluxDB

COMMUNES = ["xa-dong", "xa-tay"]
DATABASE = "province"
CUT_S = 60
CAMERA = "\n  - {id: cam-01, name: 'Cổng chợ', url: 'synthetic:', enabled: false}\n"


class CommunePublisher(StreamPublisher):
    """The fault tests' numbered readings, published under this commune's prefix."""

    def __init__(self, port: int, commune: str, base: datetime) -> None:
        super().__init__(port, client_id=f"devices-{commune}", base=base)
        self.prefix = f"coc/{commune}"

    def publish(self, numbers: range, age: timedelta = timedelta(0), per_second: float | None = None) -> None:
        for number in numbers:
            topic, body = reading_payload(number, self.base, age)
            self.client.publish(topic.replace(PREFIX, self.prefix, 1), body, qos=1)
            if per_second:
                time.sleep(1 / per_second)


def stored(server: InfluxDB, commune: str) -> list[tuple[str, str, float]]:
    """(device, time, pm25) of every point of `commune` in the province database, in time order per device."""
    doc = server.query(f"SELECT \"pm25\" FROM \"air\" WHERE \"commune\" = '{commune}' GROUP BY \"device\"", DATABASE)
    series = doc["results"][0].get("series", [])
    return [(s["tags"]["device"], row[0], row[1]) for s in series for row in s["values"]]


def wait_stored(server: InfluxDB, counts: dict[str, int], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(len(stored(server, c)) >= n for c, n in counts.items()):
            return
        time.sleep(0.5)


@pytest.fixture
def province(tmp_path: Path, influxdb_server: InfluxDB) -> Iterator[dict]:
    cluster = NatsCluster(tmp_path / "nats", COMMUNES).start()
    brokers = {c: BridgedMosquitto(tmp_path / f"mosquitto-{c}", bridge=bridge_text(c, cluster)).start()
               for c in COMMUNES}
    settings = FeedSettings(tuple(cluster.urls), INGEST_USER, INGEST_PASSWORD, ack_wait_s=3)
    feeds, seen = [], []
    for process in (1, 2):  # two province ingest processes, each with its own writers, spools and state
        configs = [
            parse_config(config_text(tmp_path / f"ingest-{process}-{c}", 1, backend="influxdb",
                                     influx_url=influxdb_server.url, database=DATABASE).replace("quang-tho", c)
                         .replace("\nauth:", "\ncameras:" + CAMERA + "auth:"),
                         f"{c}.yaml", {})
            for c in COMMUNES
        ]
        feed = ProvinceFeed(settings, build_services(configs))
        feed.alert_listeners.append(lambda commune, alert_id, body: seen.append(("alert", commune, alert_id, body)))
        for commune, service in feed.services.items():
            service.add_status_listener(lambda kind, device, status, c=commune: seen.append(("status", c, device,
                                                                                             status)))
            service.add_event_listener(lambda event, c=commune: seen.append(("event", c, event.camera_id,
                                                                             event.snapshot)))
        feed.start()
        assert feed.wait_ready(30), feed.counters.errors
        feeds.append(feed)
    base = datetime.now(UTC) - timedelta(hours=2)
    publishers = {c: CommunePublisher(brokers[c].port, c, base) for c in COMMUNES}
    yield {"cluster": cluster, "brokers": brokers, "feeds": feeds, "publishers": publishers, "seen": seen}
    for publisher in publishers.values():
        publisher.close()
    for feed in feeds:
        feed.stop()
    for broker in brokers.values():
        broker.stop()
    cluster.stop()


def test_province_keeps_every_reading_through_a_cut_a_dead_node_and_a_lost_process(
        province: dict, influxdb_server: InfluxDB) -> None:
    cluster: NatsCluster = province["cluster"]
    publishers: dict[str, CommunePublisher] = province["publishers"]
    feeds: list[ProvinceFeed] = province["feeds"]
    sent = {c: set() for c in COMMUNES}

    def publish(numbers: range, per_second: float | None = None, background: bool = False) -> None:
        for commune, publisher in publishers.items():
            if background:
                publisher.publish_in_background(numbers, per_second)
            else:
                publisher.publish(numbers, per_second=per_second)
            sent[commune] |= set(numbers)

    def wait_acked() -> None:
        for commune, publisher in publishers.items():
            assert publisher.wait_acked(len(sent[commune]), 120) == len(sent[commune])

    # 1. both communes reach the province
    publish(range(0, 200))
    wait_acked()
    wait_stored(influxdb_server, {c: 200 for c in COMMUNES})
    assert all(len(stored(influxdb_server, c)) == 200 for c in COMMUNES)

    # status, a camera event (its snapshot path, no image) and an alert travel too, each to its commune's side
    event = {"ts": datetime.now(UTC).isoformat(), "type": "intrusion", "zone": "cổng", "score": 0.9,
             "snapshot": "cam-01/20261202-1500.jpg", "event_id": "e-1"}
    paho_publish.multiple([
        {"topic": "coc/xa-dong/air/pam-03/status", "payload": b"offline", "qos": 1, "retain": True},
        {"topic": "coc/xa-dong/camera/cam-01/event", "payload": orjson.dumps(event), "qos": 1},
        {"topic": "coc/xa-dong/alerts/a1b2c3d4e5f6", "payload": b'{"state": "active_unack"}', "qos": 1,
         "retain": True},
    ], hostname="127.0.0.1", port=province["brokers"]["xa-dong"].port, client_id="coc-alerts-xa-dong")
    deadline = time.monotonic() + 30
    while len(province["seen"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(province["seen"]) == [("alert", "xa-dong", "a1b2c3d4e5f6", b'{"state": "active_unack"}'),
                                        ("event", "xa-dong", "cam-01", "cam-01/20261202-1500.jpg"),
                                        ("status", "xa-dong", "pam-03", "offline")]

    # 2. the province link is cut (the whole cluster stopped) for 60 s while both communes keep publishing
    cluster.stop()
    publish(range(200, 200 + 10 * CUT_S), per_second=10, background=True)
    time.sleep(CUT_S)
    wait_acked()  # the communes' brokers accepted everything with the province unreachable
    cluster.start()

    # 3. mid-stream, one cluster node dies (kill -9) and one province ingest process is lost
    publish(range(800, 1400), per_second=100, background=True)
    time.sleep(2)
    cluster.kill(cluster.nodes[0])
    feeds[1].stop()
    wait_acked()
    wait_stored(influxdb_server, {c: len(sent[c]) for c in COMMUNES}, timeout_s=180)  # returns once all are in

    for commune in COMMUNES:
        rows = stored(influxdb_server, commune)
        tally = tally_values(sent[commune], [value for _device, _ts, value in rows])
        assert tally == Tally(sent=1400, stored=1400, lost=0, duplicated=0), (commune, tally)
        for device in {d for d, _ts, _v in rows}:  # in order per device: time order is the publishing order
            numbers = [round(v * 100) for d, _ts, v in rows if d == device]
            assert numbers == sorted(numbers) and len(numbers) == 1400 // DEVICES
    assert feeds[0].counters.acked > 0 and feeds[0].counters.unknown_commune == 0
    assert feeds[0].health().state == "running" and feeds[1].health().state == "stopped"
