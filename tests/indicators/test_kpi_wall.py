"""The wall's KPI panel says which month its figures are of and shows Vietnamese units and numbers."""

from __future__ import annotations

import json

from dashboard.pages.wall_panels import kpis
from dashboard.wall_snapshot import WallSnapshot


def test_wall_kpi_panel_names_its_month_and_units() -> None:
    items = [
        {"id": "tthc_received", "name_vi": "Hồ sơ TTHC tiếp nhận", "period": "2026-10", "value": 1297.0,
         "target": None, "unit": "files", "unit_vi": "hồ sơ", "unit_en": "files", "status": "no_target"},
        {"id": "ehr_rate", "name_vi": "Tỷ lệ hồ sơ sức khỏe điện tử", "period": "2026-Q4", "value": 54.36,
         "target": 95.0, "unit": "%", "unit_vi": "%", "unit_en": "%", "status": "behind"},
    ]
    text = json.dumps(kpis(WallSnapshot("overview", kpis=tuple(items)), "vi"), ensure_ascii=False, default=str)
    assert "Số liệu tháng 10/2026" in text
    assert "1.297" in text and " hồ sơ" in text and "54,4" in text and "files" not in text
    english = json.dumps(kpis(WallSnapshot("overview", kpis=tuple(items)), "en"), ensure_ascii=False, default=str)
    assert "Figures of 10/2026" in english and "1,297" in english
