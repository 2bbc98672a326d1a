"""What Mosquitto keeps through a power cut (kill -9) for a stopped COC, under each persistence setting, and what the
setting costs: a persistent session subscribes and goes away, N QoS 1 readings are published for it, the broker is
killed `--wait` seconds after the last PUBACK, restarted on the same persistence file, and the session counts what
it gets back. The publish rate is compared with the same broker without persistence in the same run.

    .venv/bin/python bench/broker_persistence.py [--messages 5000] [--wait 2]

With `--power-cut` (root: loop devices), the power-cut cases of tests/faults/test_power_cut.py instead, for each
broker (Mosquitto as before issue 18, NATS as shipped): the broker, InfluxDB and COC on one disk image, a 2,000
readings/s QoS 1 stream of 6,000 numbered readings, the cut (SIGKILL to all at once, the image copied without the
page cache), everything started again on the copy; what the broker had acknowledged at the cut and was then lost.

    .venv/bin/python bench/broker_persistence.py --power-cut [--brokers mosquitto,nats]
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import Mosquitto, NatsBroker  # noqa: E402

SETTINGS: dict[str, list[str]] = {
    "no persistence": ["persistence false"],
    "autosave_interval 60 (before)": ["autosave_interval 60"],
    "autosave_interval 5": ["autosave_interval 5"],
    "autosave_interval 1": ["autosave_interval 1"],
    "autosave_on_changes, every 1000 changes": ["autosave_on_changes true", "autosave_interval 1000"],
    "NATS, config/nats-commune.conf (shipped)": [],
}


class Broker(Mosquitto):
    """The test broker with the shipped configuration and its autosave lines replaced."""

    extra: list[str] = []

    def write_conf(self) -> None:
        super().write_conf()
        lines = [line for line in self.conf_path.read_text().splitlines()
                 if not line.startswith(("autosave_", "persistence "))]
        self.conf_path.write_text("\n".join(lines + ["persistence true", *self.extra]) + "\n")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None


class Nats(NatsBroker):
    """The shipped commune broker (config/nats-commune.conf: JetStream fsync'd before every PUBACK)."""

    extra: list[str] = []

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None


def session(port: int, received: list[int] | None = None) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-coc", clean_session=False,
                         protocol=mqtt.MQTTv311)
    if received is not None:
        client.on_message = lambda *_a: received.append(1)
    client.connect("127.0.0.1", port)
    client.subscribe("coc/#", qos=1)
    client.loop_start()
    time.sleep(0.3)
    return client


def publish(port: int, count: int) -> float:
    done = threading.Event()
    acked = [0]

    def on_publish(*_a: object) -> None:
        acked[0] += 1
        if acked[0] == count:
            done.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(200)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.perf_counter()
    for n in range(count):
        client.publish(f"coc/quang-tho/air/pam-{n % 10:02d}/state", b'{"pm25": 12.5}', qos=1)
    done.wait(120)
    rate = count / (time.perf_counter() - start)
    client.disconnect()
    client.loop_stop()
    return rate


def trial(name: str, extra: list[str], count: int, wait_s: float) -> tuple[str, int, float]:
    kind = Nats if name.startswith("NATS") else Broker
    broker = kind(Path(tempfile.mkdtemp(prefix="coc-bench-persist-")))
    broker.extra = extra
    broker.start()
    first = session(broker.port)
    first.disconnect()
    first.loop_stop()
    rate = publish(broker.port, count)
    time.sleep(wait_s)
    broker.kill()
    broker.start()
    received: list[int] = []
    second = session(broker.port, received)
    deadline = time.monotonic() + 10
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    second.disconnect()
    second.loop_stop()
    broker.stop()
    return name, len(received), rate


def power_cut_table(brokers: list[str]) -> None:
    from tests.faults.power_cut_case import created_long_before, restart_repairing, run_case

    cases: list[tuple[str, str, dict]] = [
        ("SQLite, cut at 1,500 acknowledged", "sqlite", {"cut_when_acked": 1500}),
        ("SQLite, cut at 4,500 acknowledged", "sqlite", {"cut_when_acked": 4500}),
        ("COC and broker kill -9 at once, no disk loss", "sqlite", {"cut_when_acked": 3000, "disk_loss": False}),
        ("InfluxDB made long before, cut at 3,000", "influxdb", {"cut_when_acked": 3000,
                                                                 "prepare": created_long_before}),
        ("InfluxDB, cut 1 s after the database was made", "influxdb", {"cut_after_s": 1.0}),
    ]
    print(f"{'broker':10} {'case':48} {'acked at cut':>12} {'of them lost':>12} {'stream stored/lost/dup':>24}"
          f" {'store back':>10}")
    for broker in brokers:
        for name, backend, options in cases:
            seen: dict = {}
            options = {"cut_after_s": 0.0, **options}
            cut_after_s = options.pop("cut_after_s")
            if backend == "influxdb":
                options["restart"] = restart_repairing(seen)
            work = Path(tempfile.mkdtemp(prefix="coc-bench-cut-"))
            result = run_case(work, name, broker, backend, cut_after_s, settle_s=30, **options)
            stream = result.stream
            back = "by itself" if seen.get("influx_came_back", True) else "repair-store"
            back = back if result.store_recovered else "NO"
            print(f"{broker:10} {name:48} {result.acked_at_cut:>12} {result.lost_of_acked_at_cut:>12} "
                  f"{stream.stored:>9}/{stream.lost}/{stream.duplicated:<8} {back:>10}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--wait", type=float, default=2.0, help="seconds between the last PUBACK and the kill")
    parser.add_argument("--power-cut", action="store_true", help="the power-cut cases for each broker instead")
    parser.add_argument("--brokers", default="mosquitto,nats", help="with --power-cut: brokers, comma separated")
    args = parser.parse_args()
    if args.power_cut:
        power_cut_table(args.brokers.split(","))
        return 0
    subprocess.run(["mosquitto", "-h"], capture_output=True, check=False)
    results = [trial(name, extra, args.messages, args.wait) for name, extra in SETTINGS.items()]
    floor = results[0][2]
    print(f"{'setting':42} {'kept after kill -9':>20} {'publish rate':>14} {'ratio':>6}")
    for name, kept, rate in results:
        print(f"{name:42} {kept:>9} of {args.messages:<8} {rate:>10.0f}/s {rate / floor:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
