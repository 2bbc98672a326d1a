#!/usr/bin/env python3
"""COC's command line and the one place that wires the parts together (boot order in `build_runtime`)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent
DEMO_CONFIG = ROOT / "config" / "demo.yaml"
log = logging.getLogger("coc")


class Service(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Runtime:
    """The running parts, started in list order and stopped in reverse."""

    services: list[Any] = field(default_factory=list)
    context: Any = None
    url: str = ""

    def start(self) -> None:
        for service in self.services:
            service.start()

    def stop(self) -> None:
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception:  # noqa: BLE001 - stop the others anyway
                log.exception("stopping %s failed", getattr(service, "name", service))


@dataclass
class WebServer:
    """The Flask/Dash app served by werkzeug's threaded server in a thread."""

    app: Any
    host: str
    port: int
    name: str = "web"
    _server: Any = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        from werkzeug.serving import make_server

        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="coc-web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def setup_logging(verbose: bool = False) -> None:
    from ingest.redact import RedactingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for noisy in ("werkzeug", "urllib3", "amqtt", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def load(path: Path) -> Any:
    from config.loader import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"Configuration {path} has {len(exc.problems)} problem(s):\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as exc:
        print(f"Cannot read configuration {path}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(2) from None


def make_store(config: Any) -> Any:
    from ingest.influx_store import InfluxStore
    from ingest.sqlite_store import SqliteStore

    if config.storage.backend == "influxdb":
        return InfluxStore(config.storage.influxdb, config.commune.id)
    return SqliteStore(config.storage.sqlite.path)


def build_runtime(config: Any, demo: bool = False) -> Runtime:
    """Create every configured part in boot order: broker, stores, writer, ingest, domain services, web."""
    from dashboard.app import create_app
    from dashboard.context import AppContext
    from ingest.broker import EmbeddedBroker, broker_answers
    from ingest.live_state import LiveState
    from ingest.service import IngestService
    from ingest.spool import Spool
    from ingest.state_db import StateDb
    from ingest.store import StoreUnavailable
    from ingest.writer import BatchWriter

    rt = Runtime()
    mqtt = config.mqtt
    if mqtt.embedded == "always" or (mqtt.embedded == "auto" and not broker_answers(mqtt.host, mqtt.port)):
        rt.services.append(EmbeddedBroker(mqtt.host, mqtt.port))
    state_db = StateDb(config.storage.state_path)
    store = make_store(config)
    try:
        store.open()
    except StoreUnavailable as exc:
        log.warning("store not reachable at start (%s); readings will be spooled until it is", exc)
    writer = BatchWriter(store, Spool(config.storage.spool_dir), config.storage.batch_size,
                         config.storage.flush_interval_s, config.storage.queue_size)
    live = LiveState(config.sensors)
    try:
        live.seed(store.latest().values())
    except StoreUnavailable:
        pass
    ingest = IngestService(config, writer, live, state_db)
    ctx = AppContext(config=config, store=store, live=live, ingest=ingest, state_db=state_db)
    ctx.extras["writer"] = writer
    rt.services += [writer, ingest]
    for wire in PART_WIRINGS:
        wire(config, ctx, rt, demo)
    rt.context = ctx
    app = create_app(ctx)
    rt.services.append(WebServer(app.server, config.web.host, config.web.port))
    rt.url = f"http://{'127.0.0.1' if config.web.host in ('0.0.0.0', '::') else config.web.host}:{config.web.port}/"
    return rt


PART_WIRINGS: list[Callable[[Any, Any, Runtime, bool], None]] = []


def cmd_run(args: argparse.Namespace) -> int:
    config_path = DEMO_CONFIG if args.demo and args.config is None else Path(args.config or "config/coc.yaml")
    config = load(config_path)
    runtime = build_runtime(config, demo=args.demo)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runtime.start()
    print(f"COC {config.commune.name}: {runtime.url}", flush=True)
    if args.demo:
        print_demo_logins(config)
    stop.wait()
    log.info("stopping")
    runtime.stop()
    return 0


def print_demo_logins(config: Any) -> None:
    from dashboard.settings import Role

    homes = {Role.ADMIN: "admin", Role.OPERATOR: "wall/overview", Role.POLICE: "cameras", Role.LEADER: "kpi"}
    print("Demo logins (username / password):", flush=True)
    for user in config.auth.users:
        print(f"  {user.username} / {user.username}-demo  ({user.role.value}, /{homes[user.role]})", flush=True)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load(Path(args.config or "config/coc.yaml"))
    print(f"{args.config or 'config/coc.yaml'}: OK ({len(config.sensors)} sensors, {len(config.cameras)} cameras, "
          f"{len(config.walls)} wall screens)")
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from werkzeug.security import generate_password_hash

    password = args.password
    if password is None:
        password = getpass.getpass("Mật khẩu / password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if len(password) < 8:
        print("password must have at least 8 characters", file=sys.stderr)
        return 2
    print(generate_password_hash(password, method="scrypt"))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run_coc.py", description="COC: the commune operations center")
    p.add_argument("--config", help="configuration file (default config/coc.yaml; config/demo.yaml with --demo)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run everything configured (the default)")
    run.add_argument("--demo", action="store_true", help="use config/demo.yaml with simulated devices and cameras")
    sub.add_parser("check-config", help="validate the configuration and print every mistake")
    hp = sub.add_parser("hash-password", help="print a password hash for auth.users")
    hp.add_argument("--password", help="the password (read from the terminal or stdin when absent)")
    for extra in EXTRA_COMMANDS:
        extra(sub)
    return p


EXTRA_COMMANDS: list[Callable[[Any], None]] = []
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run, "check-config": cmd_check_config, "hash-password": cmd_hash_password,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args([*(argv or sys.argv[1:]), "run"])
    setup_logging(args.verbose)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
