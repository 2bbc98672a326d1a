"""The identifier character set (config/ids.py) as a table: ids, labels and evidence paths."""

from __future__ import annotations

import pytest

from config.ids import ID_MAX, LONG_ID_MAX, BadId, check_id, check_label, is_id, is_label, is_relative_path

IDS = [
    ("cam-01", True), ("pam-qt-01", True), ("flood_02.b", True), ("a", True), ("x" * ID_MAX, True),
    ("x" * (ID_MAX + 1), False), ("", False), ("-cam", False), (".hidden", False), ("..", False),
    ('cam-01-x";filename="evil.exe', False), ("cam-01\r\nSet-Cookie: x", False), ("a b", False), ("a/b", False),
    ("a\\b", False), ("a\x00b", False), ("ñ", False), ("cam'01", False), ("cam<01>", False), (5, False), (None, False),
]


@pytest.mark.parametrize(("text", "ok"), IDS)
def test_identifiers(text: object, ok: bool) -> None:
    assert is_id(text) is ok


def test_long_identifiers_for_event_ids_and_file_names() -> None:
    event = "cam-01-20261123T070000Z-a1b2c3"
    assert is_id(event) and is_id("e" * LONG_ID_MAX, LONG_ID_MAX) and not is_id("e" * (LONG_ID_MAX + 1), LONG_ID_MAX)


@pytest.mark.parametrize(("text", "ok"), [
    ("Sân UBND", True), ('Cổng "A"', True), ("x" * 100, True), ("x" * 101, False), ("", False),
    ("Sân\r\nUBND", False), ("a\x00", False), ("a\u202eb", False), ("a\x85b", False), (3, False),
])
def test_labels(text: object, ok: bool) -> None:
    assert is_label(text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("cam-01/2026-11-23/cam-01-e1.jpg", True), ("x.mp4", True), ("a/b/c/d.jpg", True), ("a/b/c/d/e.jpg", False),
    ("../etc/passwd", False), ("cam-01/../x.jpg", False), ("/etc/passwd", False), ("a//b.jpg", False),
    ("\x00", False), ("x" * 5000 + ".mp4", False), ("a/" + "b" * (LONG_ID_MAX + 1), False), ("", False), (None, False),
])
def test_evidence_paths(text: object, ok: bool) -> None:
    assert is_relative_path(text) is ok


def test_refusals_name_the_value_safely_and_the_rule() -> None:
    with pytest.raises(BadId) as info:
        check_id("cam\r\n01", "camera")
    message = str(info.value)
    assert "camera 'cam\\r\\n01'" in message and "A-Z a-z 0-9 - _ ." in message and "\r" not in message
    with pytest.raises(BadId, match="without control characters"):
        check_label("a\nb", "zone")
    assert check_id("cam-01", "camera") == "cam-01" and check_label("Sân UBND", "zone") == "Sân UBND"
