"""A store that does not come back after a power cut: why (in plain words, Vietnamese first) and the mend.

InfluxDB 1.x keeps each database's series keys in a series file (`<data>/<db>/_series/<partition>/<segment>`), written
through memory mappings and not synced when it is created. A power cut in the minutes after a database is created
leaves its segments all zeros on disk, and `influxd` then never gets past "Open store (start)": it does not answer
again. What InfluxDB acknowledged is still in its WAL (fsync'd before each answer), and with the default in-memory
index the series file is rebuilt from the shards and the WAL at start; so the mend is to move the damaged series file
aside (kept, never deleted, outside the data folder) and start InfluxDB again. SQLite (synchronous=FULL) is checked
with its integrity check.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from ingest.settings import InfluxConfig, StorageConfig

SERIES_MAGIC = b"SSEG"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
REPAIR_COMMAND = "sudo python run_coc.py repair-store"
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class StoreDiagnosis:
    """Why the store does not work, and what fixes it, in Vietnamese and English; the files concerned."""

    reason_vi: str
    reason_en: str
    fix_vi: str
    fix_en: str
    files: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.reason_vi} {self.fix_vi} / {self.reason_en} {self.fix_en}"

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason_vi, "fix": self.fix_vi, "reason_en": self.reason_en, "fix_en": self.fix_en,
                "files": list(self.files)}


def influx_data_dir(server_config: Path | None) -> Path | None:
    """The `[data] dir` of InfluxDB's own configuration file, or None when it cannot be read."""
    if server_config is None:
        return None
    try:
        doc = tomllib.loads(server_config.read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    folder = doc.get("data", {}).get("dir")
    return Path(folder) if isinstance(folder, str) else None


def damaged_series(data_dir: Path) -> dict[str, list[Path]]:
    """Per database, its series-file segments that do not start with InfluxDB's segment header (zeros after a
    power cut). Reading them is harmless while InfluxDB runs: it then sees its own pages."""
    out: dict[str, list[Path]] = {}
    try:
        databases = sorted(p for p in data_dir.iterdir() if p.is_dir())
    except OSError:
        return out
    for database in databases:
        for segment in sorted((database / "_series").glob("*/*")):
            if not (segment.is_file() and len(segment.name) == 4):
                continue  # segments are named 0000, 0001 ...; each partition also has an `index` file
            try:
                with segment.open("rb") as fh:
                    head = fh.read(len(SERIES_MAGIC))
            except OSError:
                continue
            if head != SERIES_MAGIC:
                out.setdefault(database.name, []).append(segment)
    return out


def is_local(url: str) -> bool:
    return (urlparse(url).hostname or "") in LOCAL_HOSTS


def diagnose_influx(settings: InfluxConfig) -> StoreDiagnosis | None:
    """Why a local InfluxDB 1.x does not answer, when its files say so; None when nothing is found."""
    if not is_local(settings.url):
        return None
    data_dir = influx_data_dir(settings.server_config)
    damaged = damaged_series(data_dir) if data_dir is not None else {}
    if not damaged:
        return None
    names = ", ".join(f"'{name}'" for name in damaged)
    files = tuple(str(p) for paths in damaged.values() for p in paths)
    return StoreDiagnosis(
        reason_vi=f"InfluxDB không khởi động lại được sau khi mất điện: tệp chuỗi (series file) của cơ sở dữ liệu "
                  f"{names} chỉ còn toàn số 0 (điện bị cắt ngay sau khi cơ sở dữ liệu được tạo).",
        reason_en=f"InfluxDB cannot start again after the power cut: the series file of database {names} is all "
                  "zeros (the power went soon after the database was created).",
        fix_vi=f"Số đo mới vẫn được giữ an toàn trong hàng chờ trên đĩa. Cách sửa: chạy `{REPAIR_COMMAND}` (dừng "
               "InfluxDB, chuyển tệp hỏng sang chỗ khác, khởi động lại InfluxDB); COC tự ghi hàng chờ vào lại khi "
               "InfluxDB trả lời.",
        fix_en=f"New readings are kept safe in the disk spool. Fix: run `{REPAIR_COMMAND}` (stops InfluxDB, moves "
               "the damaged file aside, starts InfluxDB again); COC writes the spool back by itself once InfluxDB "
               "answers.",
        files=files,
    )


def move_aside(data_dir: Path, damaged: dict[str, list[Path]], now: datetime | None = None) -> list[Path]:
    """Each damaged database's `_series` folder moved to `<data>/../damaged-<UTC time>/<database>/_series`, outside
    the data folder (InfluxDB would take any folder beside `_series` for a retention policy); kept for the record."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for database in damaged:
        target = data_dir.parent / f"damaged-{stamp}" / database / "_series"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(data_dir / database / "_series", target)
        moved.append(target)
    return moved


def influx_answers(url: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/ping", timeout=2) as resp:
                if resp.status == 204:
                    return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def systemctl(action: str, unit: str) -> bool:
    """`systemctl <action> <unit>`; False when there is no systemd or no such unit."""
    if shutil.which("systemctl") is None:
        return False
    return subprocess.run(["systemctl", action, unit], capture_output=True).returncode == 0


def repair_influx(settings: InfluxConfig, service: str | None, say: Say) -> int:
    data_dir = influx_data_dir(settings.server_config)
    if data_dir is None:
        say(f"Không đọc được thư mục dữ liệu của InfluxDB từ {settings.server_config} (storage.influxdb."
            f"server_config). / Cannot read InfluxDB's data folder from {settings.server_config}.")
        return 2
    damaged = damaged_series(data_dir)
    if not damaged:
        answers = influx_answers(settings.url, 2)
        say(f"Không thấy tệp hỏng trong {data_dir}; InfluxDB {'trả lời' if answers else 'KHÔNG trả lời'}. / "
            f"Nothing damaged in {data_dir}; InfluxDB {'answers' if answers else 'does NOT answer'}.")
        return 0 if answers else 1
    stopped = service is not None and systemctl("stop", service)
    moved = move_aside(data_dir, damaged)
    for path in moved:
        say(f"Đã chuyển tệp chuỗi hỏng sang {path} / damaged series file moved to {path}")
    if service is None:
        say("Khởi động lại InfluxDB để nó dựng lại tệp chuỗi. / Start InfluxDB again: it rebuilds the series file.")
        return 0
    if stopped:
        systemctl("start", service)
    if influx_answers(settings.url, 60):
        say("InfluxDB đã trả lời lại; COC sẽ tự ghi hàng chờ vào. / InfluxDB answers again; COC writes the spool back.")
        return 0
    say(f"InfluxDB chưa trả lời tại {settings.url}: xem `journalctl -u {service}`. / InfluxDB does not answer yet.")
    return 1


def repair_sqlite(paths: list[Path], say: Say) -> int:
    bad = 0
    for path in paths:
        if not path.exists():
            continue
        try:
            with sqlite3.connect(path, timeout=30) as conn:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            result = str(exc)
        if result == "ok":
            say(f"{path}: nguyên vẹn / intact")
        else:
            bad += 1
            say(f"{path}: HỎNG ({result}); khôi phục từ bản sao lưu. / DAMAGED ({result}); restore it from a backup.")
    return 1 if bad else 0


def repair_store(storage: StorageConfig, service: str | None, say: Say = print) -> int:
    """`run_coc.py repair-store`: check the configured store after a power cut and mend what can be mended.
    `service`: the systemd unit of a local InfluxDB to stop and start around the mend (None: the operator does)."""
    if storage.backend == "influxdb":
        return repair_influx(storage.influxdb, service, say)
    return repair_sqlite([storage.sqlite.path, storage.state_path], say)
