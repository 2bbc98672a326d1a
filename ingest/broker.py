"""The embedded MQTT broker (amqtt, in-process) for a PC with no Mosquitto: started only when nothing answers."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

log = logging.getLogger(__name__)


def broker_answers(host: str, port: int, timeout_s: float = 1.0) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


class EmbeddedBroker:
    """amqtt running on its own event loop in a daemon thread; anonymous, bound to the configured address."""

    name = "embedded-broker"

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: object | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="coc-embedded-broker", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=15) or self._error is not None:
            raise RuntimeError(f"the embedded MQTT broker could not start on {self.host}:{self.port}: {self._error}")
        log.info("embedded MQTT broker listening on %s:%d", self.host, self.port)

    def _run(self) -> None:
        from amqtt.broker import Broker

        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}", "max_connections": 200}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        try:
            self._broker = Broker(config, loop=self._loop)
            self._loop.run_until_complete(self._broker.start())  # type: ignore[attr-defined]
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    def alive(self) -> bool:
        """False once its thread ended (the supervisor then starts it again)."""
        return self._thread is None or self._thread.is_alive()

    def stop(self) -> None:
        if self._loop is None or self._broker is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop)  # type: ignore[attr-defined]
        try:
            future.result(timeout=10)
        except Exception:  # noqa: BLE001 - shutting down anyway
            log.warning("embedded broker did not shut down cleanly")
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(timeout=10)
