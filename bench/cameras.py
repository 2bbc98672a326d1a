"""Camera benchmark: N RTSP streams (640x360 H.264, 15 fps, a key frame every 2 s) from the test RTSP server;
decode-only CPU (the floor: PyAV decoding every frame of the main stream, as the workers did before issue 22)
against the full camera service analysing each stream at 2 fps with the object stage (zones with
`objects: [person, vehicle]`) and the clip ring (packets of the last seconds kept for event clips); CPU per
stream, ratio to the floor, analysis lag, the number of streams this machine can sustain, and the added cost of
the HOG people check per candidate.

Two scenes, each against its own floor: `still` (nothing moves, faint sensor noise: the cameras decode key frames
only) and `moving` (a ball bouncing in every camera's zone all the time: every camera decodes every picture at
once, the worst case). Each is run with the cameras analysing their sub-stream (320x180, `detect_url`; the main
stream only copied into the clip ring) and with the main stream alone (a camera without a sub-stream).

    .venv/bin/python bench/cameras.py [--streams 31] [--seconds 30] [--scenes still,moving] [--modes sub,main]
        [--width 640] [--sub-width 320]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camera.models import MqttLink  # noqa: E402
from camera.runtime import RuntimeDir  # noqa: E402
from camera.service import CameraService  # noqa: E402
from camera.settings import CameraConfig, CameraSystemConfig, ZoneConfig  # noqa: E402
from tests.camera.conftest import RtspServer  # noqa: E402
from tests.servers import Mosquitto  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
RIGHT_HALF = [(0.5, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.0)]


def decode_only(url: str, streams: int, seconds: float, result: mp.Queue) -> None:
    """In a child process: decode every frame of every stream (PyAV, as the workers), convert none; report CPU
    and frames."""
    from camera.av_source import AvSource
    from camera.worker import quiet_backends

    quiet_backends()
    sources = [AvSource(url) for _ in range(streams)]
    opened = [s for s in sources if s.open()]
    counts = [0] * len(opened)
    stop = threading.Event()

    def pump(i: int) -> None:
        while not stop.is_set() and opened[i].grab():
            counts[i] += 1

    threads = [threading.Thread(target=pump, args=(i,), daemon=True) for i in range(len(opened))]
    for t in threads:
        t.start()
    time.sleep(3)  # settle
    c0, n0, t0 = cpu_self(), sum(counts), time.monotonic()
    time.sleep(seconds)
    cpu, frames, wall = cpu_self() - c0, sum(counts) - n0, time.monotonic() - t0
    stop.set()
    result.put((len(opened), cpu / wall, frames / wall / max(1, len(opened))))
    for t in threads:
        t.join(10)
    for s in opened:
        s.close()


def hog_cost_ms(repeats: int = 20) -> float:
    """Milliseconds of one HOG people check on a person-sized blob of a 640x360 frame (run per upright
    candidate in a zone that wants people, not per frame)."""
    from camera.motion import Blob
    from camera.objects import hog_person
    from tests.camera.frames import scene, with_person

    frame = with_person(scene(), 0.5, 0.6, 0.25)
    blob = Blob(1, 0.47, 0.47, 0.53, 0.73, 0.015)
    hog_person(frame, blob)
    t0 = time.process_time()
    for _ in range(repeats):
        hog_person(frame, blob)
    return (time.process_time() - t0) / repeats * 1000


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_of(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def run_floor(url: str, streams: int, seconds: float) -> tuple[int, float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=decode_only, args=(url, streams, seconds, queue))
    proc.start()
    opened, cores, fps = queue.get(timeout=seconds + 120)
    proc.join(10)
    return opened, cores, fps


def run_full(url: str, detect_url: str | None, streams: int, seconds: float, work: Path, broker_port: int) -> dict:
    cameras = [
        CameraConfig(
            id=f"bench-{i:02d}",
            name=f"Bench {i}",
            url=url,
            detect_url=detect_url,
            fps=2,
            zones=[ZoneConfig(name="phải", polygon=RIGHT_HALF, objects=["person", "vehicle"])],
        )
        for i in range(streams)
    ]
    system = CameraSystemConfig(
        snapshot_dir=work / "snap",
        runtime_dir=work / "run",
        clip_dir=work / "clips",
        review_log=work / "review.jsonl",
        access_log=work / "access.jsonl",
        workers=2,
    )
    service = CameraService(cameras, system, MqttLink(port=broker_port), "coc/bench")
    service.start()
    try:
        runtime = RuntimeDir(system.runtime_dir)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all(
            (st := runtime.read_status(c.id)) and st.online and st.analysis_fps > 0 for c in cameras
        ):
            time.sleep(1)
        print(f"  all connected after {time.monotonic() - deadline + 120:.0f} s")
        time.sleep(system.idle_after_s + 3)  # past the warm-up, when every picture is decoded
        pids = [p.pid for p in service._processes.values()]
        before = {c.id: runtime.read_status(c.id) for c in cameras}
        c0, t0 = cpu_of(pids), time.monotonic()
        time.sleep(seconds)
        cores = (cpu_of(pids) - c0) / (time.monotonic() - t0)
        statuses = [runtime.read_status(c.id) for c in cameras]
        rates = [
            (s.analysed_total - before[s.id].analysed_total)
            / max(s.updated_ts - before[s.id].updated_ts, 1e-3)
            for s in statuses
            if s and before.get(s.id)
        ]
    finally:
        service.stop()
    ok = [s for s in statuses if s and s.online]
    lags = sorted(s.lag_s for s in ok if s.lag_s is not None)
    return {
        "cores": cores,
        "online": len(ok),
        "key_frames_only": sum(1 for s in ok if s.key_frames_only),
        "analysis_fps_min": min(rates, default=0),
        "lag_max": lags[-1] if lags else None,
        "lag_median": lags[len(lags) // 2] if lags else None,
    }


SCENES = {"still": ("--scene", "still"), "moving": ("--scene", "bars")}


def bench_scene(scene: str, args: argparse.Namespace, work: Path, broker_port: int) -> list[dict]:
    """The floor and the camera service (each mode) on one scene; one row per mode."""
    size = ("--width", str(args.width), "--height", str(args.width * 9 // 16), "--sub-width", str(args.sub_width))
    server = RtspServer(user="bench", password="bench-pw", extra=(*SCENES[scene], "--sub-mount", "/sub", *size))
    server.start()
    rows = []
    try:
        opened, floor, decoded_fps = run_floor(server.url, args.streams, args.seconds)
        print(
            f"{scene}: decode only (floor): {opened} streams, {floor:.2f} cores, {floor / opened * 100:.2f} % of a "
            f"core per stream, {decoded_fps:.1f} frames/s per stream (load average {os.getloadavg()[0]:.1f})"
        )
        for mode in args.modes.split(","):
            detect = server.url.replace("/cam", "/sub") if mode == "sub" else None
            full = run_full(server.url, detect, args.streams, args.seconds, work / f"{scene}-{mode}", broker_port)
            full.update(scene=scene, mode=mode, floor=floor, load=os.getloadavg()[0])
            report(full, args.streams)
            rows.append(full)
    finally:
        server.stop()
    return rows


def report(full: dict, streams: int) -> None:
    what = "sub-stream analysed, main stream copied" if full["mode"] == "sub" else "main stream only"
    print(
        f"{full['scene']}, {what}: {full['cores']:.2f} cores, {full['cores'] / streams * 100:.2f} % of a core per "
        f"stream, ratio to floor {full['cores'] / full['floor']:.2f}x; key frames only on "
        f"{full['key_frames_only']}/{streams}; online {full['online']}/{streams}, slowest analysis rate "
        f"{full['analysis_fps_min']:.2f} fps, lag median {full['lag_median']} s, max {full['lag_max']} s "
        f"(load average {full['load']:.1f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=31)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--scenes", default="still,moving", help="still, moving or both")
    parser.add_argument("--modes", default="sub,main", help="sub (sub-stream analysed), main (main stream only)")
    parser.add_argument("--width", type=int, default=640, help="of the main stream (16:9)")
    parser.add_argument("--sub-width", type=int, default=320, help="of the sub-stream (16:9)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coc-bench-cameras-"))
    broker = Mosquitto(work / "mosquitto").start()
    print(
        f"{args.streams} RTSP streams {args.width}x{args.width * 9 // 16} H.264 15 fps, sub-streams "
        f"{args.sub_width}x{args.sub_width * 9 // 16} (one shared encoder each), "
        f"{args.seconds:.0f} s each phase, analysis at 2 fps"
    )
    try:
        rows = [row for scene in args.scenes.split(",") for row in bench_scene(scene, args, work, broker.port)]
    finally:
        broker.stop()
    print(f"HOG people check: {hog_cost_ms():.1f} ms of CPU per upright candidate in a zone that wants people")
    budget = os.cpu_count() or 1
    worst = max(rows, key=lambda r: r["cores"])
    per_stream = worst["cores"] / args.streams
    sustained = all(
        r["online"] == args.streams
        and (r["lag_max"] or 9) < 1.0
        and (r["scene"] == "still" or r["analysis_fps_min"] >= 1.8)
        for r in rows
    )
    print(
        f"{args.streams} streams sustained (2 fps while moving): {'yes' if sustained else 'NO'}; "
        f"worst case within one core: {'yes' if worst['cores'] <= 1.0 else 'NO'}"
    )
    print(
        f"estimated maximum on this machine in the worst case ({worst['scene']}, {worst['mode']}; {budget} cores, "
        f"85 % usable): {int(budget * 0.85 / per_stream)} streams"
    )
    return 0 if sustained else 1


if __name__ == "__main__":
    sys.exit(main())
