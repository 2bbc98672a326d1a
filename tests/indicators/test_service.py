"""IndicatorService: catalogue and targets checked at start, sensor figures refreshed into the table."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from configfile.loader import ConfigError, parse_config
from indicators.sections import IndicatorSections
from indicators.service import IndicatorService
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading

CONFIG = """\
commune: {id: quang-tho, name: "Xã Quảng Thọ"}
web: {secret_key: "0123456789abcdef0123"}
storage: {state_path: STATE}
sensors:
  - {id: pam-01, kind: air, name: "Trung tâm xã"}
  - {id: flood-01, kind: flood, name: "Cầu Phò Nam", alarm_levels_cm: [150, 250, 350]}
indicators: {sensor_refresh_s: 60TARGETS}
"""


def config(tmp_path: Path, targets: str = ""):
    text = CONFIG.replace("STATE", str(tmp_path / "state.sqlite")).replace("TARGETS", targets)
    return parse_config(text, "coc.yaml", {})


def test_unknown_kpi_in_targets_stops_start(tmp_path: Path) -> None:
    service = IndicatorService(IndicatorSections.of(config(tmp_path, ", targets: {quang-tho: {cashless_rate: 70}}")))
    with pytest.raises(ConfigError) as info:
        service.start()
    (problem,) = info.value.problems
    assert problem.key == "indicators.targets.quang-tho.cashless_rate" and "unknown KPI" in problem.message


def test_sensor_figures_refresh_in_the_background(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ts.sqlite")
    store.open()
    start = datetime(2026, 10, 31, 17, tzinfo=UTC)  # 1 November, Vietnam
    store.write(
        [Reading("pam-01", "air", start + timedelta(minutes=30 * i), {"pm25": 20.0}) for i in range(12)]
    )
    store.write(
        [
            Reading("flood-01", "flood", start + timedelta(hours=i), {"water_level_cm": 260.0})
            for i in range(3)
        ]
    )

    class Cameras:
        def camera_availability(self, start: datetime, end: datetime) -> float | None:
            return 99.0

    now = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)
    service = IndicatorService(IndicatorSections.of(config(tmp_path)), store=store, cameras=Cameras(),
                               clock=lambda: now)
    service.start()
    try:
        assert service.health().state == "running"  # its refresh loop runs
        for _ in range(100):  # the first refresh runs at once on the service thread
            if service.db.count():
                break
            time.sleep(0.05)
        assert service.refresh_sensor_figures() == 0  # same figures again: nothing changed
        values = {(f.period, f.metric): f.value for f in service.db.figures()}
        assert values[("2026-11", "air_hours_measured")] == 6  # 6 hours of data, the first without NowCast,
        # plus the hour after the data (its 2 previous hours exist)
        assert values[("2026-11", "air_hours_aqi_ok")] == 6
        assert values[("2026-11", "flood_hours_level_2")] == 3
        assert values[("2026-11", "camera_online_pct")] == 99
        assert values[("2026-10", "camera_online_pct")] == 99
        result = {v.kpi_id: v for v in service.results("2026-11", "quang-tho")}
        assert result["air_good_hours_rate"].value == 100
        assert result["flood_hours_alarm_3"].value == 0
        assert result["camera_availability_rate"].status == "met"
        assert result["alert_ack_median_min"].reason == "missing input: alert_ack_median_minutes"
    finally:
        service.stop()
        store.close()
    assert service.health().state == "stopped"
