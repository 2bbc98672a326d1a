"""/admin's "check the configuration again" as the wiring hands it over: `check-config` of the running file as it is
on disk at the moment of the check, with located problems, the secret notes, or why the file cannot be read."""

from __future__ import annotations

from pathlib import Path

from config.problems import ConfigCheck
from configfile.secret_checks import check_file, file_check

ROOT = Path(__file__).resolve().parents[2]
BASE = 'commune: {id: quang-tho, name: "Xã Quảng Thọ"}\nweb: {secret_key: 0123456789abcdef}\n'


def test_the_check_reads_the_file_as_it_is_when_called(tmp_path: Path) -> None:
    path = tmp_path / "coc.yaml"
    path.write_text(BASE, encoding="utf-8")
    check = file_check(path)
    assert check is not None
    first = check()
    assert first.problems == () and first.unreadable is None and first.path == str(path)
    assert [n.key for n in first.notes] == ["web.secret_key"]  # 16 characters: a note, not a problem
    path.write_text(BASE + "mqtt:\n  prot: 1\n", encoding="utf-8")  # edited while COC runs
    again = check()
    assert [(p.line, p.key) for p in again.problems] == [(4, "mqtt.prot")] and again.notes == ()
    path.unlink()
    gone = check()
    assert gone.unreadable is not None and "coc.yaml" in gone.unreadable


def test_no_file_no_check_and_the_demo_file_has_only_notes() -> None:
    assert file_check(None) is None
    demo = check_file(ROOT / "config" / "demo.yaml")
    assert isinstance(demo, ConfigCheck) and demo.problems == () and demo.notes
