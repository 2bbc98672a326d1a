"""Numbers and times on screen: Vietnamese grouping and decimal comma, signs without ±0, local time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from dashboard.formats import count, local_time, number, percent, signed, size_bytes


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "text"),
    [(1297, 0, "vi", "1.297"), (1297, 0, "en", "1,297"), (54.43, 1, "vi", "54,4"), (54.43, 1, "en", "54.4"),
     (1234567.891, 2, "vi", "1.234.567,89"), (-0.2, 0, "vi", "0"), (None, 0, "vi", "—"), (float("nan"), 1, "vi", "—"),
     (True, 0, "vi", "—")],
)
def test_number(value: object, decimals: int, lang: str, text: str) -> None:
    assert number(value, decimals, lang) == text


def test_count_percent_signed_size() -> None:
    assert count(1959.0) == "1.959"
    assert percent(54.43) == "54,4 %" and percent(54.43, lang="en") == "54.4%" and percent(None) == "—"
    assert signed(0.3) is None and signed(-0.4) is None and signed(12.4) == "+12" and signed(-3.2) == "−3"
    assert signed(-2.46, 1) == "−2,5" and signed(1297.4, 0, "en") == "+1,297"
    assert size_bytes(512) == "512 B" and size_bytes(1536) == "1,5 KB" and size_bytes(3 * 1024**3) == "3,0 GB"


def test_local_time() -> None:
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    assert local_time(datetime(2026, 11, 23, 10, 30, tzinfo=UTC), hcm) == "23/11/2026 17:30"
    assert local_time("2026-11-23T17:00:00+00:00", hcm, "%H:%M") == "00:00"
    assert local_time("2026-11-23T17:00:00", hcm, "%d/%m %H:%M") == "24/11 00:00"  # naive text is UTC
    assert local_time(None, hcm) == "—" and local_time("not a time", hcm) == "—"
