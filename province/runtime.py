"""The province center's parts, wired once (`run_coc.py run` with a `province:` configuration uses it, and so do
the tests): the feed from the cluster (one ingester, writer and store per commune), each commune's alarms mirrored
with acknowledgements sent back, the KPI engine over every commune's figures, the web app, and the supervisor."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from configfile.schema import ProvinceCenterConfig
from dashboard.context import AppContext
from dashboard.read.alerts import alert_reads
from dashboard.read.sensors import sensor_reads
from dashboard.server import local_url
from ingest.province_feed import FeedSettings, ProvinceFeed, build_pipelines
from province.alerts import AckResender, MirroredAlerts, ProvinceAlerts
from province.communes import commune_configs
from province.settings import ProvinceCommune
from province.view import CommuneSummary, summarise
from supervision.shell import Shell

if TYPE_CHECKING:
    from collections.abc import Callable

    from dashboard.read_model import ReadModel
    from dashboard.server import WebServer
    from indicators.service import IndicatorService
    from supervision.part import Part
    from supervision.supervisor import Supervisor

log = logging.getLogger(__name__)


@dataclass
class ProvinceView:
    """What the province's pages read: each commune's context (as its own COC's pages read theirs) and the
    summaries of the province wall."""

    communes: list[ProvinceCommune]
    contexts: dict[str, AppContext]
    ttl_s: float = 4.0  # every browser on the province wall shares one computation per interval
    _read_models: dict[str, ReadModel] = field(default_factory=dict)
    whole: ProvinceView | None = None  # the province's own view, when this one is narrowed to some communes
    _summaries: tuple[float, list[CommuneSummary]] = (0.0, [])
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def commune(self, commune_id: str) -> ProvinceCommune | None:
        return next((c for c in self.communes if c.id == commune_id), None)

    def read_model(self, commune_id: str) -> ReadModel:
        """The commune's read model, made once."""
        from dashboard.read_model import ReadModel

        if commune_id not in self.contexts:
            raise KeyError(commune_id)
        if commune_id not in self._read_models:
            ctx = self.contexts[commune_id]
            self._read_models[commune_id] = ctx.extras.setdefault("read_model", ReadModel(ctx))
        return self._read_models[commune_id]

    def within(self, allowed: frozenset[str]) -> ProvinceView:
        """The view of a caller who may see only these communes: theirs in `communes` and `contexts`, the same
        read models, and the summaries computed for everyone (then filtered)."""
        return ProvinceView([c for c in self.communes if c.id in allowed],
                            {c: ctx for c, ctx in self.contexts.items() if c in allowed}, self.ttl_s,
                            self._read_models, whole=self)

    def alerts(self) -> ProvinceAlerts:
        """The alarms of this view's communes as one alert service (the province-wide /api/alerts)."""
        return ProvinceAlerts({c: ctx.alerts for c, ctx in self.contexts.items()
                               if isinstance(ctx.alerts, MirroredAlerts)})  # a commune's alarms at the province

    def summaries(self, allowed: frozenset[str] | None = None) -> list[CommuneSummary]:
        """The communes this caller may see (None: all), in the configuration's order. Computed for every commune
        at most once per `ttl_s` (each commune's sensors read the store for their index), then filtered."""
        if self.whole is not None:
            mine = {c.id for c in self.communes}
            return [s for s in self.whole.summaries(allowed) if s.id in mine]
        with self._lock:
            made, every = self._summaries
            if time.monotonic() - made >= self.ttl_s:
                every = [self._summary(commune) for commune in self.communes]
                self._summaries = (time.monotonic(), every)
        return [s for s in every if allowed is None or s.id in allowed]

    def _summary(self, commune: ProvinceCommune) -> CommuneSummary:
        rm = self.read_model(commune.id)
        location = self.contexts[commune.id].config.commune.location or commune.location
        devices = sensor_reads(self.contexts[commune.id]).sensors()
        active = rm.reads(alert_reads).alerts("active")
        return summarise(commune, location, devices, [view.alert for view in active])


@dataclass(frozen=True)
class ProvinceRuntime:
    """The running parts of a province center, and its shell (the parts in boot order)."""

    config: ProvinceCenterConfig
    feed: ProvinceFeed
    view: ProvinceView
    context: AppContext
    resender: AckResender
    indicators: IndicatorService
    shell: Shell
    web: WebServer | None = None
    url: str = ""

    @property
    def supervisor(self) -> Supervisor:
        return self.shell.supervisor

    @property
    def parts(self) -> tuple[Part, ...]:
        return self.shell.boot_order

    def start(self) -> None:
        self.shell.start()

    def stop(self, progress: Callable[[str], None] | None = None) -> None:
        self.shell.stop(progress)


@dataclass
class _MirrorsClosing:
    """First in the boot order, so stopped last: each commune's mirrored alarms closed once nothing reads them."""

    mirrors: list[MirroredAlerts]
    name: str = "alert-mirrors"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        for mirror in self.mirrors:
            mirror.close()


def feed_settings(config: ProvinceCenterConfig) -> FeedSettings:
    cluster = config.province.cluster
    return FeedSettings(servers=tuple(cluster.servers), user=cluster.user, password=cluster.password,
                        stream=cluster.stream, durable=cluster.durable, replicas=cluster.replicas,
                        ack_wait_s=cluster.ack_wait_s)


def build_province_runtime(config: ProvinceCenterConfig, config_dir: Path, web: bool = True,
                           config_path: Path | None = None) -> ProvinceRuntime:
    """Every part of a province center from its configuration (`config_dir`: where relative commune files are;
    `config_path`: the file /admin checks again), in boot order; the app context made once, over them."""
    from configfile.secret_checks import file_check
    from indicators.sections import IndicatorSections
    from indicators.service import IndicatorService
    from ingest.state_db import StateDb

    province = config.province
    configs = commune_configs(config, config_dir)
    pipelines = build_pipelines(configs.values())
    feed = ProvinceFeed(feed_settings(config), {commune: p.ingest for commune, p in pipelines.items()})
    indicators = IndicatorService(IndicatorSections.of(config), first_refresh_delay_s=30)
    mirrors: dict[str, MirroredAlerts] = {}
    contexts: dict[str, AppContext] = {}
    for commune_id, commune_config in configs.items():
        pipeline = pipelines[commune_id]
        state_path = Path(commune_config.storage.state_path)
        mirrors[commune_id] = MirroredAlerts(commune_id, province.name,
                                             state_path.with_name(f"{state_path.stem}-alerts.sqlite"), feed.publish)
        contexts[commune_id] = AppContext(
            config=commune_config, store=pipeline.store, live=pipeline.live, ingest=pipeline.ingest,
            state_db=pipeline.state_db, writer=pipeline.writer, alerts=mirrors[commune_id], indicators=indicators)
    feed.alert_listeners.append(lambda commune, alert_id, body: _mirror(mirrors, commune, alert_id, body))
    view = ProvinceView(list(province.communes), contexts)
    resender = AckResender(list(mirrors.values()), province.cluster.command_retry_s)
    shell = Shell.of([_MirrorsClosing(list(mirrors.values())), indicators, feed, resender])
    ctx = AppContext(config=config, indicators=indicators, province=view, alerts=view.alerts(),
                     state_db=StateDb(config.storage.state_path),  # sessions, users added on /admin, audit
                     supervisor=shell.supervisor, check_config=file_check(config_path))
    server = None
    if web:
        from dashboard.app import create_app
        from dashboard.server import WebServer

        server = WebServer(create_app(ctx).server, config.web.host, config.web.port)
    return ProvinceRuntime(config=config, feed=feed, view=view, context=ctx, resender=resender,
                           indicators=indicators, shell=shell.then(server), web=server,
                           url=local_url(config.web.host, config.web.port))


def _mirror(mirrors: dict[str, MirroredAlerts], commune: str, alert_id: str, body: bytes) -> None:
    mirror = mirrors.get(commune)
    if mirror is not None:
        mirror.on_message(alert_id, body)
