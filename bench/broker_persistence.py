"""What Mosquitto keeps through a power cut (kill -9) for a stopped COC, under each persistence setting, and what the
setting costs: a persistent session subscribes and goes away, N QoS 1 readings are published for it, the broker is
killed `--wait` seconds after the last PUBACK, restarted on the same persistence file, and the session counts what
it gets back. The publish rate is compared with the same broker without persistence in the same run.

    .venv/bin/python bench/broker_persistence.py [--messages 5000] [--wait 2]
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

from tests.servers import Mosquitto  # noqa: E402

SETTINGS: dict[str, list[str]] = {
    "no persistence": ["persistence false"],
    "autosave_interval 60 (before)": ["autosave_interval 60"],
    "autosave_interval 5": ["autosave_interval 5"],
    "autosave_interval 1": ["autosave_interval 1"],
    "autosave_on_changes, every 1000 changes": ["autosave_on_changes true", "autosave_interval 1000"],
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
    broker = Broker(Path(tempfile.mkdtemp(prefix="coc-bench-persist-")))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--wait", type=float, default=2.0, help="seconds between the last PUBACK and the kill")
    args = parser.parse_args()
    subprocess.run(["mosquitto", "-h"], capture_output=True, check=False)
    results = [trial(name, extra, args.messages, args.wait) for name, extra in SETTINGS.items()]
    floor = results[0][2]
    print(f"{'setting':42} {'kept after kill -9':>20} {'publish rate':>14} {'ratio':>6}")
    for name, kept, rate in results:
        print(f"{name:42} {kept:>9} of {args.messages:<8} {rate:>10.0f}/s {rate / floor:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
