"""`run_coc.py run --demo` as a subprocess on free ports with its data in a temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class DemoProcess:
    """The running demo: its process, web address, broker port and the file its output goes to."""

    proc: subprocess.Popen[str]
    base: str
    broker_port: int
    log_path: Path

    def stop(self, timeout_s: float = 60) -> str:
        """SIGTERM, as a service manager stops it; the whole output once it has exited."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_demo(data_dir: Path) -> DemoProcess:
    """Output goes to a file, not a pipe: a pipe nobody reads blocks the demo once it holds 64 KiB."""
    web, broker = free_port(), free_port()
    env = {**os.environ, "COC_DATA_DIR": str(data_dir), "COC_DEMO_WEB_PORT": str(web),
           "COC_DEMO_MQTT_PORT": str(broker)}
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / "demo-output.log"
    with log_path.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "run_coc.py", "run", "--demo"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    return DemoProcess(proc, f"http://127.0.0.1:{web}", broker, log_path)
