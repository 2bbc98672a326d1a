"""The wall's measurement panels as pure functions: flood wording by scale, no ±0 trend, the time to the next line
only for a real rise, rain and the announced risk level; the public air board's source and advice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.pages.wall_measures import air, flood
from dashboard.read.flood_risk import RiskView
from dashboard.read.sensors import AqiView, FloodView, SensorView
from dashboard.wall_snapshot import WallSnapshot
from sensors.flood import FloodScale, risk_level
from sensors.models import AqiResult, DeviceKind, FloodStatus, RiskAnnouncement


def text_of(component: Any) -> str:
    """Every string inside a Dash component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(" ".join(text_of(c) for c in component).split())
    return text_of(getattr(component, "children", None))


def device(device_id: str, kind: DeviceKind, values: dict[str, float], **extra: Any) -> SensorView:
    return SensorView(id=device_id, kind=kind, name=extra.pop("name", f"Điểm {device_id}"), location=None,
                      interval_s=60, former_unit=None, online=True, status=None, last_seen=None, last_ts=None,
                      age_s=None, values=values, lines_configured=kind is DeviceKind.FLOOD, **extra)


def flood_row(device_id: str, level: float, trend: float | None, eta: float | None, scale: str = "river_gauge",
              lines: tuple[float, float, float] = (150, 250, 350), rain: tuple[float, float] | None = None,
              ) -> SensorView:
    labels = {"river_gauge": ("Dưới báo động I", "Báo động I", "Báo động II", "Báo động III"),
              "local_depth": ("Chưa ngập đáng kể", "Mức ngập 1", "Mức ngập 2", "Mức ngập 3")}[scale]
    n = sum(1 for line in lines if level >= line)
    status = FloodStatus(level, n, trend, eta, lines, labels[n], labels[n], "#2e9d4f")
    flood = FloodView(status, FloodScale(scale), None, *(rain or (None, None)))
    return device(device_id, DeviceKind.FLOOD, {"water_level_cm": level}, flood=flood)


def snap(*rows: SensorView, **extra: Any) -> WallSnapshot:
    return WallSnapshot(screen="test", sensors=rows, **extra)


@pytest.mark.parametrize(
    ("trend", "eta", "shown", "hidden"),
    [
        (-0.3, None, "Ổn định", "-0 cm"),
        (0.4, 9000.0, "Ổn định", "Dự kiến"),  # a flat trend: no "in about 6 days"
        (4.2, 720.0, "Dự kiến đạt BĐ II sau khoảng 12 giờ · +4 cm/giờ", "+0 cm"),
        (-6.0, None, "−6 cm/giờ", "Dự kiến"),
    ],
)
def test_trend_wording(trend: float, eta: float | None, shown: str, hidden: str) -> None:
    text = text_of(flood(snap(flood_row("a", 200, trend, eta)), "vi"))
    assert shown in text and hidden not in text


def test_local_depth_points_speak_of_flood_depth_and_many_points_get_one_line_each() -> None:
    rows = [flood_row("road", 45, 0.0, None, "local_depth", (20, 40, 60)), flood_row("b", 100, 0.0, None),
            flood_row("c", 360, 0.0, None), flood_row("d", 10, 0.0, None)]
    text = text_of(flood(snap(*rows), "vi"))
    assert "Mức ngập 2" in text and "Báo động III" in text and "Báo động II " not in text
    assert text.index("Báo động III") < text.index("Mức ngập 2")  # the most threatened point first


def test_rain_and_the_announced_risk_level() -> None:
    row = flood_row("a", 100, 0.0, None, rain=(12.4, 135.0))
    announced = RiskAnnouncement(3, "Bản tin số 12", "lũ", "vanhanh", datetime.now(UTC))
    risk = RiskView(announced, risk_level(3))
    text = text_of(flood(snap(row, risk=risk), "vi"))
    assert "Mưa 12,4 mm/giờ · 135 mm/24 giờ" in text
    assert "Cấp độ rủi ro thiên tai: 3 – Rủi ro lớn" in text
    assert "Chưa công bố cấp độ rủi ro thiên tai" in text_of(flood(snap(row), "vi"))


def test_the_public_board_names_its_source_and_advises_sensitive_groups() -> None:
    vn = AqiResult("vn", 120, "poor", "Kém", "Poor", "#FF7E00", "pm25")
    us = AqiResult("us", 160, "bad", "Xấu", "Unhealthy", "#FF0000", "pm25")
    aqi = AqiView(vn, us, datetime(2026, 11, 23, 8, tzinfo=UTC), provisional=True)
    row = device("pam", DeviceKind.AIR, {"pm25": 52.4}, name="Trung tâm xã", aqi=aqi)
    public = text_of(air(snap(row, public=True, commune="Xã Quảng Thọ"), "vi"))
    assert "Nguồn: Trung tâm xã, thiết bị PAM Air của Xã Quảng Thọ" in public
    assert "Người nhạy cảm: Nên giảm các hoạt động mạnh" in public
    assert "US AQI (thang Mỹ) 160" in public and "tạm tính" in public and "Giờ 15:00" in public
    staff = text_of(air(snap(row, public=False, commune="Xã Quảng Thọ"), "vi"))
    assert "Nguồn:" not in staff and "Người nhạy cảm" not in staff


def test_map_labels_of_close_points_go_to_different_sides() -> None:
    from dashboard.figures import label_positions

    markers = [{"lat": 16.5700, "lon": 107.5300, "label": "Trung tâm xã"},
               {"lat": 16.5702, "lon": 107.5301, "label": "Trạm y tế xã"},
               {"lat": 16.5800, "lon": 107.5500, "label": "Cầu Phò Nam"}]
    positions = label_positions(markers, 20)
    assert positions[0] != positions[1] and len(positions) == 3
