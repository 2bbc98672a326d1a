"""Simulated PAM Air monitors and flood points: a pure, seeded `readings_at` and an MQTT publisher service."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import orjson
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from sensors.models import DeviceKind, SimDevice
from sensors.scenarios import (
    PM25_CURVES,
    Scenario,
    daily_humidity,
    daily_temperature,
    noise,
    rain_mm_per_h,
    water_curve,
    water_level,
)
from sensors.settings import SensorConfig

log = logging.getLogger(__name__)
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_LINES_CM = (150.0, 250.0, 350.0)
ClientFactory = Callable[[str], mqtt.Client]


@dataclass(frozen=True, slots=True)
class Simulation:
    """A scenario started at `t0` with a seed: the same inputs always give the same readings."""

    scenario: Scenario = Scenario.NORMAL
    seed: int = 0
    t0: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    tz: tzinfo = LOCAL

    def readings_at(self, device: SimDevice, t: datetime) -> dict[str, float]:
        """The fields `device` reports at scenario time `t` (a COC state payload without `ts`)."""
        if device.kind is DeviceKind.FLOOD:
            return self._flood(device, t)
        return self._air(device, t)

    def _air(self, device: SimDevice, t: datetime) -> dict[str, float]:
        local = t.astimezone(self.tz)
        hour = local.hour + local.minute / 60 + local.second / 3600
        pm25 = PM25_CURVES[Scenario(self.scenario)](t - self.t0, hour)
        pm25 *= 1 + 0.08 * noise(self.seed, device.id, "pm25", t)
        humidity = daily_humidity(hour) + 3 * noise(self.seed, device.id, "humidity", t)
        if self.scenario is Scenario.STORM:
            humidity = 94 + 4 * noise(self.seed, device.id, "humidity", t)
        return {
            "pm1": round(0.72 * pm25, 1), "pm25": round(pm25, 1), "pm10": round(1.35 * pm25, 1),
            "temperature": round(daily_temperature(hour) + 0.5 * noise(self.seed, device.id, "temp", t), 1),
            "humidity": round(min(100.0, max(0.0, humidity)), 1),
        }

    def _flood(self, device: SimDevice, t: datetime) -> dict[str, float]:
        curve = water_curve(device.alarm_levels_cm or DEFAULT_LINES_CM)
        elapsed = t - self.t0
        level = water_level(Scenario(self.scenario), curve, elapsed)
        level += 0.5 * noise(self.seed, device.id, "level", t)
        low, high = device.range_cm
        rain = rain_mm_per_h(Scenario(self.scenario), elapsed) * device.interval_s / 3600
        return {
            "water_level_cm": round(min(high, max(low, level)), 1),
            "rain_mm": round(rain, 2),
            "battery_v": round(12.6 - 0.05 * abs(noise(self.seed, device.id, "battery", t)), 2),
        }


def device_from_config(sensor: SensorConfig) -> SimDevice:
    """The simulated twin of a configured device."""
    return SimDevice(sensor.id, sensor.kind, float(sensor.interval_s), sensor.alarm_levels_cm,
                     sensor.water_level_range_cm)


def make_devices(sensors: Sequence[SensorConfig], count: int | None = None) -> list[SimDevice]:
    """The configured devices (first `count` of them); beyond them, extra `sim-air-NNN` / `sim-flood-NNN`
    devices (unknown to COC unless configured: useful against a test broker)."""
    devices = [device_from_config(s) for s in sensors]
    if count is None:
        return devices
    extra = [SimDevice(f"sim-{'air' if i % 2 == 0 else 'flood'}-{i:03d}",
                       DeviceKind.AIR if i % 2 == 0 else DeviceKind.FLOOD, 60.0,
                       None if i % 2 == 0 else DEFAULT_LINES_CM)
             for i in range(max(0, count - len(devices)))]
    return (devices + extra)[:count]


def state_topic(prefix: str, device: SimDevice) -> str:
    return f"{prefix}/{device.kind.value}/{device.id}/state"


def status_topic(prefix: str, device: SimDevice) -> str:
    return f"{prefix}/{device.kind.value}/{device.id}/status"


def payload(ts: datetime, fields: dict[str, float]) -> bytes:
    """A COC state payload: ISO 8601 UTC time with milliseconds, then the fields."""
    return orjson.dumps({"ts": ts.astimezone(UTC).isoformat(timespec="milliseconds"), **fields})


def default_client(client_id: str) -> mqtt.Client:
    """A plain MQTT 3.1.1 paho client (run_coc passes a factory that adds credentials and TLS)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    return client


class SimulatorPublisher:
    """Publishes simulated readings over MQTT (QoS 1), one client per device with a retained `online` status
    and the last will `offline` (a clean stop clears the status instead: no alarm). `rate` is messages per second
    over all devices; None publishes each device at its own interval. `time_scale` speeds the scenario up
    (timestamps stay real, so ingest accepts them)."""

    name = "simulator"

    def __init__(self, mqtt_host: str, port: int, topic_prefix: str, devices: Sequence[SimDevice],
                 scenario: str = "normal", rate: float | None = None, seed: int = 0, time_scale: float = 1.0,
                 client_factory: ClientFactory = default_client,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.host, self.port, self.prefix = mqtt_host, port, topic_prefix.rstrip("/")
        self.devices = list(devices)
        self.scenario = Scenario(scenario)
        self.rate, self.seed, self.time_scale = rate, seed, time_scale
        self._factory, self._clock = client_factory, clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._clients: list[mqtt.Client] = []
        self._connected: set[int] = set()
        self._thread: threading.Thread | None = None
        self.sent = self.acked = 0
        self._final: int | None = None
        self._status_mids: set[tuple[int, int]] = set()
        self.simulation = Simulation(self.scenario, seed, clock())

    def start(self) -> None:
        self._stop.clear()
        self._final = None
        self.simulation = Simulation(self.scenario, self.seed, self._clock())
        for index, device in enumerate(self.devices):
            client = self._factory(f"coc-sim-{device.id}"[:64])
            client.will_set(status_topic(self.prefix, device), "offline", qos=1, retain=True)
            client.on_connect = self._on_connect_for(index, device)
            client.on_publish = self._on_publish
            client.connect_async(self.host, self.port, keepalive=30)
            client.loop_start()
            self._clients.append(client)
        self._thread = threading.Thread(target=self._run, name="simulator", daemon=True)
        self._thread.start()
        log.info("simulator: %d devices, scenario %s, broker %s:%d", len(self.devices), self.scenario,
                 self.host, self.port)

    def alive(self) -> bool:
        """False once its publishing thread ended although nobody stopped it (the supervisor restarts it)."""
        return self._thread is None or self._thread.is_alive()

    def stop(self, drain_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        deadline = time.monotonic() + drain_s
        while self.acked < self.sent and time.monotonic() < deadline:
            time.sleep(0.02)
        self._final = self.acked
        for device, client in zip(self.devices, self._clients, strict=True):
            # a clean stop is not a lost connection: the retained status is cleared (no one claims the device is
            # online) and the MQTT DISCONNECT makes the broker drop the last will, so COC raises no "Mất kết nối"
            # alarm; only a connection lost without DISCONNECT publishes the will `offline`. A device silent for
            # its missed intervals is still found by the offline rule.
            info = client.publish(status_topic(self.prefix, device), b"", qos=1, retain=True)
            info.wait_for_publish(2)
            client.disconnect()
            client.loop_stop()
        self._clients.clear()
        self._connected.clear()

    @property
    def published(self) -> int:
        """State messages the broker acknowledged (PUBACK)."""
        return self.acked if self._final is None else self._final

    def _on_connect_for(self, index: int, device: SimDevice) -> Callable[..., None]:
        def on_connect(client: mqtt.Client, _u: object, _f: object, reason: object,
                       _p: object = None) -> None:
            if getattr(reason, "is_failure", False):
                log.warning("simulator: %s refused by the broker: %s", device.id, reason)
                return
            info = client.publish(status_topic(self.prefix, device), "online", qos=1, retain=True)
            self._status_mids.add((id(client), info.mid))  # acked later on this same loop thread
            with self._lock:
                self._connected.add(index)

        return on_connect

    def _on_publish(self, client: mqtt.Client, _u: object, mid: int, _reason: object,
                    _p: object = None) -> None:
        if (id(client), mid) in self._status_mids:
            self._status_mids.discard((id(client), mid))
            return
        with self._lock:
            self.acked += 1

    def _publish(self, index: int) -> None:
        device, now = self.devices[index], self._clock()
        scenario_t = self.simulation.t0 + (now - self.simulation.t0) * self.time_scale
        fields = self.simulation.readings_at(device, scenario_t)
        with self._lock:
            self.sent += 1
        self._clients[index].publish(state_topic(self.prefix, device), payload(now, fields), qos=1)

    def _run(self) -> None:
        deadline = time.monotonic() + 10
        while len(self._connected) < len(self.devices) and time.monotonic() < deadline:
            if self._stop.wait(0.02):
                return
        if self.rate:
            self._run_rate(float(self.rate))
        else:
            self._run_intervals()

    def _run_rate(self, rate: float) -> None:
        began, done = time.monotonic(), 0
        while not self._stop.is_set():
            due = int((time.monotonic() - began) * rate) + 1
            while done < due and not self._stop.is_set():
                self._publish(done % len(self.devices))
                done += 1
            self._stop.wait(min(0.01, 1 / rate))

    def _run_intervals(self) -> None:
        periods = [max(0.01, d.interval_s / self.time_scale) for d in self.devices]
        due = [time.monotonic()] * len(self.devices)
        while not self._stop.is_set():
            index = min(range(len(due)), key=due.__getitem__)
            if self._stop.wait(max(0.0, due[index] - time.monotonic())):
                return
            self._publish(index)
            due[index] += periods[index]


def run_simulation(mqtt_host: str, port: int, topic_prefix: str, devices: Sequence[SimDevice],
                   scenario: str = "normal", rate: float | None = None, duration_s: float | None = None,
                   seed: int = 0, time_scale: float = 1.0, client_factory: ClientFactory = default_client,
                   stop: threading.Event | None = None) -> int:
    """Publish for `duration_s` seconds (until `stop` is set when None); return the acknowledged messages."""
    publisher = SimulatorPublisher(mqtt_host, port, topic_prefix, devices, scenario, rate, seed, time_scale,
                                   client_factory)
    stop = stop or threading.Event()
    restore = _stop_on_sigterm(stop)  # `kill` or a service manager stops it as cleanly as Ctrl+C
    publisher.start()
    try:
        stop.wait(duration_s)
    except KeyboardInterrupt:
        log.info("simulator: interrupted")
    finally:
        publisher.stop()
        restore()
    return publisher.published


def _stop_on_sigterm(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM sets `stop` while the simulation runs (main thread only); returns what puts the old handler back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())
    return lambda: signal.signal(signal.SIGTERM, previous)


def history_batches(simulation: Simulation, device: SimDevice, end: datetime, hours: float = 24,
                    step_s: float = 300, per_batch: int = 200) -> list[bytes]:
    """The past `hours` of a device as JSON arrays of state payloads (what a device flushes after being offline),
    `per_batch` readings each so every message stays well under the 64 KiB payload limit."""
    count = int(hours * 3600 // step_s)
    times = [end - timedelta(seconds=step_s * (count - i)) for i in range(count)]
    items = [{"ts": t.astimezone(UTC).isoformat(timespec="seconds"), **simulation.readings_at(device, t)}
             for t in times]
    return [orjson.dumps(items[i:i + per_batch]) for i in range(0, len(items), per_batch)]
