"""What the web app reads from: the services run_coc.py hands to the app factory (one object, no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config.schema import CocConfig


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
    config_path: Any = None    # pathlib.Path of the running configuration file (/admin checks it again)
    province: Any = None       # province.runtime.ProvinceView at a province center: each commune's context
    extras: dict[str, Any] = field(default_factory=dict)  # the dashboard's own caches (read model, users)


def current_context() -> AppContext:
    """The context this request reads: a commune's at a province center when the request names one the caller may
    see (the guard chose it: `?commune=` on the API), otherwise the app's own."""
    from flask import current_app, g

    chosen = g.get("coc_context")
    return chosen if chosen is not None else current_app.config["COC_CONTEXT"]
