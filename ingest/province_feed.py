"""Province ingest: COC's ingester fed from the province's NATS cluster instead of an MQTT subscription.

The communes' Mosquitto bridges publish into the cluster's MQTT interface; NATS turns `coc/<commune>/<kind>/<device>/
<channel>` into the subject `coc.<commune>.<kind>.<device>.<channel>`. NATS answers a QoS 1 PUBLISH (the PUBACK
that lets a bridge forget a message) once it has stored the message in its own MQTT stream `$MQTT_msgs` under
`$MQTT.msgs.<subject>` (replicated on the three nodes, on disk with `sync_interval: always`); a copy captured by
any other stream is made without waiting, so a node lost at that moment loses it although the bridge was answered
(seen: 791 of one commune's 1,200 readings in tests/province/test_province.py with a `COC` stream). So province ingest
reads `$MQTT_msgs` itself: an interest stream keeps each message until every consumer acknowledged it, and the
shared consumer (filter `$MQTT.msgs.coc.>`) is such a consumer. NATS' MQTT interface has no `$share/...` shared
subscriptions, so province ingest reads the stream through one durable JetStream pull consumer that several
processes share: each message goes to one process, and to another if it is not acknowledged within `ack_wait_s`
(the process died, or its node did).

Each message goes to the IngestService of its commune (built from that commune's own configuration: its devices,
its validation, its writer, spool and store, the InfluxDB database of the province with the tag `commune`), and is
acknowledged to JetStream only once what it gave is durable, as the MQTT path acknowledges its PUBACKs. Writes are
idempotent (device and time make the point), so a message delivered twice is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from ingest.pipeline import CommuneSections, Pipeline, PipelineSettings, build_pipeline
from ingest.service import IngestService
from supervision.part import PartHealth, PartState

log = logging.getLogger(__name__)

MQTT_MESSAGES = "$MQTT.msgs."  # NATS stores an MQTT QoS 1 message as `$MQTT.msgs.<subject>` in `$MQTT_msgs`


@dataclass(frozen=True)
class FeedSettings:
    """Where the province cluster is and how the shared consumer reads it."""

    servers: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    stream: str = "$MQTT_msgs"  # NATS' own stream of MQTT QoS 1 messages: what a bridge's PUBACK covers
    subjects: tuple[str, ...] = (f"{MQTT_MESSAGES}coc.>",)  # the shared consumer's filter
    replicas: int = 3
    durable: str = "coc-province-ingest"
    batch: int = 500
    ack_wait_s: float = 30.0
    max_ack_pending: int = 20_000
    # The feed's event loop marks each second that it runs; not running for this long means it is starved (a client
    # library spinning without yielding, as nats-py before 2.12 did on a connection closed while reconnecting): the
    # feed reports itself dead and the supervisor restarts it on a new thread and loop.
    starved_after_s: float = 30.0


@dataclass
class FeedCounters:
    messages: int = 0
    acked: int = 0
    unknown_commune: int = 0
    alerts: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)


def nats_subject(stored: str) -> str:
    """The subject an MQTT message was published on, from its subject in `$MQTT_msgs`."""
    return stored.removeprefix(MQTT_MESSAGES)


def mqtt_topic(subject: str) -> str:
    """The MQTT topic a NATS subject came from (NATS maps '/' to '.')."""
    return subject.replace(".", "/")


def commune_of(subject: str) -> str:
    parts = subject.split(".")
    return parts[1] if len(parts) > 1 else ""


def build_pipelines(configs: Iterable[CommuneSections]) -> dict[str, Pipeline]:
    """One COC data path per commune (commune.id), each with its writer, spool, state and store, as the commune's
    own COC builds it, without the MQTT connection (the feed hands its ingester the messages)."""
    pipelines: dict[str, Pipeline] = {}
    for config in configs:
        pipelines[config.commune.id] = build_pipeline(PipelineSettings.of(config))
    return pipelines


def build_services(configs: Iterable[CommuneSections]) -> dict[str, IngestService]:
    """The ingester of each commune's data path (`build_pipelines`): what a province ingest process feeds."""
    return {commune: pipeline.ingest for commune, pipeline in build_pipelines(configs).items()}


async def ensure_stream(js: Any, settings: FeedSettings) -> None:
    """The MQTT message stream and the shared consumer exist (created on first start; harmless later). NATS creates
    `$MQTT_msgs` when the first MQTT client connects, with this same configuration; created here first, it exists
    before any bridge sends. The consumer must exist before the bridges send: an interest stream keeps a message only
    for the consumers it has when the message arrives."""
    config = StreamConfig(name=settings.stream, subjects=[f"{MQTT_MESSAGES}>"], num_replicas=settings.replicas,
                          storage=StorageType.FILE, retention=RetentionPolicy.INTEREST)
    try:
        await js.add_stream(config)
    except BadRequestError:  # made by NATS with its own settings (e.g. another replica count): kept as it is
        log.info("stream %s exists with another configuration; left as it is", settings.stream)
    await js.add_consumer(settings.stream, ConsumerConfig(
        durable_name=settings.durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=settings.ack_wait_s,
        max_ack_pending=settings.max_ack_pending, filter_subject=settings.subjects[0]))


class ProvinceFeed:
    """One province ingest process's reader of the shared consumer (a thread with its own asyncio loop)."""

    name = "province-feed"

    def __init__(self, settings: FeedSettings, services: dict[str, IngestService]) -> None:
        self.settings = settings
        self.services = services
        self.counters = FeedCounters()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nc: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._beat = 0.0  # time.monotonic() when the event loop last ran
        # `<prefix>/alerts/<id>` is not a device topic: the ingester would refuse it; it goes to these listeners
        # (commune, alert id, payload; empty when the alert is closed), then is acknowledged
        self.alert_listeners: list[Callable[[str, str, bytes], None]] = []
        for service in services.values():
            service.acknowledge_with(self._durable)  # JetStream acknowledgements instead of MQTT PUBACKs

    def start(self) -> None:
        # a new event each start: a thread of an earlier start that never ended (starved) keeps its own, set one
        self._stopping = threading.Event()
        self._ready.clear()
        self._beat = time.monotonic()
        for service in self.services.values():
            service.writer.start()
        self._thread = threading.Thread(target=self._run, name="coc-province-feed", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout_s: float = 20) -> bool:
        """True once connected with the stream and the consumer in place."""
        return self._ready.wait(timeout_s)

    def stop(self, drain_s: float = 5.0) -> None:
        """Stop fetching, let the writers make what they hold durable (and acknowledge it), then disconnect."""
        self._stopping.set()
        for service in self.services.values():
            service.writer.drain(drain_s)
        if self._thread is not None:
            self._thread.join(timeout=30)
        for service in self.services.values():
            service.writer.stop()

    def publish(self, topic: str, payload: bytes, timeout_s: float = 5.0) -> None:
        """Publish on the cluster from any thread (MQTT topic; NATS subject with '.'): how the province's
        acknowledgements reach a commune's bridge. Raises when not connected or not flushed in time."""
        loop, nc = self._loop, self._nc
        if loop is None or loop.is_closed() or nc is None or not nc.is_connected:
            raise ConnectionError("province cluster not connected")

        async def send() -> None:
            await nc.publish(topic.replace("/", "."), payload)
            await nc.flush(timeout=timeout_s)

        asyncio.run_coroutine_threadsafe(send(), loop).result(timeout_s + 1)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def health(self) -> PartHealth:
        """Dead when its thread ended unasked; degraded until the stream and consumer are reachable."""
        if self._thread is None or self._stopping.is_set():
            return PartHealth(self.name, PartState.STOPPED)
        if not self._thread.is_alive():
            return PartHealth(self.name, PartState.DEAD, "the province feed thread ended")
        starved = time.monotonic() - self._beat
        if starved > self.settings.starved_after_s:
            return PartHealth(self.name, PartState.DEAD, f"the province feed's event loop has not run for "
                                                         f"{starved:.0f} s")
        nc = self._nc
        if self._ready.is_set() and nc is not None and not nc.is_connected:
            return PartHealth(self.name, PartState.DEGRADED, "province cluster not reachable: reconnecting")
        if not self._ready.is_set():
            last = self.counters.errors[-1] if self.counters.errors else "connecting"
            return PartHealth(self.name, PartState.DEGRADED, f"province cluster not reachable: {last}")
        return PartHealth(self.name, PartState.RUNNING)

    # -- the loop -----------------------------------------------------------------------------------------------

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            pending = asyncio.all_tasks(self._loop)  # the client's reconnect and flusher tasks
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    async def _heartbeat(self) -> None:
        while True:
            self._beat = time.monotonic()
            await asyncio.sleep(1)

    async def _main(self) -> None:
        s = self.settings
        stopping = self._stopping
        beat = asyncio.create_task(self._heartbeat())

        async def reconnected() -> None:
            self.counters.reconnects += 1

        async def error(exc: Exception) -> None:
            self.counters.errors = [*self.counters.errors[-9:], f"{type(exc).__name__}: {exc}"[:200]]

        nc = await nats.connect(list(s.servers), user=s.user, password=s.password, max_reconnect_attempts=-1,
                                reconnect_time_wait=0.5, allow_reconnect=True, reconnected_cb=reconnected,
                                error_cb=error, name="coc-province-ingest")
        self._nc = nc
        js = nc.jetstream()
        sub = None
        while not stopping.is_set():
            try:
                if sub is None:
                    await ensure_stream(js, s)
                    sub = await js.pull_subscribe_bind(s.durable, s.stream)
                    self._ready.set()
                if any(service.writer.full for service in self.services.values()):
                    await asyncio.sleep(0.05)  # back-pressure: the store is slower than the stream
                    continue
                messages = await sub.fetch(s.batch, timeout=1)
            except TimeoutError:  # nats-py raises its own TimeoutError or asyncio's (the same builtin)
                continue
            except Exception as exc:  # noqa: BLE001 - a node lost, a leader being elected: retry, never stop
                await error(exc)
                await asyncio.sleep(0.5)
                continue
            for message in messages:
                await self._handle(message)
        await asyncio.sleep(0.2)  # the last acknowledgements scheduled by the writers are sent
        with contextlib.suppress(Exception):
            await nc.flush(timeout=2)
        with contextlib.suppress(Exception):  # never drain(): it waits on the pull subscription's inbox
            await asyncio.wait_for(nc.close(), 5)
        beat.cancel()

    async def _handle(self, message: Any) -> None:
        self.counters.messages += 1
        subject = nats_subject(message.subject)
        commune = commune_of(subject)
        service = self.services.get(commune)
        parts = subject.split(".")
        if len(parts) >= 3 and parts[2] == "acks":  # the province's own commands on their way to a commune
            await message.ack()
            return
        if service is not None and len(parts) == 4 and parts[2] == "alerts":
            self.counters.alerts += 1
            for listener in self.alert_listeners:
                try:
                    listener(commune, parts[3], message.data)
                except Exception:  # noqa: BLE001 - one listener's failure does not stop the feed
                    log.exception("province feed: alert listener failed")
            await message.ack()
            return
        if service is None:  # a commune this province ingest does not serve: leave it to a process that does
            self.counters.unknown_commune += 1
            await message.nak(delay=5)
            return
        service.handle(mqtt_topic(subject), message.data, message)

    def _durable(self, acks: list[object]) -> None:
        """Called by a writer thread with the messages whose readings are durable, in order."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop ended: JetStream delivers them again
            asyncio.run_coroutine_threadsafe(self._ack(acks), loop)

    async def _ack(self, acks: list[object]) -> None:
        for message in acks:
            try:
                await message.ack()  # type: ignore[attr-defined]
                self.counters.acked += 1
            except Exception as exc:  # noqa: BLE001 - not acknowledged: delivered again after ack_wait
                self.counters.errors = [*self.counters.errors[-9:], f"ack: {exc}"[:200]]


def serve(servers: Sequence[str], user: str, communes: Iterable[CommuneSections]) -> None:
    """One province ingest process for these communes (`run_coc.py province-feed`; run two or more on different
    hosts with the same arguments: they share the consumer) until SIGTERM or Ctrl+C. The password is read from
    COC_NATS_PASSWORD, never from the command line."""
    import os
    import signal

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    feed = ProvinceFeed(FeedSettings(tuple(servers), user, os.environ.get("COC_NATS_PASSWORD")),
                        build_services(communes))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    feed.start()
    if not feed.wait_ready(60):
        log.error("province cluster not reachable at %s: %s", ", ".join(servers), feed.counters.errors)
    stop.wait()
    feed.stop()
