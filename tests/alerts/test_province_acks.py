"""An acknowledgement made at the province, arriving at the commune's broker as the bridge brings it home: the
commune COC (wired as run_coc builds it) applies it once in the province person's name, ignores repeats, and puts
a payload that is no acknowledgement in the dead letters with the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts.commands import AckCommand
from alerts.models import Status
from ingest.sqlite_store import SqliteStore
from tests.ingest.conftest import Publisher, make_config, start_pipeline
from tests.polling import wait_until

PREFIX = "coc/quang-tho"


def test_an_acknowledgement_from_the_province_is_applied_once_and_a_bad_one_is_dead_lettered(
        tmp_path: Path, mosquitto: Any) -> None:
    config = make_config(tmp_path, mosquitto.port)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    publisher = Publisher(mosquitto.port)
    alerts = pipe.runtime.alerts
    try:
        reading = {"ts": datetime.now(UTC).isoformat(), "water_level_cm": 380}
        publisher.send(f"{PREFIX}/flood/flood-01/state", json.dumps(reading))
        wait_until(lambda: len(alerts.active()) == 1, what="the flood alarm opened")
        [alarm] = alerts.active()
        command = AckCommand(alarm.id, "ioc", datetime.now(UTC), "Thành phố Huế", "operator", "Đã cử tổ ứng cứu")
        publisher.send(command.topic(PREFIX), command.encode())
        wait_until(lambda: alerts.active()[0].status is Status.ACKNOWLEDGED, what="acknowledged from the province")
        acked = alerts.active()[0]
        assert (acked.acknowledged_by, acked.acknowledged_note) == ("ioc (Thành phố Huế)", "Đã cử tổ ứng cứu")
        publisher.send(command.topic(PREFIX), command.encode())  # the province resends until it sees it
        publisher.send(f"{PREFIX}/acks/{alarm.id}", b'{"who": "ioc"}')
        wait_until(lambda: any(d.topic.startswith(f"{PREFIX}/acks/") for d in pipe.ingest.dead_letters(50)),
                   what="the bad acknowledgement dead-lettered")
        [letter] = [d for d in pipe.ingest.dead_letters(50) if d.topic.startswith(f"{PREFIX}/acks/")]
        assert letter.reason.startswith("province acknowledgement refused: 'at' is not an ISO 8601 time")
        detail = alerts.get(alarm.id)
        assert detail is not None and [t.actor for t in detail.history].count("ioc (Thành phố Huế)") == 1
    finally:
        publisher.close()
        pipe.stop()
