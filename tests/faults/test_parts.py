"""A part dies (its thread ends on an error nothing catches): the supervisor restarts it, /api/health says so while
it is down and counts the restart, and nothing the broker acknowledged is lost."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest.sqlite_store import SqliteStore
from sensors.models import Reading
from tests.faults.conftest import StreamPublisher, config_text, health, running, sqlite_values, tally_values
from tests.polling import wait_until

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


class ThreadKiller(BaseException):
    """Raised where only a bug would raise it: nothing in COC catches a BaseException, so the thread ends."""


class DyingStore(SqliteStore):
    """A real SQLite store whose writer thread dies in the middle of its n-th write."""

    def __init__(self, path: Path, die_on_write: int) -> None:
        super().__init__(path)
        self.writes = 0
        self.die_on_write = die_on_write

    def write(self, readings: Sequence[Reading]) -> None:
        self.writes += 1
        if self.writes == self.die_on_write:
            raise ThreadKiller("writer thread killed by the test")
        super().write(readings)


def test_the_writer_thread_dies_and_is_restarted(tmp_path: Path, mosquitto) -> None:
    store = DyingStore(tmp_path / "readings.sqlite", die_on_write=3)
    with running(config_text(tmp_path, mosquitto.port), store=store) as rt:
        publisher = StreamPublisher(mosquitto.port)
        publisher.publish(range(3000), per_second=3000)
        assert publisher.wait_acked(3000) == 3000
        wait_until(lambda: rt.supervisor.restarts["writer"] == 1, "the writer restarted", 30)
        wait_until(lambda: len(set(sqlite_values(tmp_path / "readings.sqlite"))) == 3000, "all stored", 60)
        tally = tally_values(set(range(3000)), sqlite_values(tmp_path / "readings.sqlite"))
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (3000, 3000, 0, 0)
        status, doc = health(rt)
        assert status == 200 and {"name": "writer", "state": "running", "detail": None, "restarts": 1} in doc["parts"]
        publisher.close()


def test_the_mqtt_loop_thread_dies_and_ingest_is_restarted(tmp_path: Path, mosquitto) -> None:
    with running(config_text(tmp_path, mosquitto.port)) as rt:
        died = threading.Event()

        def dies_once(readings: list[Reading]) -> None:
            if not died.is_set() and any(r.fields["pm25"] >= 5 for r in readings):
                died.set()
                raise ThreadKiller("MQTT loop thread killed by the test")

        rt.ingest.add_reading_listener(dies_once)
        publisher = StreamPublisher(mosquitto.port)
        publisher.publish(range(2000))
        assert publisher.wait_acked(2000) == 2000
        wait_until(lambda: rt.supervisor.restarts["ingest"] == 1, "ingest restarted", 30)
        wait_until(lambda: len(set(sqlite_values(tmp_path / "readings.sqlite"))) == 2000, "all stored", 60)
        tally = tally_values(set(range(2000)), sqlite_values(tmp_path / "readings.sqlite"))
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (2000, 2000, 0, 0)
        wait_until(lambda: health(rt)[0] == 200, "healthy again")
        publisher.close()
