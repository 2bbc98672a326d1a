#!/usr/bin/env python3
"""Ingest benchmark: COC's MQTT → store rate against what `mosquitto_sub` alone drains, and API latency.

Run: `.venv/bin/python bench/ingest.py [--broker nats|mosquitto] [--readings 100000] [--publishers 4] [--skip-influx]`

Method. The commune broker as shipped (`--broker nats`, the default: config/nats-commune.conf, every QoS 1 message
fsync'd before its PUBACK) or Mosquitto with COC's production limits (`--broker mosquitto`: config/mosquitto.conf, as
before issue 18) is started in a temporary directory. For
each consumer, its persistent session is registered first, then N readings are published at QoS 1 by several
publisher processes while the consumer is away, so the broker holds the whole stream; the clock starts when the
consumer connects and stops when the last reading is counted (lines printed by mosquitto_sub; rows in SQLite or
points in InfluxDB for COC). Zero loss is checked by counting. Latency: with 100 readings/s of background load, a
probe reading is published and /api/sensors is polled until it shows; p50 and p95 over the probes. COC's clock
starts at its first accepted reading, so process start-up is not counted (mosquitto_sub starts in milliseconds).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as mqtt  # noqa: E402
import requests  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from tests.servers import InfluxDB, Mosquitto, NatsBroker, free_port  # noqa: E402

PREFIX = "coc/bench"
DEVICES = 50


def config_text(port: int, web_port: int, directory: Path, backend: str, influx_url: str, workers: int = 1) -> str:
    sensors = "\n".join(f"  - {{id: pam-{i:03d}, kind: air, name: 'Trạm {i}', interval_s: 1}}" for i in range(DEVICES))
    return f"""
commune: {{id: bench, name: "Xã Benchmark"}}
mqtt: {{host: 127.0.0.1, port: {port}, topic_prefix: {PREFIX}, embedded: never, client_id: coc-bench,
       workers: {workers}}}
storage:
  backend: {backend}
  sqlite: {{path: {directory}/readings.sqlite}}
  influxdb: {{url: "{influx_url}", database: bench}}
  state_path: {directory}/state.sqlite
  spool_dir: {directory}/spool
  batch_size: 5000
  flush_interval_s: 0.2
web: {{port: {web_port}, secret_key: bench-secret-key-0123456789}}
sensors:
{sensors}
auth:
  api_tokens: [{{name: bench, role: admin, token: bench-token-0123456789}}]
"""


def publish_part(port: int, first: int, count: int, t0: float) -> None:
    """One publisher process: `count` readings at QoS 1, waiting for every PUBACK."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(500)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = []
    for n in range(first, first + count):
        ts = datetime.fromtimestamp(t0 + n * 0.001, UTC).isoformat()
        payload = json.dumps({"ts": ts, "pm25": 10 + n % 90, "pm10": 20 + n % 50, "humidity": 70, "temperature": 28})
        infos.append(client.publish(f"{PREFIX}/air/pam-{n % DEVICES:03d}/state", payload, qos=1))
    for info in infos:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


def publish_stream(port: int, total: int, publishers: int) -> float:
    t0 = time.time() - 3600  # an hour ago, 1 ms apart: every reading has its own timestamp
    share = total // publishers
    procs = [mp.Process(target=publish_part, args=(port, i * share, share, t0)) for i in range(publishers)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    PUBLISH_RATE.append(total / elapsed)
    return elapsed


PUBLISH_RATE: list[float] = []  # readings/s of each stream published, PUBACK included


def published_rate(_broker: object, _publishers: int) -> float:
    return statistics.median(PUBLISH_RATE) if PUBLISH_RATE else 0.0


def peak_rss_mb(pid: int) -> float:
    """The broker process's peak resident memory (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def register_session(port: int, client_id: str) -> None:
    """Connect once with a persistent session and subscribe, so the broker queues the stream for it."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                         protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.subscribe(f"{PREFIX}/+/+/state", qos=1)[1]
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()


def bench_mosquitto_sub(broker: Mosquitto, total: int, publishers: int) -> float:
    register_session(broker.port, "bench-sub")
    publish_stream(broker.port, total, publishers)
    start = time.perf_counter()
    out = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-i", "bench-sub", "-c", "-q", "1",
                          "-t", f"{PREFIX}/+/+/state", "-C", str(total), "-W", "300"],
                         capture_output=True, timeout=320)
    elapsed = time.perf_counter() - start
    received = out.stdout.count(b"\n")
    assert received == total, f"mosquitto_sub received {received} of {total}"
    return total / elapsed


def stored_so_far(store: Any) -> int:
    """Readings in the store while the clock runs. SQLite: the pm25 rows (every bench reading has one), which is
    much cheaper than the store's distinct count, so polling takes little CPU from the writers it waits for."""
    if getattr(store, "backend", "") == "sqlite":
        import sqlite3

        with sqlite3.connect(store.path, timeout=30) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM points WHERE kind = 'air' AND field = 'pm25'").fetchone()[0])
    return store.count("air")


def bench_coc(broker: Mosquitto, total: int, publishers: int, backend: str, influx_url: str,
              workers: int) -> float:
    from configfile.loader import parse_config
    from run_coc import build_runtime

    directory = Path(tempfile.mkdtemp(prefix=f"coc-bench-{backend}-"))
    text = config_text(broker.port, free_port(), directory, backend, influx_url, workers)
    config = parse_config(text, "bench.yaml", {})
    runtime = build_runtime(config)
    runtime.start()  # registers the persistent sessions, then goes away while the stream is published
    runtime.context.ingest.wait_subscribed(10)
    pool = runtime.workers
    if pool is not None and not pool.wait_subscribed(60):  # else the broker queues every message for the main one
        raise SystemExit("the ingest worker processes did not subscribe within 60 s")
    runtime.stop()
    publish_stream(broker.port, total, publishers)
    runtime = build_runtime(config)
    runtime.start()
    store = runtime.context.store
    while runtime.context.ingest.stats().readings == 0:  # the clock starts with the first reading, so process
        time.sleep(0.005)                                # start-up (imports, spawning workers) is not counted
    start = time.perf_counter()
    while runtime.context.ingest.stats().readings < total:  # cheap progress; the store is counted below
        time.sleep(0.02)
    while stored_so_far(store) < total:
        time.sleep(0.1)
        if time.perf_counter() - start > 600:
            raise SystemExit(f"{backend}: only {store.count('air')} of {total} stored after 600 s")
    elapsed = time.perf_counter() - start
    stored = store.count("air")  # the exact count of distinct readings, after the clock has stopped
    runtime.stop()
    assert stored == total, f"{backend}: stored {stored} of {total}"
    return total / elapsed


@dataclass(frozen=True, slots=True)
class Latency:
    """Where the time of publish → /api/sensors goes, per probe (milliseconds from the publish call)."""

    puback: list[float]  # the broker acknowledged the probe to the device (with NATS: once it was on its disk)
    live: list[float]  # COC's ingester had it in the live state (delivered by the broker, decoded, validated)
    api: list[float]  # a GET /api/sensors answered with it
    get: list[float]  # how long each GET /api/sensors took (whatever it returned)


def p50_p95(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), statistics.quantiles(values, n=20)[18]


def bench_latency(broker: Mosquitto, probes: int = 60) -> Latency:
    from configfile.loader import parse_config
    from run_coc import build_runtime

    directory = Path(tempfile.mkdtemp(prefix="coc-bench-latency-"))
    web_port = free_port()
    text = config_text(broker.port, web_port, directory, "sqlite", "http://127.0.0.1:1")
    config = parse_config(text, "bench.yaml", {})
    runtime = build_runtime(config)
    seen: dict[float, float] = {}  # probe value -> when the live state had it

    def listener(readings: list[Any]) -> None:
        for reading in readings:
            if reading.device_id == "pam-000":
                seen.setdefault(reading.fields.get("pm25"), time.perf_counter())

    runtime.context.ingest.add_reading_listener(listener)  # called right after the live state took the readings
    runtime.start()
    runtime.context.ingest.wait_subscribed(10)
    stop = threading.Event()
    acked: dict[int, float] = {}
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.on_publish = lambda _c, _u, mid, _rc, _p: acked.__setitem__(mid, time.perf_counter())
    client.connect("127.0.0.1", broker.port)
    client.loop_start()

    def background() -> None:  # 100 readings/s on the other devices
        n = 0
        while not stop.is_set():
            client.publish(f"{PREFIX}/air/pam-{1 + n % (DEVICES - 1):03d}/state", json.dumps({"pm25": 20}), qos=1)
            n += 1
            time.sleep(0.01)

    threading.Thread(target=background, daemon=True).start()
    session = requests.Session()
    session.headers["Authorization"] = "Bearer bench-token-0123456789"
    url = f"http://127.0.0.1:{web_port}/api/sensors"
    out = Latency([], [], [], [])
    for i in range(probes):
        value = 100 + i
        sent = time.perf_counter()
        mid = client.publish(f"{PREFIX}/air/pam-000/state", json.dumps({"pm25": value}), qos=1).mid
        while True:
            asked = time.perf_counter()
            doc = session.get(url, timeout=5).json()
            out.get.append((time.perf_counter() - asked) * 1000)
            if doc["sensors"][0]["values"].get("pm25") == value:
                break
        out.api.append((time.perf_counter() - sent) * 1000)
        time.sleep(0.05)
        out.puback.append((acked.get(mid, math.nan) - sent) * 1000)
        out.live.append((seen.get(value, math.nan) - sent) * 1000)
    stop.set()
    client.disconnect()
    client.loop_stop()
    runtime.stop()
    return out


def print_latency(lat: Latency) -> None:
    import os

    print(f"publish → /api/sensors      p50 {p50_p95(lat.api)[0]:6.1f} ms   p95 {p50_p95(lat.api)[1]:6.1f} ms  "
          f"(100 readings/s background; load average {os.getloadavg()[0]:.1f})")
    for name, values in (("  publish → PUBACK", lat.puback), ("  publish → live state", lat.live),
                         ("  one GET /api/sensors", lat.get)):
        p50, p95 = p50_p95(values)
        print(f"{name:28s}p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--skip-influx", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="mqtt.workers for COC (subscriber processes)")
    parser.add_argument("--broker", choices=("nats", "mosquitto"), default="nats",
                        help="nats: the shipped commune broker; mosquitto: the one before issue 18")
    parser.add_argument("--latency-only", action="store_true", help="only publish → /api/sensors, with its parts")
    args = parser.parse_args()
    if args.broker == "nats" and args.workers > 1:  # NATS' MQTT listener has no $share subscriptions
        print("NATS has no MQTT shared subscriptions: COC runs one ingest process on it (mqtt.workers 1)")
        args.workers = 1
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="coc-bench-"))
    broker = (NatsBroker if args.broker == "nats" else Mosquitto)(work / args.broker).start()
    print(f"broker: {args.broker}")
    influx = None if args.skip_influx or args.latency_only else InfluxDB(work / "influxdb").start()
    try:
        if args.latency_only:
            print_latency(bench_latency(broker))
            return
        raw = bench_mosquitto_sub(broker, args.readings, args.publishers)
        print(f"mosquitto_sub alone drains  {raw:10,.0f} readings/s  (QoS 1, {args.readings:,} readings)")
        print(f"publishing at QoS 1 (PUBACKs) {published_rate(broker, args.publishers):8,.0f} readings/s  "
              f"({args.publishers} publishers)")
        for workers in sorted({1, args.workers}):
            rate = bench_coc(broker, args.readings, args.publishers, "sqlite", "http://127.0.0.1:1", workers)
            print(f"COC ingest → SQLite   w={workers}  {rate:10,.0f} readings/s  ratio {rate / raw:.2f}  (zero loss)")
        if influx is not None:
            rate = bench_coc(broker, args.readings, args.publishers, "influxdb", influx.url, args.workers)
            print(f"COC ingest → InfluxDB w={args.workers}  {rate:10,.0f} readings/s  ratio {rate / raw:.2f}"
                  "  (zero loss)")
        print_latency(bench_latency(broker))
        print(f"broker peak memory          {peak_rss_mb(broker.process.pid):10.0f} MB")
    finally:
        broker.stop()
        if influx is not None:
            influx.stop()


if __name__ == "__main__":
    main()
