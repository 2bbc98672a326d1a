#!/usr/bin/env python3
"""COC's command line and the one place that wires the parts together (boot order in `build_runtime`)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import paho.mqtt.client as mqtt_client

    from alerts.service import AlertService
    from camera.hub import CameraHub
    from camera.models import MqttLink
    from camera.service import CameraService
    from configfile.schema import CocConfig
    from dashboard.context import AppContext
    from dashboard.server import WebServer
    from indicators.service import IndicatorService
    from ingest.broker import EmbeddedBroker
    from ingest.live_state import LiveState
    from ingest.service import IngestService
    from ingest.settings import MqttConfig
    from ingest.state_db import StateDb, StateFileWatch
    from ingest.store import Store
    from ingest.workers import WorkerPool
    from ingest.writer import BatchWriter
    from loudspeakers.service import LoudspeakerService
    from province.runtime import ProvinceRuntime
    from sensors.models import SimDevice
    from supervision.part import Part, PartHealth
    from supervision.shell import Shell
    from supervision.signals import StopRequest
    from supervision.supervisor import Supervisor

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]  # add_subparsers(): each command adds its own
ROOT = Path(__file__).resolve().parent
DEMO_CONFIG = ROOT / "config" / "demo.yaml"
log = logging.getLogger("coc")


@dataclass(frozen=True)
class Runtime:
    """The running parts, typed: what `build_runtime` made, and its shell (the parts in boot order). Tests and
    benchmarks use it as it is."""

    config: CocConfig
    store: Store
    state_db: StateDb
    writer: BatchWriter
    live: LiveState
    ingest: IngestService
    alerts: AlertService
    context: AppContext
    shell: Shell
    broker: EmbeddedBroker | None = None  # when COC runs its own
    workers: WorkerPool | None = None  # with mqtt.workers > 1
    cameras: CameraService | None = None  # the worker processes (none when no camera is enabled)
    indicators: IndicatorService | None = None
    devices: tuple[Part, ...] = ()  # the demo's simulated devices
    web: WebServer | None = None
    state_file: StateFileWatch | None = None  # degraded while the state file cannot be written
    url: str = ""

    @property
    def supervisor(self) -> Supervisor:
        return self.shell.supervisor

    @property
    def parts(self) -> tuple[Part, ...]:
        """Boot order: state file, broker, writer, the parts ingest feeds, ingest, its workers, devices, web,
        supervisor."""
        return self.shell.boot_order

    def start(self) -> None:
        """Start every part in order; if one fails, the ones started are stopped in reverse and the error raised."""
        self.shell.start()

    def stop(self, progress: Callable[[str], None] | None = None) -> None:
        """Every part told that COC is stopping (no restarts, no alarms from the stop), then stopped in reverse boot
        order: web and ingest first (nothing more is acknowledged), the writer after them (what was acknowledged is
        durable), the embedded broker last. `progress` hears each part's name as it is stopped."""
        self.shell.stop(progress)


def setup_logging(verbose: bool = False) -> None:
    from ingest.redact import RedactingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for noisy in ("werkzeug", "urllib3", "amqtt", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def load(path: Path) -> CocConfig:
    from configfile.loader import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"Configuration {path} has {len(exc.problems)} problem(s):\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as exc:
        print(f"Cannot read configuration {path}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(2) from None


def build_runtime(config: CocConfig, demo: bool = False, store: Store | None = None, web: bool = True,
                  config_path: Path | None = None) -> Runtime:
    """Create every configured part in boot order: broker, stores, writer, the parts ingest feeds, ingest, web;
    then the app context, once, over them. `store` replaces the configured store (tests wrap a real one to inject
    faults); `web=False` leaves the web server out (the app context is still built, for tests that call the API
    through Flask's test client); `config_path`: the file /admin checks again (check-config)."""
    from configfile.secret_checks import file_check
    from dashboard.context import AppContext
    from dashboard.server import local_url
    from ingest.broker import EmbeddedBroker, broker_answers
    from ingest.pipeline import PipelineSettings, build_pipeline
    from ingest.workers import WorkerPool
    from supervision.shell import Shell

    mqtt = config.mqtt
    broker = None
    if mqtt.embedded == "always" or (mqtt.embedded == "auto" and not broker_answers(mqtt.host, mqtt.port)):
        broker = EmbeddedBroker(mqtt.host, mqtt.port)
    config, state_file = usable_state_file(config)
    settings = PipelineSettings.of(config)
    pipeline = build_pipeline(settings, store=store, seed_live=True)
    store, state_db, writer, live, ingest = (pipeline.store, pipeline.state_db, pipeline.writer, pipeline.live,
                                             pipeline.ingest)
    alerts = alert_service(config, ingest)
    cameras, hub = camera_parts(config)
    indicators = indicator_service(config, store, hub, alerts)
    workers = WorkerPool(settings, ingest) if mqtt.workers > 1 else None
    devices = demo_devices(config, ingest) if demo else ()
    # the parts ingest feeds start before it and stop after it
    shell = Shell.of([state_file, broker, writer, alerts, cameras, _DemoFigures(indicators) if demo else indicators,
                      ingest, workers, *devices])
    ctx = AppContext(config=config, store=store, live=live, ingest=ingest, state_db=state_db, writer=writer,
                     alerts=alerts, loudspeakers=loudspeakers_of(alerts), cameras=hub, indicators=indicators,
                     ingest_workers=workers, supervisor=shell.supervisor,
                     check_config=file_check(config_path))
    server = web_server(ctx) if web else None
    return Runtime(config=config, store=store, state_db=state_db, writer=writer, live=live, ingest=ingest,
                   alerts=alerts, context=ctx, shell=shell.then(server), broker=broker, workers=workers,
                   cameras=cameras, indicators=indicators, devices=devices, web=server, state_file=state_file,
                   url=local_url(config.web.host, config.web.port))


def web_server(ctx: AppContext) -> WebServer:
    """The web app over the finished context, served where `web:` says."""
    from dashboard.app import create_app
    from dashboard.server import WebServer

    return WebServer(create_app(ctx).server, ctx.config.web.host, ctx.config.web.port)


def usable_state_file(config: CocConfig) -> tuple[CocConfig, StateFileWatch]:
    """The configuration COC runs with, and the state file's part: when the state file cannot be written (a
    read-only or failed disk), COC runs on a temporary copy instead of stopping, and the part says why and how to
    fix it (readings do not depend on it: they go to the store or the spool, or stay unacknowledged at the broker)."""
    from ingest.state_db import StateFileWatch, fall_back, state_file_problem

    problem = state_file_problem(config.storage.state_path)
    if problem is None:
        return config, StateFileWatch()
    fallback = fall_back(config.storage.state_path, problem)
    log.error("%s", fallback.reason())
    storage = config.storage.model_copy(update={"state_path": fallback.copy})
    return config.model_copy(update={"storage": storage}), StateFileWatch(fallback)


def demo_devices(config: CocConfig, ingest: IngestService) -> tuple[Part, ...]:
    """The demo's simulated PAM Air and flood devices: first the past 24 hours (as a device flushes its buffer,
    so the indices and charts have history), then live readings at each device's interval. The history waits for
    the ingester's subscription: a fresh broker keeps nothing for a subscriber that has not subscribed yet."""
    from ingest.mqtt_link import make_client
    from sensors.simulator import SimulatorPublisher, make_devices

    def factory(client_id: str) -> mqtt_client.Client:
        return make_client(config.mqtt, client_id, persistent=False)

    devices = make_devices(config.sensors)
    live = SimulatorPublisher(config.mqtt.host, config.mqtt.port, config.mqtt.topic_prefix, devices,
                              "normal", None, 1, 1.0, factory)
    mqtt = config.mqtt
    return (DemoHistory(mqtt.host, mqtt.port, mqtt.topic_prefix, devices, factory,
                        ready=lambda: ingest.wait_subscribed(60)), live)


@dataclass
class DemoHistory:
    """Publishes each simulated device's last 24 hours once at start, as JSON arrays at QoS 1."""

    host: str
    port: int
    prefix: str
    devices: list[SimDevice]
    client_factory: Callable[[str], mqtt_client.Client]
    ready: Callable[[], bool] | None = None  # waits until the ingester can receive; False: it did not in time
    name: str = "demo-history"

    def start(self) -> None:
        from datetime import UTC, datetime

        from sensors.simulator import Simulation, history_batches, state_topic

        if self.ready is not None and not self.ready():
            log.warning("demo: the ingester has not subscribed yet; publishing the history anyway")
        client = self.client_factory("coc-demo-history")
        client.connect(self.host, self.port)
        client.loop_start()
        now, simulation = datetime.now(UTC), Simulation(seed=0)
        infos = [client.publish(state_topic(self.prefix, d), batch, qos=1)
                 for d in self.devices for batch in history_batches(simulation, d, now)]
        for info in infos:
            info.wait_for_publish(30)
        client.disconnect()
        client.loop_stop()
        log.info("demo: published 24 hours of history for %d devices", len(self.devices))

    def stop(self) -> None:
        pass


def alert_service(config: CocConfig, ingest: IngestService) -> AlertService:
    """Alert rules fed by the ingester's listeners; health of broker and store for the system rule."""
    from alerts.air_index import StoreAirIndex
    from alerts.remote import listen_for_province_acks
    from alerts.sections import AlertSections
    from alerts.service import AlertService
    from loudspeakers.service import announcer
    from sensors.flood import alarm_level

    writer = ingest.writer
    service = AlertService(
        AlertSections.of(config), config.mqtt.topic_prefix, config.mqtt, config.storage.state_path, ingest.live,
        air_index=StoreAirIndex(writer.store),
        flood_level=lambda sensor, cm: alarm_level(cm, sensor.alarm_levels_cm or ()),
        health=lambda: {"broker": ingest.link.connected, "store": writer.stats().store_ok},
        announcer=announcer(config.loudspeakers, config.commune, config.alerts.rules, config.mqtt,
                            config.mqtt.topic_prefix),
    )
    ingest.add_reading_listener(service.on_readings)
    ingest.add_event_listener(service.on_camera_event)
    ingest.add_status_listener(service.on_status)
    listen_for_province_acks(ingest, service)  # acknowledgements made at the province
    return service


def loudspeakers_of(alerts: AlertService) -> LoudspeakerService | None:
    """The hamlets' loudspeakers the alert service carries as a channel (None when they are off)."""
    from loudspeakers.service import LoudspeakerService

    return alerts.announced if isinstance(alerts.announced, LoudspeakerService) else None


def camera_parts(config: CocConfig) -> tuple[CameraService | None, CameraHub | None]:
    """Camera worker processes (analysis, events on MQTT; none when every camera is disabled) and the web side's
    hub of frames and status (none without cameras)."""
    if not config.cameras:
        return None, None
    from camera.hub import CameraHub
    from camera.service import CameraService

    workers = None
    if any(camera.enabled for camera in config.cameras):
        workers = CameraService(config.cameras, config.camera, camera_link(config.mqtt), config.mqtt.topic_prefix,
                                config.commune.timezone)
    return workers, CameraHub(config.cameras, config.camera, config.commune.timezone)


def camera_link(mqtt: MqttConfig) -> MqttLink:
    """How camera workers reach the broker: the `mqtt:` section, TLS files included."""
    from camera.models import MqttLink
    from ingest.settings import TlsConfig

    tls = mqtt.tls if isinstance(mqtt.tls, TlsConfig) else None
    files = {name: str(getattr(tls, name)) if tls and getattr(tls, name) else None
             for name in ("ca_file", "cert_file", "key_file")}
    return MqttLink(host=mqtt.host, port=mqtt.port, username=mqtt.username, password=mqtt.password,
                    tls=bool(mqtt.tls), **files, tls_insecure=bool(tls and tls.insecure),
                    client_id=f"{mqtt.client_id}-camera", keepalive_s=mqtt.keepalive_s)


def indicator_service(config: CocConfig, store: Store, hub: CameraHub | None, alerts: AlertService,
                      ) -> IndicatorService:
    """The KPI engine on the store, the alerts' acknowledgement times and the cameras' availability."""
    from indicators.sections import IndicatorSections
    from indicators.service import IndicatorService

    return IndicatorService(IndicatorSections.of(config), store=store, cameras=hub, alerts=alerts,
                            first_refresh_delay_s=30)


@dataclass
class _DemoFigures:
    """Starts the KPI engine, then loads the four seed communes' demo figures (idempotent)."""

    service: IndicatorService
    name: str = "indicators"

    def start(self) -> None:
        self.service.start()
        self.service.load_demo()

    def stop(self) -> None:
        self.service.stop()

    def health(self) -> PartHealth:
        from supervision.part import health_of

        return health_of(self.service)


def cmd_run(args: argparse.Namespace) -> int:
    config_path = DEMO_CONFIG if args.demo and args.config is None else Path(args.config or "config/coc.yaml")
    config = load(config_path)
    from configfile.secret_checks import weak_secrets

    if not args.demo and (problems := weak_secrets(config, config_path)):
        print(f"Configuration {config_path} has {len(problems)} secret(s) a real installation must not run with "
              "(only `run --demo` accepts them):\n" + "\n".join(map(str, problems)), file=sys.stderr)
        return 2
    from configfile.schema import ProvinceCenterConfig

    runtime: Runtime | ProvinceRuntime
    if isinstance(config, ProvinceCenterConfig):
        from province.runtime import build_province_runtime

        runtime = build_province_runtime(config, config_path.parent, config_path=config_path)
    else:
        runtime = build_runtime(config, demo=args.demo, config_path=config_path)
    from supervision.signals import StopRequest
    from supervision.supervisor import PartFailedToStart

    request = StopRequest().install()  # SIGTERM (systemd, kill, the UPS) or Ctrl+C: the one stop path below
    try:
        runtime.start()
    except PartFailedToStart as exc:
        print(f"COC could not start: {exc}", file=sys.stderr)
        return 1
    name = config.province.name if isinstance(config, ProvinceCenterConfig) else config.commune.name
    print(f"COC {name}: {runtime.url}", flush=True)
    if args.demo:
        print_demo_logins(config)
    request.wait()
    return stop_runtime(runtime, request)


STOP_BUDGET_S = 20.0
"""A stop that takes longer is ended at once (the systemd unit's TimeoutStopSec is longer, so COC says why)."""


def stop_runtime(runtime: Runtime | ProvinceRuntime, request: StopRequest) -> int:
    """Stop every part (reverse boot order) under a deadline; exit status 0 for a requested stop."""
    import time

    from supervision.signals import stop_deadline

    log.info("stopping (%s)", request.name)
    started, current = time.monotonic(), ["-"]
    guard = stop_deadline(STOP_BUDGET_S, lambda: current[0])
    try:
        runtime.stop(progress=lambda name: current.__setitem__(0, name))
    finally:
        guard.cancel()
    log.info("stopped in %.1f s", time.monotonic() - started)
    return 0


def print_demo_logins(config: CocConfig) -> None:
    from dashboard.settings import Role

    homes = {Role.ADMIN: "admin", Role.OPERATOR: "wall/overview", Role.POLICE: "cameras", Role.LEADER: "kpi"}
    print("Demo logins (username / password):", flush=True)
    for user in config.auth.users:
        print(f"  {user.username} / {user.username}-demo  ({user.role.value}, /{homes[user.role]})", flush=True)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load(Path(args.config or "config/coc.yaml"))
    print(f"{args.config or 'config/coc.yaml'}: OK ({len(config.sensors)} sensors, {len(config.cameras)} cameras, "
          f"{len(config.walls)} wall screens)")
    from configfile.secret_checks import weak_secrets

    for problem in weak_secrets(config, Path(args.config or "config/coc.yaml")):
        print(f"note: `run` refuses this outside --demo: {problem}", file=sys.stderr)
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from dashboard.auth import hash_password

    password = args.password
    if password is None:
        password = getpass.getpass("Mật khẩu / password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if len(password) < 8:
        print("password must have at least 8 characters", file=sys.stderr)
        return 2
    print(hash_password(password))
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


def cmd_simulate(args: argparse.Namespace) -> int:
    from ingest.mqtt_link import make_client
    from sensors.simulator import make_devices, run_simulation

    config = load(Path(args.config or "config/coc.yaml"))
    mqtt = config.mqtt
    devices = make_devices(config.sensors, args.devices)
    print(f"simulating {len(devices)} devices ({args.scenario}) on {mqtt.host}:{mqtt.port} "
          f"under {mqtt.topic_prefix}; Ctrl+C stops", flush=True)
    published = run_simulation(
        mqtt.host, mqtt.port, mqtt.topic_prefix, devices, args.scenario, rate=args.rate,
        duration_s=args.duration, seed=args.seed, time_scale=args.time_scale,
        client_factory=lambda cid: make_client(mqtt, cid, persistent=False),
    )
    print(f"{published} messages published and acknowledged by the broker")
    return 0


def cmd_import_kpi(args: argparse.Namespace) -> int:
    from indicators.cli import main_import_kpi
    from indicators.sections import IndicatorSections

    config = load(Path(args.config or "config/coc.yaml"))
    return main_import_kpi(IndicatorSections.of(config), Path(args.file), commune=args.commune, progress=not args.quiet)


def cmd_repair_store(args: argparse.Namespace) -> int:
    from ingest.store_repair import repair_store

    config = load(Path(args.config or "config/coc.yaml"))
    return repair_store(config.storage, None if args.no_service else args.service)


def cmd_province_feed(args: argparse.Namespace) -> int:
    """One province ingest process for the communes whose files are named (ingest/province_feed.py)."""
    from ingest.province_feed import serve

    serve(args.nats, args.user, [load(Path(path)) for path in args.commune_config])
    return 0


def add_extra_commands(sub: Subcommands) -> None:
    sim = sub.add_parser("simulate", help="publish simulated sensor readings to the configured broker")
    sim.add_argument("--rate", type=float, help="messages per second in total (default: each device's interval)")
    sim.add_argument("--devices", type=int, help="how many devices (default: every configured one)")
    sim.add_argument("--duration", type=float, help="seconds to run (default: until Ctrl+C)")
    sim.add_argument("--scenario", choices=("normal", "storm", "smog"), default="normal")
    sim.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same readings")
    sim.add_argument("--time-scale", type=float, default=1.0, help="run the scenario this many times faster")
    kpi = sub.add_parser("import-kpi", help="import official figures (CSV or XLSX; long or wide form)")
    kpi.add_argument("file", help="the CSV or XLSX file")
    kpi.add_argument("--commune", help="commune id for wide files without a commune column (default: ours)")
    kpi.add_argument("--quiet", action="store_true", help="no progress bar")
    rep = sub.add_parser("repair-store", help="after a power cut: check the store, mend what keeps it from starting")
    rep.add_argument("--service", default="influxdb", help="systemd unit of a local InfluxDB, stopped and started "
                                                           "around the mend (default influxdb)")
    rep.add_argument("--no-service", action="store_true", help="leave InfluxDB alone (stop it yourself first)")
    feed = sub.add_parser("province-feed", help="one province ingest process: the communes' readings from the "
                                                "province's NATS cluster into the province's store")
    feed.add_argument("--nats", action="append", required=True, help="a cluster node's URL (repeat for each)")
    feed.add_argument("--user", default="coc-province-ingest", help="NATS user (password: COC_NATS_PASSWORD)")
    feed.add_argument("--commune-config", action="append", required=True,
                      help="a commune's COC configuration (repeat for each commune this process serves)")


EXTRA_COMMANDS: list[Callable[[Subcommands], None]] = [add_extra_commands]
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run, "check-config": cmd_check_config, "hash-password": cmd_hash_password,
    "simulate": cmd_simulate, "import-kpi": cmd_import_kpi, "repair-store": cmd_repair_store,
    "province-feed": cmd_province_feed,
}


def main(argv: list[str] | None = None, teardown: bool = True) -> int:
    """`teardown=False` (the command line): `run` ends the process at once after its clean stop."""
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args([*(argv or sys.argv[1:]), "run"])
    setup_logging(args.verbose)
    status = COMMANDS[args.command](args)
    if args.command == "run" and not teardown:
        exit_at_once(status)
    return status


def exit_at_once(code: int) -> None:
    """End the process without the interpreter's teardown: after `run` has stopped every part, that teardown is
    only seconds of garbage collection over the web app's modules (measured 1.5-5 s). Nothing is lost by skipping
    it: every part has stopped, what SQLite committed is with the kernel already (an exit, unlike a power cut, loses
    no written page), and the logs are flushed here."""
    import os

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(teardown=False))
