"""The camera service: spreads the cameras over worker processes, keeps them running, forwards their logs,
and applies snapshot retention. Runs in the main process; the web process reads through `CameraHub`."""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Sequence

from camera.models import MqttLink
from camera.settings import CameraConfig, CameraSystemConfig
from camera.snapshots import prune_snapshots
from camera.worker import WorkerPlan, worker_main
from supervision.part import LoopThread, PartHealth, PartState

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 600.0
SUPERVISE_EVERY_S = 2.0
WORKERS_STOP_S = 5.0  # all workers together, after SIGTERM; then SIGKILL


class _LogForward:
    """A thread handing the workers' log records to the logger of the same name in this process. Unlike the
    standard QueueListener it needs no sentinel through the queue to stop, so a worker killed while writing to the
    queue cannot hold up COC's stop."""

    def __init__(self, records: mp.queues.Queue) -> None:
        self.records = records
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="coc-camera-logs", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                record: logging.LogRecord = self.records.get(timeout=0.2)
            except (queue.Empty, EOFError, OSError):
                continue
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)

    def stop(self, timeout_s: float = 1.0) -> None:
        """After the workers ended: what they logged last is forwarded (up to `timeout_s`), then the thread ends."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self.records.empty():
            time.sleep(0.02)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None


def split_cameras(cameras: Sequence[CameraConfig], workers: int) -> list[tuple[CameraConfig, ...]]:
    """Deal the enabled cameras over at most `workers` groups, weighted by their analysis rate."""
    enabled = sorted((c for c in cameras if c.enabled), key=lambda c: -c.fps)
    groups: list[list[CameraConfig]] = [[] for _ in range(max(1, min(workers, len(enabled))))]
    for camera in enabled:
        min(groups, key=lambda g: sum(c.fps for c in g)).append(camera)
    return [tuple(g) for g in groups if g]


class CameraService:
    """Start / stop the camera workers (multiprocessing, spawn). A worker is stopped by SIGTERM, the same signal a
    service manager sends the whole process group, so both stops take the same quiet path; no shared lock or event
    crosses the process boundary that a killed worker could leave held."""

    name = "cameras"

    def __init__(
        self,
        cameras: Sequence[CameraConfig],
        system: CameraSystemConfig,
        mqtt: MqttLink,
        topic_prefix: str,
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        self.system = system
        self.plans = [
            WorkerPlan(i, group, system, mqtt, topic_prefix, timezone)
            for i, group in enumerate(split_cameras(cameras, system.workers))
        ]
        self._ctx = mp.get_context("spawn")
        self._stopping = threading.Event()  # set from the first moment of a stop: nothing is restarted after it
        self._log_queue = self._ctx.Queue(10000)
        self._listener = _LogForward(self._log_queue)
        self._processes: dict[int, mp.process.BaseProcess] = {}
        self._watch: _Watch | None = None
        self.restarts = 0

    def start(self) -> None:
        self.system.runtime_dir.mkdir(parents=True, exist_ok=True)
        self.system.snapshot_dir.mkdir(parents=True, exist_ok=True)
        if self.system.clips:
            self.system.clip_dir.mkdir(parents=True, exist_ok=True)
        self._listener.start()
        self._stopping.clear()
        for plan in self.plans:
            self._spawn(plan)
        self._watch = _Watch(self)
        self._watch.start()
        log.info(
            "camera service: %d cameras in %d workers",
            sum(len(p.cameras) for p in self.plans),
            len(self.plans),
        )

    def _spawn(self, plan: WorkerPlan) -> None:
        process = self._ctx.Process(
            target=worker_main,
            args=(plan, self._log_queue),
            name=f"coc-camera-{plan.index}",
            daemon=True,
        )
        process.start()
        self._processes[plan.index] = process

    def respawn_dead(self) -> None:
        """Start again each worker process that ended although nobody stopped it."""
        for plan in self.plans:
            process = self._processes.get(plan.index)
            if self._stopping.is_set():
                return
            if process is not None and not process.is_alive():
                log.error("camera worker %d died (exit %s), restarting", plan.index, process.exitcode)
                self.restarts += 1
                self._spawn(plan)

    def health(self) -> PartHealth:
        """The watch loop's health; degraded while a worker process is down (it is being started again)."""
        if self._watch is None:
            return PartHealth(self.name, PartState.STOPPED)
        watch = self._watch.health()
        down = [i for i, p in self._processes.items() if not p.is_alive()]
        if watch.ok and down:
            return PartHealth(self.name, PartState.DEGRADED, f"camera worker(s) {down} down, restarting")
        return PartHealth(self.name, watch.state, watch.detail)

    def apply_retention(self) -> int:
        """Delete snapshots and clips past their age or beyond their folder's size; return how many."""
        s = self.system
        deleted = 0
        for root, days, mb, pattern in (
            (s.snapshot_dir, s.snapshot_max_age_days, s.snapshot_max_mb, "*.jpg"),
            (s.clip_dir, s.clip_max_age_days, s.clip_max_mb, "*.mp4"),
            (s.record_dir, s.record_retention_days, s.record_max_mb, "*.mp4"),
        ):
            try:
                if root.is_dir():
                    deleted += prune_snapshots(root, days * 86400, int(mb * 1024 * 1024), pattern)
            except OSError:
                log.exception("retention of %s failed", root)
        return deleted

    def alive(self) -> int:
        return sum(p.is_alive() for p in self._processes.values())

    def begin_stop(self) -> None:
        """COC is stopping: a worker that ends from now on (the service manager's SIGTERM reaches the workers too)
        was stopped, it did not die; it is not started again."""
        self._stopping.set()

    def stop(self) -> None:
        self.begin_stop()
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        for process in self._processes.values():
            if process.is_alive():
                process.terminate()  # SIGTERM: the worker's own quiet stop
        deadline = time.monotonic() + WORKERS_STOP_S
        for index, process in self._processes.items():
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("camera worker %d did not stop within %.0f s; killing it", index, WORKERS_STOP_S)
                process.kill()
                process.join(2)
        self._processes.clear()
        self._listener.stop()
        log.info("camera service stopped")


class _Watch(LoopThread):
    """Every SUPERVISE_EVERY_S: worker processes that died are started again; retention every RETENTION_EVERY_S."""

    name = "camera-watch"
    interval_s = SUPERVISE_EVERY_S

    def __init__(self, service: CameraService) -> None:
        super().__init__()
        self.service = service
        self._next_retention = time.monotonic()

    def turn(self) -> None:
        self.service.respawn_dead()
        if time.monotonic() >= self._next_retention:
            self._next_retention = time.monotonic() + RETENTION_EVERY_S
            self.service.apply_retention()
