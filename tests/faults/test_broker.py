"""The broker fails: killed (kill -9) while it holds a backlog for a stopped COC, and restarted in the middle of a
stream; with the shipped commune broker (NATS, config/nats-commune.conf) and with Mosquitto (config/mosquitto.conf).
Nothing acknowledged is lost. (A power cut of the whole PC: test_power_cut.py.)"""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.faults.conftest import StreamPublisher, config_text, running, sqlite_values, tally_values
from tests.polling import wait_until

BACKLOG = 5_000


def test_broker_killed_while_holding_a_backlog_for_a_stopped_coc(tmp_path: Path, any_broker) -> None:
    broker = any_broker
    text = config_text(tmp_path, broker.port)
    with running(text):
        pass  # COC's persistent session is now known to the broker; COC is stopped
    publisher = StreamPublisher(broker.port)
    publisher.publish(range(BACKLOG))
    assert publisher.wait_acked(BACKLOG) == BACKLOG
    publisher.close()
    time.sleep(2.5)  # longer than Mosquitto's shipped autosave_interval (1 s); NATS wrote each before its PUBACK
    assert broker.process is not None
    broker.process.send_signal(signal.SIGKILL)  # a power cut
    broker.process.wait()
    broker.start()  # same port, same persistence file
    with running(text):
        wait_until(lambda: len(set(sqlite_values(tmp_path / "readings.sqlite"))) >= BACKLOG, "the backlog", 60)
    tally = tally_values(set(range(BACKLOG)), sqlite_values(tmp_path / "readings.sqlite"))
    print(f"broker kill -9 with a backlog: {tally}")
    assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (BACKLOG, BACKLOG, 0, 0)


def test_broker_restarted_mid_stream(tmp_path: Path, any_broker) -> None:
    broker = any_broker
    total = 10_000
    with running(config_text(tmp_path, broker.port)) as rt:
        publisher = StreamPublisher(broker.port)
        publisher.publish_in_background(range(total), per_second=2000)  # about 5 s: the restart lands inside it
        wait_until(lambda: len(sqlite_values(tmp_path / "readings.sqlite")) > total // 4, "the stream flowing")
        stored_at_restart = len(sqlite_values(tmp_path / "readings.sqlite"))
        broker.restart()  # SIGTERM, start again on the same port; both clients reconnect by themselves
        assert publisher.wait_acked(total, 120) == total
        wait_until(lambda: len(set(sqlite_values(tmp_path / "readings.sqlite"))) >= total, "the whole stream", 90)
        tally = tally_values(set(range(total)), sqlite_values(tmp_path / "readings.sqlite"))
        assert (tally.sent, tally.stored, tally.lost, tally.duplicated) == (total, total, 0, 0)
        assert stored_at_restart < total, "the stream was stored before the restart: nothing was tested"
        wait_until(lambda: rt.ingest.stats().connected, "ingest connected again", 30)
        publisher.close()
