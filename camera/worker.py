"""A camera worker process: runs its share of the cameras (readers, analysis, watchdog) until told to stop: by
SIGTERM (from the camera service, or from a service manager signalling the whole process group), after which it
stops its cameras and exits quietly with status 0. Its log records travel to the parent process through a queue."""

from __future__ import annotations

import ctypes
import logging
import logging.handlers
import os
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue

from camera.models import MqttLink
from camera.settings import CameraConfig, CameraSystemConfig

LOOP_S = 0.05
READERS_JOIN_S = 3.0  # all of a worker's readers together, once told to stop
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt() parameters (malloc.h)
MALLOC_ARENAS = 2
MMAP_THRESHOLD_BYTES = 128 * 1024


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


def limit_malloc() -> None:
    """Keep a worker's memory from growing with its cameras' threads. By default glibc gives each thread that
    allocates an arena of its own (up to 8 per core) and, once a large block is freed, raises the size from which
    blocks are mapped on their own to that size: the pictures of every reader thread then come from its arena, and
    what the arenas free stays in the process (measured by bench/memory.py: the demo's two workers held 170 and
    200 MB, 150 of it such blocks). Two arenas and a fixed 128 kB threshold (every picture mapped and unmapped on
    its own) cut that; called before the first thread starts. Without glibc this does nothing."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def worker_main(plan: WorkerPlan, log_queue: Queue[logging.LogRecord] | None) -> None:
    """Entry point of a worker process; returns (exit status 0) once SIGTERM asked it to stop."""
    limit_malloc()
    # Ctrl+C in a terminal reaches the whole process group; the parent stops its workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_requested = [False]  # the handler only sets a flag: the loop below notices it within LOOP_S
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.__setitem__(0, True))
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
        while not stop_requested[0]:
            if os.getppid() != parent:
                log.warning("camera worker %d: the COC process is gone, stopping", plan.index)
                break
            now = time.time()
            for runner in runners:
                try:
                    runner.tick(now)
                except Exception:
                    log.exception("camera %s: analysis error", runner.camera.id)
            time.sleep(LOOP_S)
    finally:
        thread_stop.set()
        deadline = time.monotonic() + READERS_JOIN_S
        for runner in runners:
            runner.join(max(0.0, deadline - time.monotonic()))
            runner.close()
        publisher.stop()
        log.info("camera worker %d: stopped", plan.index)
