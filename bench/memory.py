"""Demo memory benchmark: `run_coc.py run --demo` started in a temporary folder on free ports; every process it
runs (COC, its camera workers and ingest workers, the embedded broker) sampled for its PSS (proportional set size,
/proc/<pid>/smaps_rollup: shared library pages split between the processes that map them, so the total is what the
demo costs the machine), its RSS and its anonymous memory (heap, malloc arenas, pictures: what is not a file's
pages) every few seconds for N minutes. Prints each process at 2 minutes and at the end, the totals, and their
slopes after the first 2 minutes (least squares, MB per hour). Growth is read from the anonymous memory and the RSS:
PSS also moves when other programs using the same libraries start or end (the same venv's Python, numpy and OpenCV
pages are split with them), and so does a private-page count (a library page becomes private when the last other
program mapping it ends), without the demo's own memory changing.

    .venv/bin/python bench/memory.py [--minutes 10] [--every 10] [--config config/demo.yaml]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port  # noqa: E402

SETTLE_S = 120.0  # the figure: 2 minutes after start


@dataclass(frozen=True, slots=True)
class Sample:
    """One process at one time."""

    pid: int
    name: str
    pss_mb: float
    rss_mb: float
    anon_mb: float


def children(root: int) -> list[int]:
    """`root` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def sample(pid: int) -> Sample | None:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    kb = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return Sample(pid, describe(cmdline), kb.get("Pss", 0) / 1024, kb.get("Rss", 0) / 1024,
                  kb.get("Anonymous", 0) / 1024)


def describe(cmdline: list[bytes]) -> str:
    """A short name: the program, and for Python what it runs."""
    parts = [p.decode(errors="replace") for p in cmdline if p]
    if not parts:
        return "?"
    program = Path(parts[0]).name
    if program.startswith("python"):
        rest = [p for p in parts[1:] if not p.startswith("-")]
        if "-c" in parts and "multiprocessing" in " ".join(parts):
            return "python (multiprocessing child)"
        return f"python {' '.join(Path(p).name if '/' in p else p for p in rest[:3])}"
    return program


def slope_mb_per_h(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per hour."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx, my = sum(t for t, _ in points) / n, sum(v for _, v in points) / n
    var = sum((t - mx) ** 2 for t, _ in points)
    return 0.0 if var == 0 else sum((t - mx) * (v - my) for t, v in points) / var * 3600


def print_table(title: str, samples: list[Sample]) -> None:
    print(f"{title}: {len(samples)} processes, PSS {sum(s.pss_mb for s in samples):.0f} MB "
          f"(anon {sum(s.anon_mb for s in samples):.0f} MB, RSS {sum(s.rss_mb for s in samples):.0f} MB)")
    for s in sorted(samples, key=lambda s: -s.pss_mb):
        print(f"  {s.pss_mb:7.1f} MB PSS  {s.anon_mb:7.1f} MB anon  {s.rss_mb:7.1f} MB RSS  pid {s.pid:<7d} {s.name}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the demo's process group (it stops its parts in order), SIGKILL after 30 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=10, help="seconds between samples")
    parser.add_argument("--config", help="another configuration than the demo's (config/demo.yaml)")
    parser.add_argument("--csv", type=Path, help="also write every sample of every process here (seconds, pid, name, "
                        "PSS, anonymous and RSS MB), to see which process grows")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coc-bench-memory-"))
    env = dict(os.environ, COC_DATA_DIR=str(work / "data"), COC_DEMO_MQTT_PORT=str(free_port()),
               COC_DEMO_WEB_PORT=str(free_port()))
    command = [sys.executable, str(ROOT / "run_coc.py"), *(["--config", args.config] if args.config else []),
               "run", "--demo"]
    log = open(work / "coc.log", "wb")  # noqa: SIM115 - closed at the end
    csv = open(args.csv, "w") if args.csv else None  # noqa: SIM115 - closed at the end
    if csv:
        csv.write("seconds,pid,name,pss_mb,anon_mb,rss_mb\n")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    print(f"demo started (pid {proc.pid}) in {work}; sampling every {args.every:g} s for {args.minutes:g} min "
          f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    start = time.monotonic()
    totals: list[tuple[float, float]] = []
    anonymous: list[tuple[float, float]] = []
    resident: list[tuple[float, float]] = []
    at_settle: list[Sample] | None = None
    last: list[Sample] = []
    try:
        while (elapsed := time.monotonic() - start) < args.minutes * 60:
            if proc.poll() is not None:
                print(f"the demo ended (exit {proc.returncode}); see {work / 'coc.log'}")
                return 1
            last = [s for pid in children(proc.pid) if (s := sample(pid)) is not None]
            total = sum(s.pss_mb for s in last)
            totals.append((elapsed, total))
            anonymous.append((elapsed, sum(s.anon_mb for s in last)))
            resident.append((elapsed, sum(s.rss_mb for s in last)))
            if csv:
                csv.writelines(f"{elapsed:.0f},{s.pid},{s.name},{s.pss_mb:.1f},{s.anon_mb:.1f},{s.rss_mb:.1f}\n"
                               for s in last)
                csv.flush()
            print(f"{elapsed:6.0f} s  {len(last):2d} processes  PSS {total:6.0f} MB  RSS {resident[-1][1]:6.0f} MB  "
                  f"anon {anonymous[-1][1]:6.0f} MB  "
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)
            if at_settle is None and elapsed >= SETTLE_S:
                at_settle = last
                print_table("at 2 minutes", at_settle)
            time.sleep(args.every)
    finally:
        stop(proc)
        log.close()
        if csv:
            csv.close()
    print_table(f"at {totals[-1][0] / 60:.1f} minutes", last)
    after = [(t, v) for t, v in totals if t >= SETTLE_S]
    grown = {"anonymous": [(t, v) for t, v in anonymous if t >= SETTLE_S],
             "RSS": [(t, v) for t, v in resident if t >= SETTLE_S]}
    if at_settle is not None:
        print(f"total PSS at 2 minutes: {sum(s.pss_mb for s in at_settle):.0f} MB "
              f"(anon {sum(s.anon_mb for s in at_settle):.0f} MB)")
    print(f"total PSS at the end: {totals[-1][1]:.0f} MB; slope after 2 minutes: {slope_mb_per_h(after):+.0f} MB/h "
          f"over {len(after)} samples; peak {max(v for _, v in totals):.0f} MB")
    for name, points in grown.items():
        if points:
            print(f"total {name} from 2 minutes to the end: {min(v for _, v in points):.0f}-"
                  f"{max(v for _, v in points):.0f} MB; slope {slope_mb_per_h(points):+.1f} MB/h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
