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


def test_a_torn_tail_is_quarantined_and_counted_and_the_good_lines_kept(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append(batch(0, 3))
    spool.append(batch(3, 2))
    segment = next(tmp_path.glob("*.spool"))
    with segment.open("ab") as fh:
        fh.write(b'[["f-1","flood",1700')  # the write a crash cut short
    reopened = Spool(tmp_path)
    assert reopened.pending == 5 and reopened.quarantined_lines == 1
    assert next(tmp_path.glob("*.torn")).read_bytes() == b'[["f-1","flood",1700\n'
    seen: list[Reading] = []
    assert reopened.replay(seen.extend) == 5 and seen == batch(0, 3) + batch(3, 2)


def test_a_bad_line_before_the_replay_mark_keeps_the_mark_on_the_right_batch(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    for start in (0, 10, 20):
        spool.append(batch(start, 2))
    segment = next(tmp_path.glob("*.spool"))
    lines = segment.read_bytes().split(b"\n")
    segment.write_bytes(b"\n".join([lines[0], b"garbage", *lines[1:]]))
    segment.with_suffix(".done").write_text("2")  # the first batch and the garbage line were replayed
    reopened = Spool(tmp_path)
    seen: list[Reading] = []
    reopened.replay(seen.extend)
    assert seen == batch(10, 2) + batch(20, 2) and reopened.quarantined_lines == 1


def test_a_failed_append_never_glues_the_next_batch_to_a_partial_line(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append(batch(0, 1))
    segment = next(tmp_path.glob("*.spool"))
    with segment.open("ab") as fh:
        fh.write(b'[["f-1"')  # a partial line that a failed truncate left behind
    spool.append(batch(1, 1))
    seen: list[Reading] = []
    Spool(tmp_path).replay(seen.extend)
    assert seen == batch(0, 1) + batch(1, 1)


def test_an_unwritable_spool_folder_raises_a_plain_reason_and_does_not_stop_the_start(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    spool = Spool(blocker / "spool")  # cannot be created: COC still starts
    with pytest.raises(OSError, match=f"at {blocker / 'spool'}"):
        spool.append(batch(0, 1))
