"""Dead-letter reasons shown in Vietnamese, values kept; unknown reasons kept as they are."""

from __future__ import annotations

import pytest

from dashboard.reasons import reason_text, reason_vi


@pytest.mark.parametrize(
    ("reason", "vi"),
    [
        ("pm25: not a finite number", "pm25: không phải số hữu hạn"),
        ("pm25 is not a finite number (too large: overflows to infinity)", "pm25: không phải số hữu hạn"),
        ("item 2: water_level_cm=5000 cm is outside -100..2000",
         "mục 2: water_level_cm = 5000 cm nằm ngoài khoảng cho phép -100..2000"),
        ("unknown device 'pam-moi-02': add it under sensors: in the configuration",
         "thiết bị chưa khai báo 'pam-moi-02': thêm vào mục sensors: của cấu hình"),
        ("ts 2030-01-01T00:00:00+00:00 is more than 5 minutes in the future (device clock wrong?)",
         "thời điểm 2030-01-01T00:00:00+00:00 sớm hơn hiện tại quá 5 phút (đồng hồ thiết bị sai?)"),
        ("not valid JSON: unexpected character", "không phải JSON hợp lệ"),
        ("PAM Air: item 1: pm25 must be a number, got 'abc'", "PAM Air: mục 1: pm25 phải là số, nhận được 'abc'"),
        ("payload of 70000 bytes is over the 64 KiB limit", "bản tin 70000 byte vượt giới hạn 64 KiB"),
        ("something new", "something new"),
    ],
)
def test_reason_in_vietnamese(reason: str, vi: str) -> None:
    assert reason_vi(reason) == vi


def test_english_page_keeps_the_recorded_text() -> None:
    assert reason_text("empty array", "en") == "empty array" and reason_text("empty array", "vi") == "mảng rỗng"
