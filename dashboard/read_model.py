"""The read model the pages hold: the request's context seen through its scope and the domain readers got from it
(`rm.reads(sensor_reads)`, `rm.reads(alert_reads)` ...), which give the pages frozen views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from dashboard.context import AppContext, ProvinceReads
from dashboard.scoped import seen_through_scope
from dashboard.site import SiteConfig

R = TypeVar("R")


class ReadModel:
    """Reads every data source through the app context; a missing source gives an empty answer and a note."""

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] | None = None) -> None:
        self._ctx = ctx
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tz = ZoneInfo(ctx.config.commune.timezone)

    @property
    def _seen(self) -> AppContext:
        """The context as the current request may read it (at a province: narrowed to the caller's communes); pages
        never get it: they get a domain reader of it (`reads`)."""
        return seen_through_scope(self._ctx)

    @property
    def config(self) -> SiteConfig:
        """The configuration the pages read (the same for every scope)."""
        return self._ctx.config

    @property
    def province(self) -> ProvinceReads | None:
        """At a province center, its communes as this request may see them (None at a commune's COC)."""
        return self._seen.province

    def reads(self, reader: Callable[[AppContext], R]) -> R:
        """A domain's reader of the context this request reads, e.g. `rm.reads(system_reads)`: pages and panels
        get their typed reader this way, never the context itself."""
        return reader(self._seen)

    def now(self) -> datetime:
        return self._clock()

    def local(self, ts: datetime) -> datetime:
        return ts.astimezone(self._tz)

    def missing(self) -> list[str]:
        """Names of the data sources that are not running."""
        ctx = self._seen
        parts = {"live": ctx.live, "store": ctx.store, "alerts": ctx.alerts, "cameras": ctx.cameras,
                 "indicators": ctx.indicators}
        return [name for name, part in parts.items() if part is None]


def read_model_of(ctx: AppContext) -> ReadModel:
    """The read model of a context (the app's, or a commune's at a province), made once: kept in ctx.extras."""
    made = ctx.extras.get("read_model")
    if not isinstance(made, ReadModel):
        made = ctx.extras["read_model"] = ReadModel(ctx)
    return made

