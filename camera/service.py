"""The camera service: spreads the cameras over worker processes, keeps them running, forwards their logs,
and applies snapshot retention. Runs in the main process; the web process reads through `CameraHub`."""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing as mp
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


class _Forward(logging.Handler):
    """Hands a worker's log record to the logger of the same name in this process."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


def split_cameras(cameras: Sequence[CameraConfig], workers: int) -> list[tuple[CameraConfig, ...]]:
    """Deal the enabled cameras over at most `workers` groups, weighted by their analysis rate."""
    enabled = sorted((c for c in cameras if c.enabled), key=lambda c: -c.fps)
    groups: list[list[CameraConfig]] = [[] for _ in range(max(1, min(workers, len(enabled))))]
    for camera in enabled:
        min(groups, key=lambda g: sum(c.fps for c in g)).append(camera)
    return [tuple(g) for g in groups if g]


class CameraService:
    """Start / stop the camera workers (multiprocessing, spawn)."""

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
        self._stop = self._ctx.Event()
        self._log_queue = self._ctx.Queue(10000)
        self._listener = logging.handlers.QueueListener(self._log_queue, _Forward())
        self._processes: dict[int, mp.process.BaseProcess] = {}
        self._watch: _Watch | None = None
        self.restarts = 0

    def start(self) -> None:
        self.system.runtime_dir.mkdir(parents=True, exist_ok=True)
        self.system.snapshot_dir.mkdir(parents=True, exist_ok=True)
        if self.system.clips:
            self.system.clip_dir.mkdir(parents=True, exist_ok=True)
        self._listener.start()
        self._stop.clear()
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
            args=(plan, self._stop, self._log_queue),
            name=f"coc-camera-{plan.index}",
            daemon=True,
        )
        process.start()
        self._processes[plan.index] = process

    def respawn_dead(self) -> None:
        """Start again each worker process that ended although nobody stopped it."""
        for plan in self.plans:
            process = self._processes.get(plan.index)
            if process is not None and not process.is_alive() and not self._stop.is_set():
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

    def stop(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        for process in self._processes.values():
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join(2)
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
