"""Webhooks never follow a redirect: a 3xx is a failed delivery, and the host it points to receives nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest

from alerts.notify import WebhookChannel
from alerts.sections import AlertSections
from alerts.service import AlertService
from alerts.settings import WebhookConfig
from configfile.loader import parse_config
from ingest.live_state import LiveState
from sensors.models import Reading
from tests.polling import wait_until
from tests.servers import free_port

CONFIG = Path(__file__).resolve().parent.parent / "fixtures" / "alerts" / "config.yaml"


class Recorder:
    """A real HTTP server on a free port recording each request's path and headers; answers `status`."""

    def __init__(self, status: int, location: str | None = None) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.port = free_port()
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                seen.append((self.command, self.path, dict(self.headers)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = _answer  # noqa: N815 - http.server's naming

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirecting_webhook_is_a_failure_and_the_other_host_gets_nothing(
    tmp_path: Path, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = Recorder(200)  # "another host": another server on another port
    redirector = Recorder(status, f"http://localhost:{elsewhere.port}/steal")
    hooks = ("alerts:\n  notifications:\n    webhooks:\n"
             f"      - {{name: redirected, url: 'http://127.0.0.1:{redirector.port}/hook', retries: 2, "
             "backoff_s: 0.01, headers: {access_token: zalo-secret-token-0123456789}}\n")
    config = parse_config(CONFIG.read_text(encoding="utf-8") + hooks, "alerts.yaml",
                          environ={"DIR": str(tmp_path), "PORT": str(free_port())})
    service = AlertService(AlertSections.of(config), "coc/quang-tho", None, config.storage.state_path,
                           LiveState(config.sensors))
    service.start(tick=False)
    try:
        with caplog.at_level(logging.WARNING, logger="alerts.notify"):
            service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 400.0})])
            wait_until(lambda: service.channel_stats()["webhook:redirected"]["failed"] >= 1, "failure counted")
        assert service.channel_stats()["webhook:redirected"]["sent"] == 0
        assert [(m, p) for m, p, _ in redirector.requests] == [("POST", "/hook")]  # once: no retry, no follow
        assert redirector.requests[0][2].get("access_token") == "zalo-secret-token-0123456789"
        assert elsewhere.requests == []
        text = caplog.text
        assert f"HTTP {status} redirect to localhost:{elsewhere.port} refused" in text
        assert "webhooks never follow redirects" in text and "zalo-secret" not in text
    finally:
        service.stop()
        redirector.close()
        elsewhere.close()


def test_a_webhook_that_answers_200_is_still_delivered() -> None:
    receiver = Recorder(200)
    channel = WebhookChannel(WebhookConfig(name="ok", url=f"http://127.0.0.1:{receiver.port}/hook"))
    try:
        assert channel._deliver({"alert": "x"}) is True
        assert len(receiver.requests) == 1
    finally:
        receiver.close()
