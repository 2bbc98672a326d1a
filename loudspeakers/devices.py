"""The loudspeaker clusters as devices over MQTT: `<prefix>/speaker/<id>/status` (online / offline, retained, the
cluster's last will), `<prefix>/speaker/<id>/state` ({"volume": 0-100, "playing": "…"}) and
`<prefix>/speaker/<id>/played` (the cluster's own report: {"label", "started_at", "ended_at", "completed"})."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ingest.mqtt_link import make_client
from ingest.settings import MqttConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClusterState:
    """What a cluster last said about itself."""

    id: str
    online: bool | None = None  # None: never heard from
    volume: int | None = None
    playing: str | None = None
    last_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlayedReport:
    """A cluster's own report of something it played."""

    cluster: str
    label: str
    started_at: str
    ended_at: str
    completed: bool
    received_at: datetime


def parse(kind: str, payload: bytes) -> dict[str, Any] | None:
    """A status word or a JSON object; None for what cannot be read."""
    text = payload.decode("utf-8", errors="replace").strip()
    if kind == "status":
        return {"online": text == "online"} if text in ("online", "offline") else None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class ClusterLink:
    """Subscribes to every known cluster's topics; `on_online(cluster, online)` is called on each change."""

    def __init__(self, cfg: MqttConfig, prefix: str, clusters: list[str],
                 on_online: Callable[[str, bool], None]) -> None:
        self.prefix, self.clusters, self._on_online = prefix.rstrip("/"), set(clusters), on_online
        self.states = {c: ClusterState(c) for c in clusters}
        self.reports: list[PlayedReport] = []
        self._lock = threading.Lock()
        self._client = make_client(cfg, "coc-loudspeakers", persistent=False)
        self._client.on_connect = lambda c, *_: c.subscribe(f"{self.prefix}/speaker/+/+", qos=1)
        self._client.on_message = self._message
        self._host, self._port, self._keepalive = cfg.host, cfg.port, cfg.keepalive_s

    def start(self) -> None:
        self._client.connect_async(self._host, self._port, self._keepalive)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _message(self, _client: Any, _userdata: Any, message: Any) -> None:
        parts = message.topic.split("/")
        cluster, kind = parts[-2], parts[-1]
        if cluster not in self.clusters or not message.payload:
            return
        value = parse(kind, message.payload)
        if value is None:
            log.warning("loudspeakers: unreadable %s from cluster %s", kind, cluster)
            return
        now = datetime.now(UTC)
        with self._lock:
            state = replace(self.states[cluster], last_seen=now)
            changed = None
            if kind == "status":
                changed = value["online"] if state.online != value["online"] else None
                state = replace(state, online=value["online"])
            elif kind == "state":
                volume = value.get("volume")
                state = replace(state, volume=int(volume) if isinstance(volume, int | float) else state.volume,
                                playing=str(value["playing"])[:200] if value.get("playing") else None)
            elif kind == "played":
                self.reports.append(PlayedReport(cluster, str(value.get("label", ""))[:200],
                                                 str(value.get("started_at", "")), str(value.get("ended_at", "")),
                                                 bool(value.get("completed", False)), now))
                del self.reports[:-500]
            self.states[cluster] = state
        if changed is not None:
            self._on_online(cluster, changed)
