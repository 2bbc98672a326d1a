"""ingest/store_repair.py on real files: InfluxDB's data folder read from its own configuration, series-file segments
left as zeros found (its index files and healthy segments left alone), the mend moving them out of the data folder,
and `run_coc.py repair-store` on SQLite databases, intact and damaged. (The whole story against a real InfluxDB cut
by a power cut: tests/faults/test_power_cut.py.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from ingest.settings import InfluxConfig
from ingest.store_repair import SERIES_MAGIC, damaged_series, diagnose_influx, influx_data_dir, move_aside

ROOT = Path(__file__).resolve().parents[2]


def influx_files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "influxdb" / "data"
    conf = tmp_path / "influxdb.conf"
    conf.write_text(f'reporting-disabled = true\n[meta]\n  dir = "{tmp_path}/meta"\n[data]\n  dir = "{data}"\n')
    for database, head in (("coc", b"\0" * 16), ("other", SERIES_MAGIC + b"\x01" + b"\0" * 11)):
        for partition in ("00", "01"):
            folder = data / database / "_series" / partition
            folder.mkdir(parents=True)
            (folder / "0000").write_bytes(head + b"\0" * 4096)
            (folder / "index").write_bytes(b"\0" * 64)  # an index file, not a segment
    return conf, data


def test_zeroed_series_segments_are_found_and_moved_out_of_the_data_folder(tmp_path: Path) -> None:
    conf, data = influx_files(tmp_path)
    assert influx_data_dir(conf) == data
    damaged = damaged_series(data)
    assert {name: [p.relative_to(data).as_posix() for p in paths] for name, paths in damaged.items()} == {
        "coc": ["coc/_series/00/0000", "coc/_series/01/0000"]}
    diagnosis = diagnose_influx(InfluxConfig(url="http://127.0.0.1:8086", server_config=conf))
    assert diagnosis is not None and "'coc'" in diagnosis.reason_vi and "repair-store" in diagnosis.fix_vi
    assert diagnose_influx(InfluxConfig(url="http://10.0.0.5:8086", server_config=conf)) is None  # not this PC
    moved = move_aside(data, damaged, datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert moved == [tmp_path / "influxdb" / "damaged-20261207T080000Z" / "coc" / "_series"]
    assert (moved[0] / "00" / "0000").exists()
    assert not (data / "coc" / "_series").exists() and (data / "other" / "_series").exists()
    assert sorted(p.name for p in (data / "coc").iterdir()) == []  # nothing InfluxDB would take for a policy
    assert damaged_series(data) == {}


def repair_store(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "coc.yaml"
    config.write_text(f"""
commune: {{id: quang-tho, name: "Xã Quảng Thọ"}}
storage: {{backend: sqlite, sqlite: {{path: {tmp_path}/readings.sqlite}}, state_path: {tmp_path}/state.sqlite}}
web: {{secret_key: repair-test-secret-0123456789abcdef}}
""")
    return subprocess.run([sys.executable, "run_coc.py", "--config", str(config), "repair-store"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_repair_store_checks_sqlite_and_names_a_damaged_database(tmp_path: Path) -> None:
    for name in ("readings", "state"):
        with sqlite3.connect(tmp_path / f"{name}.sqlite") as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    ok = repair_store(tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("nguyên vẹn / intact") == 2
    with (tmp_path / "readings.sqlite").open("r+b") as fh:  # the table's page overwritten with garbage
        fh.seek(4096)
        fh.write(b"\xff" * 4096)
    damaged = repair_store(tmp_path)
    assert damaged.returncode == 1
    assert "readings.sqlite: HỎNG" in damaged.stdout and "state.sqlite: nguyên vẹn" in damaged.stdout
