"""One power-cut case, shared by tests/faults/test_power_cut.py and bench/broker_persistence.py: the broker, InfluxDB
(when it is the store) and `run_coc.py run` with their data folders on one rig disk, a QoS 1 stream of numbered
readings from a device outside the PC, the cut, everything started again on the disk's copy, and the tally of what
the broker had acknowledged before the cut and of the whole stream once it is in."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.faults.conftest import DEVICES, CocProcess, StreamPublisher, Tally, config_text, influx_values, sqlite_values
from tests.faults.powercut import CutReport, PowerCutRig
from tests.servers import InfluxDB, Mosquitto, NatsBroker, free_port

BROKERS: dict[str, type] = {"nats": NatsBroker, "mosquitto": Mosquitto}


class AckedPublisher(StreamPublisher):
    """A device outside the PC: numbered readings at QoS 1, remembering which numbers the broker acknowledged. It
    reconnects by itself after the cut and sends again what was not acknowledged (paho keeps it)."""

    def __init__(self, port: int, client_id: str = "power-cut-device") -> None:
        self.numbers: set[int] = set()
        self._mids: dict[int, int] = {}
        self._early: set[int] = set()
        super().__init__(port, client_id)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)

    def _on_publish(self, _client: object, _userdata: object, mid: int, *_args: object) -> None:
        with self._lock:
            number = self._mids.pop(mid, None)
            if number is None:  # acknowledged before publish() noted its number
                self._early.add(mid)
            else:
                self._note(number)

    def _note(self, number: int) -> None:
        if number not in self.numbers:
            self.numbers.add(number)
            self.acked += 1

    def publish(self, numbers: range, age: Any = None, per_second: float | None = None) -> None:
        from datetime import timedelta

        from tests.faults.conftest import reading_payload

        for number in numbers:
            topic, body = reading_payload(number, self.base, age or timedelta(0))
            info = self.client.publish(topic, body, qos=1)  # not under our lock: paho calls back under its own
            with self._lock:
                if info.mid in self._early:
                    self._early.discard(info.mid)
                    self._note(number)
                else:
                    self._mids[info.mid] = number
            if per_second:
                time.sleep(1 / per_second)

    def acknowledged(self) -> set[int]:
        with self._lock:
            return set(self.numbers)


@dataclass(frozen=True)
class CaseResult:
    """The figures of one case: readings acknowledged before the cut and lost or duplicated after it, and the
    whole stream's tally once everything is back."""

    name: str
    acked_at_cut: int
    lost_of_acked_at_cut: int
    stream: Tally
    cut: CutReport
    store_recovered: bool
    notes: str = ""


@dataclass
class Pc:
    """What runs on the PC: the broker, InfluxDB (or None) and COC, with their data on the rig disk."""

    disk: Path
    broker: Any
    influx: InfluxDB | None
    coc: CocProcess
    backend: str

    def pids(self) -> list[int]:
        procs = [self.broker.process, self.influx.process if self.influx else None, self.coc.proc]
        return [p.pid for p in procs if p is not None and p.poll() is None]

    def forget_processes(self) -> None:
        """After the cut: every process is dead; reap them so start() can be called again."""
        for proc in (self.broker.process, self.influx.process if self.influx else None, self.coc.proc):
            if proc is not None:
                proc.wait()
        self.broker.process = None
        if self.influx is not None:
            self.influx.process = None
        self.coc.proc = None

    def values(self) -> list[float]:
        if self.backend == "sqlite":
            return sqlite_values(self.disk / "coc" / "readings.sqlite")
        assert self.influx is not None
        try:
            return influx_values(self.influx, "coc")
        except (OSError, KeyError, IndexError):
            return []

    def stop(self) -> None:
        self.coc.stop()
        with contextlib.suppress(Exception):
            self.broker.stop()
        if self.influx is not None:
            with contextlib.suppress(Exception):
                self.influx.stop()


@contextlib.contextmanager
def pc_on(rig: PowerCutRig, work: Path, broker_kind: str, backend: str,
          prepare: Callable[[InfluxDB], None] | None = None) -> Iterator[Pc]:
    """Start the broker, InfluxDB if used, and COC with their data on the rig's disk; stopped afterwards."""
    disk = rig.path()
    broker = BROKERS[broker_kind](disk / "broker").start()
    influx = InfluxDB(disk / "influxdb").start() if backend == "influxdb" else None
    if influx is not None and prepare is not None:
        prepare(influx)
    web_port = free_port()
    config = work / "coc.yaml"  # configuration is not data: it stays off the disk, as /etc does
    text = config_text(disk / "coc", broker.port, backend, influx.url if influx else "http://127.0.0.1:1", "coc",
                       web_port=web_port, client_id="coc-power-cut")
    server_config = f'server_config: "{disk}/influxdb/influxdb.conf"'  # where COC finds InfluxDB's data folder
    config.write_text(text.replace('database: "coc"}', f'database: "coc", {server_config}}}'))
    (disk / "coc").mkdir(exist_ok=True)
    pc = Pc(disk, broker, influx, CocProcess(config, web_port, work / "coc.log"), backend)
    try:
        pc.coc.start()
        pc.coc.wait_subscribed()
        yield pc
    finally:
        pc.stop()


def wait_for(check: Callable[[], bool], timeout_s: float, poll_s: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(poll_s)
    return check()


def run_case(work: Path, name: str, broker_kind: str, backend: str, cut_after_s: float, total: int = 6000,
             per_second: float = 2000, restart: Callable[[Pc], bool] | None = None,
             prepare: Callable[[InfluxDB], None] | None = None, cut_when_acked: int = 0,
             disk_loss: bool = True, settle_s: float = 120) -> CaseResult:
    """Stream `total` readings at `per_second`, cut `cut_after_s` seconds after COC subscribed (it created its
    database just before, unless `prepare`, given InfluxDB, did), or once `cut_when_acked` readings are
    acknowledged, start everything again on the copy (or, without `disk_loss`, only kill them all; `restart`
    may replace that step and say whether the store came back), wait for the whole stream, and count."""
    with PowerCutRig(work / "rig") as rig, pc_on(rig, work, broker_kind, backend, prepare) as pc:
        subscribed_at = time.monotonic()
        publisher = AckedPublisher(pc.broker.port)
        try:
            publisher.publish_in_background(range(total), per_second=per_second)
            if cut_when_acked:
                wait_for(lambda: publisher.acked >= cut_when_acked, 60, 0.005)
            else:
                time.sleep(max(0.0, cut_after_s - (time.monotonic() - subscribed_at)))
            acked_at_cut = publisher.acknowledged()
            report = rig.cut(pc.pids()) if disk_loss else rig.kill(pc.pids())
            pc.forget_processes()
            recovered = (restart or restart_all)(pc)
            publisher.wait_acked(total, 120)
            acked = publisher.acknowledged()
            wait_for(lambda: acked <= {round(v * 100) for v in pc.values()}, settle_s, 0.3)
            values = pc.values()
        finally:
            publisher.close()
        stored = {round(v * 100) for v in values}
        stream = Tally(len(acked), len(stored & acked), len(acked - stored), len(values) - len(stored))
        return CaseResult(name, len(acked_at_cut), len(acked_at_cut - stored), stream, report, recovered)


def restart_all(pc: Pc) -> bool:
    """Power back: the broker, InfluxDB and COC started again on the disk's copy (as systemd would)."""
    pc.broker.start()
    recovered = True
    if pc.influx is not None:
        try:
            pc.influx.start()
        except TimeoutError:
            recovered = False
    pc.coc.start()
    pc.coc.wait_subscribed()
    return recovered


def created_long_before(influx: InfluxDB) -> None:
    """The database exists, has had points, and its files are on disk, as on a PC that has run for a while."""
    influx.query('CREATE DATABASE "coc"')
    for device in range(DEVICES):  # the devices' series exist (the readings go to `air`, this to `setup`)
        body = f"setup,commune=quang-tho,device=pam-{device:02d} ok=1 1700000000000000000\n".encode()
        urllib.request.urlopen(urllib.request.Request(f"{influx.url}/write?db=coc", body, method="POST")).read()
    subprocess.run(["sync", "-f", str(influx.directory)], check=True)


def health(pc: Pc) -> dict:
    import requests

    from tests.faults.conftest import TOKEN

    try:
        return requests.get(f"http://127.0.0.1:{pc.coc.web_port}/api/health",
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).json()
    except (requests.RequestException, ValueError):
        return {}


def restart_repairing(seen: dict[str, Any], hang_s: float = 8) -> Callable[[Pc], bool]:
    """Power back when InfluxDB does not answer again: it is given `hang_s` seconds (then stopped), COC starts on
    the spool; once its health explains the fault and readings are spooled (`seen`: that health document, COC's log),
    `run_coc.py repair-store --no-service` mends InfluxDB's files (`seen["repair"]`) and InfluxDB starts again."""

    def restart(pc: Pc) -> bool:
        import sys

        from tests.faults.conftest import ROOT

        assert pc.influx is not None
        pc.broker.start()
        try:
            pc.influx.start(timeout_s=hang_s)
            seen["influx_came_back"] = True
            pc.coc.start()
            pc.coc.wait_subscribed()
            return True
        except TimeoutError:  # InfluxDB 1.6 hangs in "Open store (start)"; stopped again by start()
            seen["influx_came_back"] = False
        pc.coc.start()
        pc.coc.wait_subscribed()
        wait_for(lambda: bool((health(pc).get("store") or {}).get("diagnosis"))
                 and health(pc)["store"]["spooled"] > 0, 60, 0.5)
        seen["health"] = health(pc)
        seen["log"] = pc.coc.log_path.read_text()
        seen["repair"] = subprocess.run([sys.executable, "run_coc.py", "--config", str(pc.coc.config_path),
                                         "repair-store", "--no-service"], cwd=ROOT, capture_output=True, text=True,
                                        timeout=60)
        try:
            pc.influx.start()
        except TimeoutError:
            return False
        return True

    return restart
