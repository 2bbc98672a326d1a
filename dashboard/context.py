"""What the web app reads from: the services run_coc.py hands to the app factory (one object, no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from config.problems import ConfigCheck
from config.schema import CocConfig
from dashboard.scope import EVERYTHING, Scope


@dataclass
class AppContext:
    """References to the running services; a part that is not running is None and its pages say so."""

    config: CocConfig
    store: Any = None          # ingest.store.Store
    live: Any = None           # ingest.live_state.LiveState
    ingest: Any = None         # ingest.service.IngestService (stats, dead letters, health)
    state_db: Any = None       # ingest.state_db.StateDb (SQLite app state)
    alerts: Any = None         # alerts service (issue 4)
    cameras: Any = None        # camera hub for the web process (issue 5)
    indicators: Any = None     # KPI engine (issue 6)
    writer: Any = None         # ingest.writer.BatchWriter (queued, spooled, faults, losses)
    ingest_workers: Any = None  # ingest.workers.WorkerPool when mqtt.workers > 1
    supervisor: Any = None     # supervision.supervisor.Supervisor: every part's health and restarts
    sensor_extras: Any = None  # (ctx, sensor, state) -> AQI / flood extras of /api/sensors
    check_config: Callable[[], ConfigCheck] | None = None  # /admin's check of the running file, from the wiring
    province: Any = None       # province.runtime.ProvinceView at a province center: each commune's context
    extras: dict[str, Any] = field(default_factory=dict)  # the dashboard's own caches (read model, users)
    scope: Scope = EVERYTHING  # the communes a request reads through this context (dashboard.scoped)


def current_scope() -> Scope:
    """The scope the guard decided for this request (every commune outside a request, and at a commune's COC)."""
    from flask import g, has_request_context

    return g.get("coc_scope", EVERYTHING) if has_request_context() else EVERYTHING


def current_context() -> AppContext:
    """The context this request reads: a commune's at a province center when the request names one the caller may
    see (the guard chose it: `?commune=` on the API), otherwise the app's own; either seen through the request's
    scope (dashboard.scoped), made once per request."""
    from flask import current_app, g

    if "coc_scoped_context" not in g:
        chosen = g.get("coc_context") or current_app.config["COC_CONTEXT"]
        g.coc_scoped_context = seen_through_scope(chosen)
    return g.coc_scoped_context


def seen_through_scope(ctx: AppContext) -> AppContext:
    """`ctx` as this request may read it (outside a request: as it is)."""
    from dashboard.scoped import scoped_context

    return scoped_context(ctx, current_scope())
