"""Ingest subscriber processes: with `mqtt.workers` > 1, state messages are shared among processes through an MQTT
shared subscription; each validates and writes its share, and hands accepted readings and counts to the main one."""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.pipeline import PipelineSettings, build_pipeline
from ingest.service import IngestService
from sensors.models import Reading
from supervision.part import LoopThread, PartHealth, PartState

log = logging.getLogger(__name__)
FORWARD_EVERY_S = 0.05
Packed = tuple[str, str, int, dict[str, float]]  # device id, kind, microseconds since the epoch, fields
Batch = tuple[list[Packed], int, int, dict[str, int], int, dict[str, int], str | None]
# readings, messages, rejected, reasons, worker index, its losses so far, its fault now (None when fine)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def pack(reading: Reading) -> Packed:
    """A reading as plain values for the queue: pickling a slotted dataclass costs a Python call per object."""
    return reading.device_id, reading.kind, (reading.ts - EPOCH) // MICROSECOND, reading.fields


def unpack(packed: Packed) -> Reading:
    device_id, kind, micros, fields = packed
    return Reading(device_id, kind, EPOCH + micros * MICROSECOND, fields)


class WorkerPool(LoopThread):
    """`mqtt.workers - 1` subscriber processes beside the main ingester (which is the remaining member); its loop
    takes what they accepted and counted, their losses and their faults."""

    name = "ingest-workers"
    interval_s = 0.0

    def __init__(self, settings: PipelineSettings, main: IngestService) -> None:
        super().__init__()
        self.settings = settings
        self.losses: dict[int, dict[str, int]] = {}  # per worker: readings or messages it knows it lost
        self.faults: dict[int, str] = {}  # per worker: why it cannot make readings durable now
        self.main = main
        self._ctx = mp.get_context("spawn")
        self._queue: Any = self._ctx.Queue(maxsize=1000)
        self._stop = self._ctx.Event()
        self._subscribed: Any = self._ctx.Array("b", max(1, settings.mqtt.workers))  # flag per subscriber process
        self._procs: list[Any] = []

    def start(self) -> None:
        self._stop.clear()
        for index in range(1, self.settings.mqtt.workers):
            proc = self._ctx.Process(target=run_worker,
                                     args=(self.settings, index, self._queue, self._stop, self._subscribed),
                                     name=f"coc-ingest-w{index}", daemon=True)
            proc.start()
            self._procs.append(proc)
        super().start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        for proc in self._procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
        self._procs = []
        self.turn()  # what the workers sent while stopping
        super().stop(timeout_s)

    def health(self) -> PartHealth:
        health = super().health()
        dead = [proc.name for proc in self._procs if not proc.is_alive()]
        if health.state is PartState.RUNNING and dead:
            return PartHealth(self.name, PartState.DEAD, f"subscriber process ended: {', '.join(dead)}")
        if health.state is PartState.RUNNING and self.faults:
            return PartHealth(self.name, PartState.DEGRADED, "; ".join(f"worker {i}: {f}"
                                                                        for i, f in sorted(self.faults.items())))
        return health

    def lost(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for losses in self.losses.values():
            out.update(losses)
        return dict(out)

    def alive(self) -> int:
        return sum(p.is_alive() for p in self._procs)

    def subscribed(self) -> int:
        """Subscriber processes connected and subscribed (each then holds its share of the shared subscription)."""
        return sum(1 for index, proc in enumerate(self._procs, 1) if proc.is_alive() and self._subscribed[index])

    def wait_subscribed(self, timeout_s: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.subscribed() == len(self._procs):
                return True
            time.sleep(0.05)
        return False

    def turn(self) -> None:
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            try:
                packed, messages, rejected, reasons, index, losses, fault = self._queue.get(timeout=0.2)
            except queue.Empty:
                return
            self.losses[index] = losses
            if fault:
                self.faults[index] = fault
            else:
                self.faults.pop(index, None)
            self.main.absorb([unpack(p) for p in packed], messages, rejected, reasons)


class _Forwarder:
    """In a worker: collects accepted readings and counter deltas, sends them to the main process in batches."""

    def __init__(self, ingest: IngestService, out: Any, index: int) -> None:
        self.ingest, self.out, self.index = ingest, out, index
        self._reported: tuple[dict[str, int], str | None] = ({}, None)
        self._lock = threading.Lock()
        self._readings: list[Packed] = []
        self._sent = (0, 0, Counter[str]())

    def collect(self, readings: list[Reading]) -> None:
        packed = [pack(r) for r in readings]
        with self._lock:
            self._readings.extend(packed)

    def flush(self) -> None:
        stats = self.ingest.stats()
        with self._lock:
            readings, self._readings = self._readings, []
        messages, rejected, reasons = self._sent
        delta = Counter(stats.reject_reasons)
        delta.subtract(reasons)
        written = self.ingest.writer.stats()
        losses = {**stats.losses, **written.losses}
        fault = written.fault or stats.fault
        if readings or stats.messages > messages or (losses, fault) != self._reported:
            self.out.put((readings, stats.messages - messages, stats.rejected - rejected,
                          {k: v for k, v in delta.items() if v}, self.index, losses, fault))
            self._sent = (stats.messages, stats.rejected, Counter(stats.reject_reasons))
            self._reported = (losses, fault)


def run_worker(settings: PipelineSettings, index: int, out: Any, stop: Any, subscribed: Any) -> None:
    """The body of subscriber process `index`: its own MQTT client, writer and spool on the shared store. SIGTERM or
    SIGINT (a service manager or Ctrl+C reaching the whole process group) stops it the same quiet way as `stop`."""
    from ingest.redact import RedactingFormatter
    from supervision.signals import StopRequest

    request = StopRequest().install()

    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(f"%(asctime)s %(levelname)s worker-{index} %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    pipeline = build_pipeline(settings, spool_dir=Path(settings.storage.spool_dir) / f"worker-{index}", worker=index)
    writer, ingest = pipeline.writer, pipeline.ingest
    forwarder = _Forwarder(ingest, out, index)
    ingest.add_reading_listener(forwarder.collect)
    writer.start()
    ingest.start()
    while not stop.wait(FORWARD_EVERY_S) and not request.requested:
        subscribed[index] = ingest.subscribed
        forwarder.flush()
    subscribed[index] = False
    ingest.stop()
    writer.stop()
    forwarder.flush()
    time.sleep(0.1)
