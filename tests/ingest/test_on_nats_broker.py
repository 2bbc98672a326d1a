"""COC's MQTT ingest against the commune broker as shipped (NATS with its MQTT listener, config/nats-commune.conf):
the same tests as against Mosquitto (stored and served, a broker restart mid-stream, camera events, a queued burst
through the fast client), with the `mosquitto` fixture replaced by that broker. Not the bad-payload corpus: a topic
with a space in it never reaches COC through NATS, which closes that publisher's connection ("character not
supported for MQTT topics")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest.test_fast_client import (  # noqa: F401 - collected here against NATS
    test_a_queued_burst_arrives_complete_in_order_and_is_acknowledged,
)
from tests.ingest.test_mqtt_ingest import (  # noqa: F401 - collected here against NATS
    test_a_broker_restart_in_the_middle_of_a_stream_loses_nothing,
    test_camera_events_are_recorded,
    test_published_readings_are_stored_and_served_by_the_api,
)
from tests.servers import NatsBroker


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[NatsBroker]:
    """This module's broker: NATS as shipped, in place of the suite's Mosquitto."""
    broker = NatsBroker(tmp_path / "nats").start()
    yield broker
    broker.stop()
