"""`run_coc.py run --demo` as a subprocess on free ports with its data in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class DemoProcess:
    """The running demo: its process, web address and broker port."""

    proc: subprocess.Popen[str]
    base: str
    broker_port: int


def start_demo(data_dir: Path) -> DemoProcess:
    web, broker = free_port(), free_port()
    env = {**os.environ, "COC_DATA_DIR": str(data_dir), "COC_DEMO_WEB_PORT": str(web),
           "COC_DEMO_MQTT_PORT": str(broker)}
    proc = subprocess.Popen([sys.executable, "run_coc.py", "run", "--demo"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return DemoProcess(proc, f"http://127.0.0.1:{web}", broker)
