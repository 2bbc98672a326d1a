"""The wall's lists and labels under load, as pure functions: "Cảnh báo đang mở" says how many it leaves out (and
how many of those are acknowledged), camera alarms read by place, map labels neither overlap nor leave the map, a
flood point's rain is summed per bucket and numbers follow the language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alerts.models import Alert, Severity, Source, Status
from dashboard.figures import PANEL_FONTS, _area, _label_box, label_positions, localise, map_bounds
from dashboard.pages.sensor import summed_title
from dashboard.pages.wall_panels import LIST_ROWS, alerts, list_text
from dashboard.read.alerts import AlertView
from dashboard.wall_snapshot import WallSnapshot

NOW = datetime(2026, 12, 7, 14, 3, tzinfo=UTC)


def text_of(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def alarm(i: int, status: str = "open", rule: str = "flood_level", place: str = "", title_vi: str = "") -> AlertView:
    """A critical alarm opened a minute before NOW, as the wall's list gets it."""
    opened = NOW - timedelta(seconds=60)
    source = Source.CAMERA if rule.startswith("camera") else Source.FLOOD
    alert = Alert(f"a{i}", rule, source, f"p{i}", Severity.CRITICAL, Status(status),
                  title_vi or f"Báo động III tại điểm {i}", f"Flood level III at point {i}", "", opened, opened,
                  place=place or f"Điểm {i}")
    return AlertView(alert, "07/12 21:02")


@pytest.mark.parametrize(("total", "acked", "rows", "more"), [
    (3, 0, 3, None),
    (LIST_ROWS, 2, LIST_ROWS, None),
    (LIST_ROWS + 1, 0, LIST_ROWS, "+2 cảnh báo khác"),
    (11, 4, LIST_ROWS, "+5 cảnh báo khác (4 đã tiếp nhận, còn hoạt động)"),  # the storm night of issue 20
])
def test_the_list_says_how_many_it_leaves_out(total: int, acked: int, rows: int, more: str | None) -> None:
    items = [alarm(i) for i in range(total - acked)] + [alarm(100 + i, "acknowledged") for i in range(acked)]
    snap = WallSnapshot("overview", now=NOW, alerts=tuple(items[:12]), alerts_total=total, alerts_acked=acked)
    shown = alerts(snap, "vi").children
    assert len(shown) == rows
    last = shown[-1]
    if more is None:
        assert getattr(last, "id", None) != "wall-alerts-more"
    else:
        assert last.id == "wall-alerts-more" and text_of(last) == more
        assert last.children.title.split("\n")[0] == f"Báo động III tại điểm {rows - 1}"  # the first one left out


def test_the_list_in_english() -> None:
    snap = WallSnapshot("overview", now=NOW, alerts=tuple(alarm(i) for i in range(9)), alerts_total=9)
    assert text_of(alerts(snap, "en").children[-1]) == "+3 more"


def test_camera_alarms_read_by_place_flood_ones_by_title() -> None:
    intrusion = alarm(1, rule="camera_intrusion", place="Trường THCS Quảng Thọ",
                      title_vi="Có người/phương tiện trong vùng giám sát tại Trường THCS Quảng Thọ – Sân và cổng")
    assert list_text(intrusion, "vi") == "Xâm nhập: Trường THCS Quảng Thọ"
    assert list_text(intrusion, "en") == "Intrusion: Trường THCS Quảng Thọ"
    assert list_text(alarm(2), "vi") == "Báo động III tại điểm 2"


DEMO_POINTS = [  # the demo's flood and air points and the former communes' offices (config/demo.yaml)
    ("Trung tâm xã Quảng Thọ", 16.5702, 107.5301), ("Cầu Phò Nam", 16.5751, 107.5412),
    ("Đường liên thôn La Vân Thượng", 16.5633, 107.5207), ("Bến đò Thôn Phò Nam", 16.5789, 107.5362),
    ("Trường Mầm non Quảng Thọ", 16.5688, 107.5268), ("Xã Quảng Thọ (cũ)", 16.5600, 107.5290),
    ("Xã Quảng Phước (cũ)", 16.5822, 107.5295),
]


@pytest.mark.parametrize("font_px", [20, 40])
def test_map_labels_neither_overlap_nor_leave_the_map(font_px: int) -> None:
    markers = [{"label": name, "lat": lat, "lon": lon} for name, lat, lon in DEMO_POINTS]
    bounds = map_bounds(markers)
    sides = label_positions(markers, font_px, bounds)
    assert sum(1 for s in sides if s) >= 5  # most points keep their name on the map
    x0, y0, width, height = bounds
    per_x, per_y = width / (PANEL_FONTS[0] * font_px), height / (PANEL_FONTS[1] * font_px)
    boxes = []
    for m, side in zip(markers, sides, strict=True):
        if side is None:
            continue
        box = _label_box(side, m, len(m["label"]) * 0.62 * font_px * per_x, 1.25 * font_px * per_y,
                         font_px * per_x, font_px * per_y)
        assert box[0] >= x0 - 1e-9 and box[1] >= y0 - 1e-9
        assert box[0] + box[2] <= x0 + width + 1e-9 and box[1] + box[3] <= y0 + height + 1e-9
        boxes.append(box)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert _area(a, b) <= 0.02 * a[2] * a[3]


def test_rain_buckets_are_named_by_their_length_and_numbers_follow_the_language() -> None:
    assert summed_title("Lượng mưa", "mm", 900, "vi") == "Lượng mưa (mm mỗi 15 phút)"
    assert summed_title("Rain", "mm", 3600, "en") == "Rain (mm per 1 h)"
    fig: dict[str, Any] = {"data": [], "layout": {}}
    assert localise(fig, "vi")["layout"]["separators"] == ",."
    assert localise(fig, "en")["layout"]["separators"] == ".,"
