"""The spool: durable, ordered, survives a restart, replays each batch once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.spool import Spool
from sensors.models import Reading

T0 = datetime(2026, 11, 23, tzinfo=UTC)


def batch(start: int, n: int) -> list[Reading]:
    return [Reading("f-1", "flood", T0 + timedelta(seconds=start + i, microseconds=7), {"water_level_cm": float(i)})
            for i in range(n)]


def test_replay_returns_batches_in_order_and_empties_the_spool(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append(batch(0, 3))
    spool.append(batch(3, 2))
    assert spool.pending == 5
    seen: list[Reading] = []
    assert spool.replay(seen.extend) == 5
    assert seen == batch(0, 3) + batch(3, 2)
    assert spool.pending == 0 and list(tmp_path.glob("*.spool")) == []


def test_a_failed_replay_resumes_after_the_last_written_batch_even_after_a_restart(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    for start in (0, 10, 20):
        spool.append(batch(start, 2))
    written: list[list[Reading]] = []

    def flaky(readings: list[Reading]) -> None:
        if len(written) == 1:
            raise ConnectionError("store went away")
        written.append(readings)

    with pytest.raises(ConnectionError):
        spool.replay(flaky)
    reopened = Spool(tmp_path)  # COC restarted
    assert reopened.pending == 4
    reopened.replay(written.append)
    assert written == [batch(0, 2), batch(10, 2), batch(20, 2)]
