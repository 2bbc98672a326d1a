#!/usr/bin/env python3
"""Every benchmark in one command, one after another (each prints its ratios against a raw limit measured in the
same run). Not part of the test suite or CI's pass/fail.

    .venv/bin/python bench/run_all.py [--only ingest,cameras,memory] [--quick]

`--quick` runs each on a smaller load (for a first look; quote only full runs)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# name: (script, full-run arguments, quick-run arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "ingest": ("ingest.py", [], ["--readings", "20000"]),
    "broker_persistence": ("broker_persistence.py", [], ["--messages", "2000"]),
    "cameras": ("cameras.py", [], ["--streams", "8", "--seconds", "10"]),
    "dashboard": ("dashboard.py", [], ["--days", "14", "--rounds", "10"]),
    "province": ("province.py", [], ["--communes", "20", "--minutes", "2"]),
    "memory": ("memory.py", [], ["--minutes", "3"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="smaller loads")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    failed = []
    for name in names:
        script, full, quick = BENCHMARKS[name]
        if not (BENCH / script).exists():
            continue
        print(f"\n=== {name} ({script}) ===", flush=True)
        start = time.monotonic()
        code = subprocess.run([sys.executable, str(BENCH / script), *(quick if args.quick else full)]).returncode
        print(f"--- {name}: {'ok' if code == 0 else f'exit {code}'} in {time.monotonic() - start:.0f} s", flush=True)
        if code:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
