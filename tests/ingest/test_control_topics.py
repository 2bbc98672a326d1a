"""Control topics with a real Mosquitto: the ingester hands a registered topic filter's messages to its handler
(topic, raw payload), records a refusal in the dead letters with the handler's reason, and reads nothing else as
a command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.sqlite_store import SqliteStore
from tests.ingest.conftest import Publisher, make_config, start_pipeline
from tests.polling import wait_until

PREFIX = "coc/quang-tho"


def test_a_control_handler_gets_its_topics_and_its_refusals_are_dead_lettered(tmp_path: Path, mosquitto: Any,
                                                                              publisher: Publisher) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    seen: list[tuple[str, bytes]] = []

    def handler(topic: str, payload: bytes) -> str | None:
        seen.append((topic, payload))
        return None if payload == b"go" else f"test command refused: {payload[:20]!r} is not go"

    def broken(_topic: str, _payload: bytes) -> str | None:
        raise RuntimeError("a bug in the handler")

    try:
        pipe.ingest.add_control_handler(f"{PREFIX}/test-ctl/+", handler)  # after connecting: subscribed at once
        pipe.ingest.add_control_handler(f"{PREFIX}/test-bug/#", broken)
        assert pipe.ingest.wait_subscribed(10), "the control topics were not subscribed"
        rejected = pipe.ingest.stats().rejected
        publisher.send(f"{PREFIX}/test-ctl/one", b"go")
        publisher.send(f"{PREFIX}/test-ctl/two", b"stop")
        publisher.send(f"{PREFIX}/test-bug/a/b", b"{}")
        publisher.send(f"{PREFIX}/test-other/one", b"go")  # no handler: not subscribed, never a command
        wait_until(lambda: pipe.ingest.stats().rejected >= rejected + 2, what="two refusals counted")
        assert seen == [(f"{PREFIX}/test-ctl/one", b"go"), (f"{PREFIX}/test-ctl/two", b"stop")]
        letters = {d.topic: d.reason for d in pipe.ingest.dead_letters(100)}
        assert letters[f"{PREFIX}/test-ctl/two"] == "test command refused: b'stop' is not go"
        assert letters[f"{PREFIX}/test-bug/a/b"] == "control handler failed: RuntimeError"
        assert f"{PREFIX}/test-ctl/one" not in letters and f"{PREFIX}/test-other/one" not in letters
        assert pipe.ingest.stats().reject_reasons["test command refused"] == 1
    finally:
        pipe.stop()
