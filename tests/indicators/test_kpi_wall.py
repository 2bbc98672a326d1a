"""The wall's KPI panel says which month its figures are of and shows Vietnamese units and numbers."""

from __future__ import annotations

import json

from dashboard.pages.wall_panels import kpis
from dashboard.read.kpi_views import KpiRowView
from dashboard.wall_snapshot import WallSnapshot
from indicators.catalogue import KpiDef
from indicators.models import KpiValue, Pillar, Status


def tile(kpi_id: str, name_vi: str, period: str, value: float, unit: str, target: float | None,
         status: Status) -> KpiRowView:
    kpi = KpiDef(id=kpi_id, name_vi=name_vi, name_en=kpi_id.replace("_", " "), unit=unit, formula="x",
                 pillar=Pillar.ADMINISTRATIVE_REFORM)
    return KpiRowView(KpiValue(kpi_id, "quang_tho", period, value, unit=unit, target=target, status=status), kpi,
                      "Xã Quảng Thọ")


def test_wall_kpi_panel_names_its_month_and_units() -> None:
    items = (
        tile("tthc_received", "Hồ sơ TTHC tiếp nhận", "2026-10", 1297.0, "files", None, Status.NO_TARGET),
        tile("ehr_rate", "Tỷ lệ hồ sơ sức khỏe điện tử", "2026-Q4", 54.36, "%", 95.0, Status.BEHIND),
    )
    text = json.dumps(kpis(WallSnapshot("overview", kpis=items), "vi"), ensure_ascii=False, default=str)
    assert "Số liệu tháng 10/2026" in text
    assert "1.297" in text and " hồ sơ" in text and "54,4" in text and "files" not in text
    english = json.dumps(kpis(WallSnapshot("overview", kpis=items), "en"), ensure_ascii=False, default=str)
    assert "Figures of 10/2026" in english and "1,297" in english


def test_a_wall_kpi_tile_names_its_plan_and_never_reads_as_a_fraction() -> None:
    """"1 / 0 hồ sơ" read as one of none: the plan gets its own line, named as /kpi names it."""
    overdue = tile("tthc_overdue", "Hồ sơ quá hạn", "2026-10", 1.0, "files", 0.0, Status.BEHIND)
    rate = tile("ehr_rate", "Tỷ lệ hồ sơ sức khỏe điện tử", "2026-10", 54.36, "%", 95.0, Status.BEHIND)
    vi = json.dumps(kpis(WallSnapshot("overview", kpis=(overdue, rate)), "vi"), ensure_ascii=False, default=str)
    assert "Kế hoạch: 0 hồ sơ" in vi and "Kế hoạch: 95 %" in vi and " / " not in vi
    en = json.dumps(kpis(WallSnapshot("overview", kpis=(overdue, rate)), "en"), ensure_ascii=False, default=str)
    assert "Plan: 0 files" in en and "Plan: 95 %" in en
