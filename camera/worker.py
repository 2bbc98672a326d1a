"""A camera worker process: runs its share of the cameras (readers, analysis, watchdog) until told to stop.
Its log records travel to the parent process through a queue."""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from camera.models import MqttLink
from camera.settings import CameraConfig, CameraSystemConfig

LOOP_S = 0.05


@dataclass(frozen=True, slots=True)
class WorkerPlan:
    """What one worker process runs."""

    index: int
    cameras: tuple[CameraConfig, ...]
    system: CameraSystemConfig
    mqtt: MqttLink
    topic_prefix: str
    timezone: str


def quiet_backends() -> None:
    """Keep FFmpeg and OpenCV from printing to stderr (their messages can carry camera URLs) and from
    starting thread pools of their own: one worker already runs many cameras."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
    import cv2

    cv2.setNumThreads(1)


def worker_main(plan: WorkerPlan, stop: Event, log_queue: Queue | None) -> None:
    """Entry point of a worker process."""
    # Ctrl+C in a terminal reaches the whole process group; the parent stops its workers through `stop`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if log_queue is not None:
        root = logging.getLogger()
        root.handlers[:] = [logging.handlers.QueueHandler(log_queue)]
        root.setLevel(logging.INFO)
    quiet_backends()
    from camera.publisher import EventPublisher
    from camera.runner import CameraRunner
    from camera.runtime import RuntimeDir

    log = logging.getLogger("camera.worker")
    publisher = EventPublisher(plan.mqtt, plan.topic_prefix, f"w{plan.index}-{os.getpid()}")
    publisher.start()
    thread_stop = threading.Event()
    runtime = RuntimeDir(plan.system.runtime_dir)
    runners = [
        CameraRunner(c, plan.system, plan.timezone, runtime, publisher, thread_stop) for c in plan.cameras
    ]
    for runner in runners:
        runner.start()
    log.info("camera worker %d: %d cameras", plan.index, len(runners))
    try:
        while not stop.is_set():
            if os.getppid() != parent:
                log.warning("camera worker %d: the COC process is gone, stopping", plan.index)
                break
            now = time.time()
            for runner in runners:
                try:
                    runner.tick(now)
                except Exception:
                    log.exception("camera %s: analysis error", runner.camera.id)
            stop.wait(LOOP_S)
    finally:
        thread_stop.set()
        for runner in runners:
            runner.reader.join(6.0)
            runner.close()
        publisher.stop()
        log.info("camera worker %d: stopped", plan.index)
