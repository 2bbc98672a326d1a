"""The ingester: subscribes to device topics, validates each message, feeds live state, listeners and the writer."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
import paho.mqtt.client as mqtt

from camera.models import CameraEvent
from ingest.decode import decode_event, decode_state, decode_status, parse_topic
from ingest.fast_client import BufferedClient
from ingest.live_state import LiveState
from ingest.mqtt_link import LinkState, make_client
from ingest.settings import MqttConfig
from ingest.state_db import DeadLetter, StateDb, UnknownDevice
from ingest.writer import BatchWriter
from sensors.models import Reading
from sensors.settings import SensorConfig
from supervision.part import PartHealth, PartState

log = logging.getLogger(__name__)
ReadingListener = Callable[[list[Reading]], None]
EventListener = Callable[[CameraEvent], None]
StatusListener = Callable[[str, str, str], None]  # kind, device id, status
# A control topic's handler (topic, raw payload): None when it took the message, else why it refuses it (the
# message then goes to the dead letters with that reason). Commands, not readings: e.g. alerts.remote's.
ControlHandler = Callable[[str, bytes], str | None]


@dataclass(frozen=True, slots=True)
class IngestStats:
    """Counters for /api/health and /metrics."""

    connected: bool
    messages: int
    readings: int
    rejected: int
    last_message_at: datetime | None
    reject_reasons: dict[str, int]
    fault: str | None = None  # e.g. the state database cannot be written; None when fine
    losses: dict[str, int] = field(default_factory=dict)  # messages known lost, per reason
    paused: bool = False  # not reading from the broker because the writer is full (back-pressure)


LOSS_DEAD_LETTER = "dead letter could not be recorded"


@dataclass(frozen=True, slots=True)
class Accepted:
    """What one state message gave: readings accepted, the refusal reasons, and the writer's ticket for them."""

    count: int
    rejects: list[str]
    ticket: int = 0


class NotRecorded(Exception):
    """What a message carries could not be made durable; it stays unacknowledged."""


SHARE_GROUP = "coc-ingest"
STALL_AFTER_S = 30.0
MAX_REASON_KEYS = 64  # distinct refusal reasons counted by name; the rest count as "other"


def subscriptions(prefix: str, workers: int, main: bool,
                  control: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The topics to subscribe and to drop. With several workers the state topics are an MQTT shared
    subscription (the broker hands each message to one member); status, events and the control topics (filters
    of `add_control_handler`) go to the main ingester."""
    plain, shared = f"{prefix}/+/+/state", f"$share/{SHARE_GROUP}/{prefix}/+/+/state"
    state, other = (shared, plain) if workers > 1 else (plain, shared)
    extra = [f"{prefix}/+/+/status", f"{prefix}/camera/+/event", *control] if main else []
    return [state, *extra], [other]


def reason_key(reason: str) -> str:
    """A refusal reason without its values (device ids, numbers), so counters stay few: `unknown device`."""
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", re.sub(r"^item \d+: ", "", reason))  # values may hold ':'
    head = unquoted.split(":")[0]
    return re.sub(r"\s+", " ", re.sub(r"(?<!\w)-?\d+(?:\.\d+)?", "", head)).strip()[:80]


class IngestService:
    """MQTT → validation → live state, listeners, and the batching writer. Never stops on bad input."""

    name = "ingest"

    def __init__(self, mqtt_config: MqttConfig, sensors: Sequence[SensorConfig], camera_ids: Iterable[str],
                 writer: BatchWriter, live: LiveState, state_db: StateDb, *,
                 clock: Callable[[], datetime] | None = None, worker: int | None = None) -> None:
        """`sensors` and `camera_ids`: the devices whose messages are accepted (the others are dead letters)."""
        self.mqtt = mqtt_config
        self.worker = worker  # None: the main ingester; N: subscriber process N of mqtt.workers
        self.prefix = mqtt_config.topic_prefix
        self.writer = writer
        self.live = live
        self.state_db = state_db
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sensors = {s.id: s for s in sensors}
        self._cameras = set(camera_ids)
        self._pamair_topics = {s.pamair_topic: s for s in sensors if s.pamair_topic}
        self._reading_listeners: list[ReadingListener] = []
        self._event_listeners: list[EventListener] = []
        self._status_listeners: list[StatusListener] = []
        self._control: dict[str, ControlHandler] = {}  # topic filter → handler, in the order added
        self._lock = threading.Lock()
        self._messages = self._readings = self._rejected = 0
        self._reasons: Counter[str] = Counter()
        self._last_message_at: datetime | None = None
        self.link = LinkState("ingest")
        self._subscribed = threading.Event()  # the broker acknowledged this connection's SUBSCRIBE
        self._subscribe_mid: int | None = None
        self._client: BufferedClient | None = None
        self._generation = 0  # counts connections: an acknowledgement is only sent on the connection it belongs to
        self._fault: str | None = None
        self._losses: Counter[str] = Counter()
        self._last_handled = time.monotonic()
        writer.on_durable = self._release
        writer.on_refused = self.refused_by_store

    def add_reading_listener(self, listener: ReadingListener) -> None:
        self._reading_listeners.append(listener)

    def add_event_listener(self, listener: EventListener) -> None:
        self._event_listeners.append(listener)

    def add_status_listener(self, listener: StatusListener) -> None:
        self._status_listeners.append(listener)

    def add_control_handler(self, topic_filter: str, handler: ControlHandler) -> None:
        """Hand the messages on `topic_filter` (an MQTT filter, e.g. `<prefix>/acks/+`) to `handler` instead of
        reading them as a device's: the main ingester subscribes to it; the first filter added that matches a topic
        takes it. A refusal goes to the dead letters with the handler's reason. Added while connected, it is
        subscribed at once (`subscribed` is false until the broker has acknowledged it)."""
        self._control[topic_filter] = handler
        client = self._client
        if client is not None and self.worker is None and self.link.connected:
            self._subscribed.clear()
            _rc, self._subscribe_mid = client.subscribe(topic_filter, 1)

    def start(self) -> None:
        settings = self.mqtt
        client_id = settings.client_id if self.worker is None else f"{settings.client_id}-w{self.worker}"
        client = make_client(settings, client_id, persistent=True, manual_ack=True)
        client.read_paused = lambda: self.writer.full
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        self._client = client
        self.link.stopping = False
        client.connect_async(settings.host, settings.port, keepalive=settings.keepalive_s)
        client.loop_start()

    def stop(self) -> None:
        """Stop reading, let the writer make what it holds durable and acknowledge it, then disconnect."""
        if self._client is not None:
            self.link.stopping = True
            self._client._draining = True  # noqa: SLF001 - read nothing more
            self.writer.drain(5.0)
            self._client.close_gracefully()
            self._client = None

    def health(self) -> PartHealth:
        """Dead when the MQTT loop thread ended; stalled when bytes wait unread although reading is not paused;
        degraded while what messages carry cannot be recorded."""
        client = self._client
        if client is None:
            return PartHealth(self.name, PartState.STOPPED)
        thread = client._thread  # noqa: SLF001 - paho's loop thread
        if thread is None or not thread.is_alive():
            return PartHealth(self.name, PartState.DEAD, "the MQTT loop thread ended")
        sock = client.socket()
        waiting = sock.pending() if sock is not None and hasattr(sock, "pending") else 0
        idle_s = time.monotonic() - self._last_handled
        if waiting and not self.writer.full and idle_s > STALL_AFTER_S:
            return PartHealth(self.name, PartState.STALLED, f"{waiting} bytes unread, nothing handled for "
                                                             f"{idle_s:.0f} s")
        if self._fault:
            return PartHealth(self.name, PartState.DEGRADED, self._fault)
        return PartHealth(self.name, PartState.RUNNING)

    def acknowledge_with(self, release: Callable[[list[object]], None]) -> None:
        """Send the acknowledgements of durable messages through `release` instead of MQTT PUBACKs (the province
        feed acknowledges to JetStream); `release` gets the `ack` objects given to `handle`, in order."""
        self.writer.on_durable = release

    def _release(self, acks: list[object]) -> None:
        """PUBACK the messages whose readings are now durable (called by the writer, in order)."""
        client, generation = self._client, self._generation
        if client is None:
            return
        mids = [ack[1] for ack in acks if isinstance(ack, tuple) and ack[0] == generation]  # (connection, mid)
        if mids:
            client.ack_many(mids)

    def wait_connected(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.link.connected:
                return True
            time.sleep(0.02)
        return False

    @property
    def subscribed(self) -> bool:
        """Connected, and the broker has acknowledged the subscriptions: from now on nothing published is missed."""
        return self.link.connected and self._subscribed.is_set()

    def wait_subscribed(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while not self.subscribed and time.monotonic() < deadline:
            self._subscribed.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        return self.subscribed

    def _on_connect(self, client: mqtt.Client, _userdata: object, _flags: object, reason: object,
                    _props: object = None) -> None:
        if getattr(reason, "is_failure", False):
            self.link.down(reason)
            return
        self._subscribed.clear()
        self._generation += 1  # unacknowledged messages of the old connection are delivered again on this one
        wanted, unwanted = subscriptions(self.prefix, self.mqtt.workers, self.worker is None,
                                         list(self._control))
        _rc, self._subscribe_mid = client.subscribe([(topic, 1) for topic in [*wanted, *self._pamair_topics]])
        client.unsubscribe(unwanted)  # a persistent session remembers the other layout's subscription
        self.link.up(f"{self.mqtt.host}:{self.mqtt.port}")

    def _on_subscribe(self, _client: mqtt.Client, _userdata: object, mid: int, reasons: object,
                      _props: object = None) -> None:
        if mid != self._subscribe_mid:
            return
        refused = [r for r in reasons if getattr(r, "is_failure", False)]  # type: ignore[attr-defined]
        if refused:
            log.error("ingest: the broker refused %d of the subscriptions (%s); check its ACL for this user",
                      len(refused), ", ".join(str(r) for r in refused))
        self._subscribed.set()

    def _on_disconnect(self, _client: mqtt.Client, _userdata: object, _flags: object, reason: object,
                       _props: object = None) -> None:
        self._subscribed.clear()
        self.link.down(reason)

    def _on_message(self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        ack = (self._generation, message.mid) if message.qos else None
        try:
            topic = message.topic
        except UnicodeDecodeError:
            topic = repr(message._topic)[:200]  # noqa: SLF001 - paho raises on a topic that is not UTF-8
        try:
            self.handle(topic, bytes(message.payload), ack)
        except Exception as exc:  # noqa: BLE001 - the ingester never stops on one message
            log.exception("ingest: unexpected error on topic %s", topic[:200])
            self._set_fault(f"{type(exc).__name__}: {exc}")
            # not acknowledged: the broker delivers the message again after a reconnect

    def handle(self, topic: str, payload: bytes, ack: object = None) -> int:
        """Process one message; return how many readings it gave. `ack` is released once what the message gave is
        durable (its readings in the store or spool, its refusals in the dead letters)."""
        readings = 0
        try:
            readings = self._handle(topic, payload, ack)
        except NotRecorded as exc:  # not acknowledged: the broker delivers it again after a reconnect
            self._set_fault(str(exc))
            return 0
        except Exception:  # noqa: BLE001 - record the refusal; still no crash
            log.exception("ingest: unexpected error on topic %s", topic[:200])
            self._reject(topic, payload, "internal error while decoding (see log)")
        if ack is not None and not readings:
            self.writer.put([], ack)  # in order behind the readings before it
        return readings

    def _handle(self, topic: str, payload: bytes, ack: object = None) -> int:
        now = self._clock()
        self._last_handled = time.monotonic()
        with self._lock:
            self._messages += 1
            self._last_message_at = now
        gateway = self._pamair_topics.get(topic)
        if gateway is not None:  # a PAM Air gateway's own topic: the device is known by its topic
            return self._state(topic, gateway.kind.value, gateway.id, payload, now, ack).count
        handler = next((h for f, h in self._control.items() if mqtt.topic_matches_sub(f, topic)), None)
        if handler is not None:
            self._command(topic, payload, handler)
            return 0
        parsed = parse_topic(topic, self.prefix)
        if parsed is None:
            self._reject(topic, payload, "topic is not <prefix>/<kind>/<device>/<state|status|event> "
                         "(each part 1-64 of A-Z a-z 0-9 - _ .)")
            return 0
        if parsed.channel == "status":
            self._status(topic, parsed.kind, parsed.device_id, payload)
            return 0
        if parsed.channel == "event" and parsed.kind == "camera":
            self._event(topic, parsed.device_id, payload, now)
            return 0
        if parsed.channel != "state":
            self._reject(topic, payload, f"unknown channel '{parsed.channel}'")
            return 0
        return self._state(topic, parsed.kind, parsed.device_id, payload, now, ack).count

    def submit(self, device_id: str, payload: bytes, source: str, timeout_s: float = 10.0) -> tuple[int, list[str]]:
        """Readings pushed over HTTP by a gateway: validated and recorded exactly like MQTT; returns once they are
        durable. TimeoutError when the writer cannot make them durable in time (the gateway should retry)."""
        sensor = self._sensors.get(device_id)
        kind = sensor.kind.value if sensor else "unknown"
        topic = f"{source}:{self.prefix}/{kind}/{device_id}/state"
        accepted = self._state(topic, kind, device_id, payload, self._clock(), None, timeout_s)
        if accepted.count and not self.writer.wait_durable(accepted.ticket, timeout_s):
            raise TimeoutError(f"readings not durable within {timeout_s:g} s: {self.writer.stats().fault}")
        return accepted.count, accepted.rejects

    def _state(self, topic: str, kind: str, device_id: str, payload: bytes, now: datetime, ack: object = None,
               timeout_s: float | None = None) -> Accepted:
        sensor = self._sensors.get(device_id)
        if sensor is None or sensor.kind.value != kind:
            self.state_db.note_unknown_device(kind, device_id, topic, now)
            why = ("unknown device" if sensor is None
                   else f"device is configured as {sensor.kind.value}, not '{kind[:32]}'")
            reason = f"{why} '{device_id[:64]}': add it under sensors: in the configuration"
            self._reject(topic, payload, reason)
            return Accepted(0, [reason])
        decoded = decode_state(payload, sensor, now)
        for reason in decoded.rejects:
            self._reject(topic, payload, reason)
        ticket = 0
        if decoded.readings:
            ticket = self.writer.put(decoded.readings, ack, timeout_s)
            self.live.apply(decoded.readings)
            with self._lock:
                self._readings += len(decoded.readings)
            for listener in self._reading_listeners:
                self._call(listener, decoded.readings)
        return Accepted(len(decoded.readings), decoded.rejects, ticket)

    def _command(self, topic: str, payload: bytes, handler: ControlHandler) -> None:
        try:
            refused = handler(topic, payload)
        except Exception as exc:  # noqa: BLE001 - a handler's bug must not stop ingest; the message is kept
            log.exception("ingest: control handler %r failed on %s", handler, topic[:200])
            refused = f"control handler failed: {type(exc).__name__}"
        if refused is not None:
            self._reject(topic, payload, refused)

    def _status(self, topic: str, kind: str, device_id: str, payload: bytes) -> None:
        try:
            status = decode_status(payload)
        except ValueError as exc:
            self._reject(topic, payload, str(exc))
            return
        if status is None:
            return
        self.live.set_status(device_id, status)
        for listener in self._status_listeners:
            self._call(listener, kind, device_id, status)

    def _event(self, topic: str, camera_id: str, payload: bytes, now: datetime) -> None:
        if camera_id not in self._cameras:
            self.state_db.note_unknown_device("camera", camera_id, topic, now)
            self._reject(topic, payload, f"unknown camera '{camera_id[:64]}': add it under cameras:")
            return
        try:
            event = decode_event(payload, camera_id, now)
        except ValueError as exc:
            self._reject(topic, payload, str(exc))
            return
        try:
            self.state_db.add_camera_event(event)
        except Exception as exc:
            raise NotRecorded(f"camera events cannot be recorded: {exc}") from exc
        self._set_fault(None)
        for listener in self._event_listeners:
            self._call(listener, event)

    def _call(self, listener: Callable[..., None], *args: object) -> None:
        try:
            listener(*args)
        except Exception:  # noqa: BLE001 - a listener's bug must not stop ingest
            log.exception("ingest: listener %r failed", listener)

    def _reject(self, topic: str, payload: bytes, reason: str) -> None:
        key = reason_key(reason)
        with self._lock:
            self._rejected += 1
            if key not in self._reasons and len(self._reasons) >= MAX_REASON_KEYS:
                key = "other"  # the counters' labels stay few whatever arrives
            self._reasons[key] += 1
        try:
            self.state_db.add_dead_letter(topic, payload, reason, self._clock())
        except Exception as exc:  # noqa: BLE001 - counted and shown, never a dead loop thread
            with self._lock:
                self._losses[LOSS_DEAD_LETTER] += 1
            self._set_fault(f"dead letters cannot be recorded: {exc}")
            return
        self._set_fault(None)

    def _set_fault(self, fault: str | None) -> None:
        if fault and fault != self._fault:
            log.error("ingest: %s", fault)
        self._fault = fault[:300] if fault else None

    def refused_by_store(self, readings: Sequence[Reading], reason: str) -> None:
        """Points the store refused for good: into the dead letters with the store's reason."""
        for reading in readings[:100]:
            topic = f"store:{self.prefix}/{reading.kind}/{reading.device_id}/state"
            payload = orjson.dumps({"ts": reading.ts.isoformat(), **reading.fields})
            self._reject(topic, payload, f"store refused: {reason}")

    def absorb(self, readings: list[Reading], messages: int, rejected: int, reasons: dict[str, int]) -> None:
        """Take what a subscriber process accepted and counted: live state, listeners, counters."""
        with self._lock:
            self._messages += messages
            self._readings += len(readings)
            self._rejected += rejected
            self._reasons.update(reasons)
            if messages:
                self._last_message_at = self._clock()
        if readings:
            self.live.apply(readings)
            for listener in self._reading_listeners:
                self._call(listener, readings)

    def stats(self) -> IngestStats:
        with self._lock:
            return IngestStats(self.link.connected, self._messages, self._readings, self._rejected,
                               self._last_message_at, dict(self._reasons), self._fault, dict(self._losses),
                               self.writer.full)

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        return self.state_db.dead_letters(limit)

    def unknown_devices(self) -> list[UnknownDevice]:
        return self.state_db.unknown_devices()
