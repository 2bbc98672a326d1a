"""The web server every COC runs its Flask/Dash app in: werkzeug's threaded server in a thread of its own, a part
with a name, start(), stop() and health (the commune's wiring and the province's both use it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from supervision.part import PartHealth, thread_health

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.serving import BaseWSGIServer


@dataclass
class WebServer:
    """The Flask/Dash app served by werkzeug's threaded server in a thread."""

    app: Flask
    host: str
    port: int
    name: str = "web"
    _server: BaseWSGIServer | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> None:
        from werkzeug.serving import make_server

        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="coc-web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def health(self) -> PartHealth:
        return thread_health(self.name, self._thread)


def local_url(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server bound to `host` (all interfaces: the loopback)."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
