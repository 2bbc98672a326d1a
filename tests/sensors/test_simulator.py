"""Simulator: seeded determinism, the scenarios' shapes, and publishing to a real Mosquitto."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import orjson
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from sensors.aqi import hourly_aqi, hourly_means, last_hours
from sensors.flood import alarm_level
from sensors.models import DeviceKind, SimDevice
from sensors.scenarios import Scenario
from sensors.settings import SensorConfig
from sensors.simulator import Simulation, SimulatorPublisher, make_devices, run_simulation

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 07:00 in Huế
AIR = SimDevice("pam-qt-01", DeviceKind.AIR, 60)
FLOOD = SimDevice("flood-01", DeviceKind.FLOOD, 60, (150.0, 250.0, 350.0), (0.0, 600.0))


def minutes(count: int, step: int = 1) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in range(0, count, step)]


def test_same_seed_same_readings_other_seed_other_readings() -> None:
    a, b = Simulation(Scenario.NORMAL, 7, T0), Simulation(Scenario.NORMAL, 7, T0)
    c = Simulation(Scenario.NORMAL, 8, T0)
    times = minutes(120, 7)
    assert [a.readings_at(AIR, t) for t in times] == [b.readings_at(AIR, t) for t in times]
    assert [a.readings_at(AIR, t) for t in times] != [c.readings_at(AIR, t) for t in times]
    assert a.readings_at(FLOOD, T0) == b.readings_at(FLOOD, T0)


def test_storm_passes_levels_one_two_three_in_order_and_back() -> None:
    sim = Simulation(Scenario.STORM, 3, T0)
    levels = [alarm_level(sim.readings_at(FLOOD, t)["water_level_cm"], FLOOD.alarm_levels_cm)
              for t in minutes(150)]
    new_highs = [lv for i, lv in enumerate(levels) if lv > max(levels[:i], default=0)]
    assert new_highs == [1, 2, 3]
    first = {lv: levels.index(lv) for lv in (1, 2, 3)}
    assert first[1] < first[2] < first[3] <= 60  # all three lines within the first hour
    assert levels[0] == 0 and levels[-1] == 0  # and back down
    rain = [sim.readings_at(FLOOD, t)["rain_mm"] for t in minutes(150)]
    assert max(rain) > 0 and rain[130] == 0  # rain leads the rise by 10 minutes, calm after the fall


def test_normal_water_is_steady_below_level_one() -> None:
    sim = Simulation(Scenario.NORMAL, 1, T0)
    values = [sim.readings_at(FLOOD, t)["water_level_cm"] for t in minutes(600, 10)]
    assert max(values) - min(values) <= 1.0
    assert all(alarm_level(v, FLOOD.alarm_levels_cm) == 0 for v in values)


def test_normal_pm_has_morning_and_evening_peaks() -> None:
    sim = Simulation(Scenario.NORMAL, 1, T0)
    local_pm = {h: sim.readings_at(AIR, T0 + timedelta(hours=(h - 7) % 24))["pm25"] for h in range(24)}
    assert local_pm[7] > 2 * local_pm[13] and local_pm[19] > 2 * local_pm[13]
    assert local_pm[19] > local_pm[7]


def vn_index_after(scenario: Scenario, hours: int) -> int:
    sim = Simulation(scenario, 5, T0)
    readings = [(t, sim.readings_at(AIR, t)["pm25"]) for t in minutes(hours * 60, 5)]
    result = hourly_aqi("vn", {"pm25": last_hours(hourly_means(readings), readings[-1][0])})
    assert result is not None
    return result.value


def test_smog_reaches_xau_then_rat_xau() -> None:
    assert vn_index_after(Scenario.NORMAL, 4) <= 100
    assert 151 <= vn_index_after(Scenario.SMOG, 3) <= 200  # Xấu
    assert 201 <= vn_index_after(Scenario.SMOG, 6) <= 300  # Rất xấu


def test_make_devices_from_config_and_extras() -> None:
    sensors = [SensorConfig(id="pam-qt-01", kind="air", name="A"),
               SensorConfig(id="flood-01", kind="flood", name="F", alarm_levels_cm=(30, 50, 80))]
    devices = make_devices(sensors)
    assert [(d.id, d.kind, d.alarm_levels_cm) for d in devices] == [
        ("pam-qt-01", DeviceKind.AIR, None), ("flood-01", DeviceKind.FLOOD, (30, 50, 80))]
    ids = [d.id for d in make_devices(sensors, 4)]
    assert ids == ["pam-qt-01", "flood-01", "sim-air-000", "sim-flood-001"]
    assert len(make_devices(sensors, 1)) == 1


class Collector:
    """A paho subscriber on the test broker that keeps every message by topic."""

    def __init__(self, port: int, topic: str) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []
        self.ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-collector")
        self.client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: self.ready.set()
        self.client.on_message = lambda _c, _u, m: self.messages.append((m.topic, m.payload, bool(m.retain)))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.ready.wait(10)

    def wait_for(self, predicate, timeout_s: float = 15) -> bool:  # noqa: ANN001
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return predicate()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_publisher_delivers_every_message_to_a_real_mosquitto(mosquitto) -> None:  # noqa: ANN001
    collector = Collector(mosquitto.port, "coc/test/#")
    try:
        published = run_simulation("127.0.0.1", mosquitto.port, "coc/test", [AIR, FLOOD], "storm",
                                   rate=100, duration_s=1.0, seed=1)
        states = lambda: [m for m in collector.messages if m[0].endswith("/state")]  # noqa: E731
        assert published >= 50
        assert collector.wait_for(lambda: len(states()) >= published)
        assert len(states()) == published
        topics = {t for t, _, _ in states()}
        assert topics == {"coc/test/air/pam-qt-01/state", "coc/test/flood/flood-01/state"}
        first = orjson.loads(next(p for t, p, _ in states() if "/flood/" in t))
        assert set(first) == {"ts", "water_level_cm", "rain_mm", "battery_v"}
        assert datetime.fromisoformat(first["ts"]).tzinfo is not None
        status = [(t, p) for t, p, _ in collector.messages if t.endswith("/status")]
        assert ("coc/test/air/pam-qt-01/status", b"online") in status
        # a clean stop clears the retained status (empty payload) and sends no `offline`: not a lost connection
        assert collector.wait_for(lambda: ("coc/test/flood/flood-01/status", b"") in
                                  [(t, p) for t, p, _ in collector.messages])
        assert not [m for m in collector.messages if m[1] == b"offline"]
    finally:
        collector.close()


def test_last_will_marks_a_vanished_device_offline(mosquitto) -> None:  # noqa: ANN001
    publisher = SimulatorPublisher("127.0.0.1", mosquitto.port, "coc/lw", [AIR], rate=20)
    publisher.start()
    collector = Collector(mosquitto.port, "coc/lw/+/+/status")
    try:
        # retained when the collector subscribed after it was published, live when before: either will do
        assert collector.wait_for(lambda: any(t == "coc/lw/air/pam-qt-01/status" and p == b"online"
                                              for t, p, _ in collector.messages))
        publisher._stop.set()  # simulate a crash: drop the connection without a clean disconnect
        publisher._thread.join()
        client = publisher._clients[0]  # noqa: SLF001
        client._thread_terminate = True  # noqa: SLF001 - no automatic reconnect that would take the session over
        client.socket().shutdown(socket.SHUT_RDWR)  # the TCP connection ends without an MQTT DISCONNECT
        client._sock_close()  # noqa: SLF001
        assert collector.wait_for(lambda: any(p == b"offline" for _, p, _ in collector.messages), 60)
    finally:
        publisher._clients[0].loop_stop()
        collector.close()


def test_a_stopped_simulator_process_clears_its_status_and_leaves_no_offline(mosquitto) -> None:  # noqa: ANN001
    """`kill` (SIGTERM) stops `run_coc.py simulate` as cleanly as Ctrl+C: the retained status is cleared and the
    last will is dropped, so COC raises no "Mất kết nối thiết bị" alarm for a simulator that was stopped."""
    import signal
    import subprocess
    import sys

    code = ("from sensors.models import DeviceKind, SimDevice; from sensors.simulator import run_simulation; "
            f"run_simulation('127.0.0.1', {mosquitto.port}, 'coc/stop', "
            "[SimDevice('flood-01', DeviceKind.FLOOD, 60, (150.0, 250.0, 350.0), (0.0, 600.0))], rate=20)")
    collector = Collector(mosquitto.port, "coc/stop/#")
    process = subprocess.Popen([sys.executable, "-c", code])
    try:
        assert collector.wait_for(lambda: ("coc/stop/flood/flood-01/status", b"online") in
                                  [(t, p) for t, p, _ in collector.messages], 30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert collector.wait_for(lambda: ("coc/stop/flood/flood-01/status", b"") in
                                  [(t, p) for t, p, _ in collector.messages])
        time.sleep(1)  # the broker would have sent the will by now had the session ended uncleanly
        assert not [m for m in collector.messages if m[1] == b"offline"]
    finally:
        process.kill()
        collector.close()
