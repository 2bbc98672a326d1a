"""End to end: devices publish through Mosquitto into the real ingester, whose listeners feed the alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.air_index import StoreAirIndex
from dashboard.app import create_server
from ingest.sqlite_store import SqliteStore
from sensors.models import Reading
from tests.alerts.test_integration import PREFIX, TOKENS, Subscriber, config_for
from tests.ingest.conftest import Publisher, start_pipeline
from tests.polling import wait_until

pytestmark = pytest.mark.integration

RULES = "alerts:\n  rules:\n    air: {for_min: 0}\n"


def test_store_air_index_is_the_nowcast_vn_aqi_of_stored_hourly_means(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "readings.sqlite")
    store.open()
    now = datetime.now(UTC)
    store.write([Reading("pam-qt-01", "air", now - timedelta(minutes=10 * i), {"pm25": 100.0})
                 for i in range(18)])
    index = StoreAirIndex(store)
    assert index("pam-qt-01", now) == 164  # PM2.5 100 µg/m³: 150 + (100 - 80) × 50 / 70 = 164.3
    assert index("nobody", now) is None
    store.close()


def test_published_readings_and_events_become_alerts_on_mqtt_and_in_the_api(tmp_path: Path,
                                                                           mosquitto: Any) -> None:
    config = config_for(tmp_path, mosquitto.port, RULES)
    pipe = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    service = pipe.runtime.alerts  # wired to the ingester's listeners by build_runtime, as in production
    service.air_index = StoreAirIndex(pipe.store, cache_s=0)  # the index of what is stored at each reading
    sub = Subscriber(mosquitto.port)
    pub = Publisher(mosquitto.port)
    try:
        now = datetime.now(UTC)
        # Two hours of smog, already stored. NowCast needs 2 of the 3 latest clock hours, so the history
        # spans 110 minutes: one hour of readings falls in a single clock hour when the test runs after hh:50.
        for i in range(12):
            ts = (now - timedelta(minutes=110 - 10 * i)).isoformat()
            pub.send(f"{PREFIX}/air/pam-qt-01/state", json.dumps({"ts": ts, "pm25": 100.0}))
        wait_until(lambda: pipe.store.count("air") == 12, "stored air readings")
        pub.send(f"{PREFIX}/air/pam-qt-01/state", json.dumps({"pm25": 100.0}))
        pub.send(f"{PREFIX}/flood/flood-01/state", json.dumps({"water_level_cm": 380, "battery_v": 3.9}))
        pub.send(f"{PREFIX}/camera/cam-01/event", json.dumps({"type": "tamper", "score": 0.7}))
        wait_until(lambda: len(service.active()) == 3, "three alerts")
        by_rule = {a.rule: a for a in service.active()}
        assert by_rule["air_quality"].value == 164 and by_rule["air_quality"].severity == "warning"
        assert by_rule["flood_level"].severity == "critical"
        assert by_rule["camera_tamper"].severity == "major"
        wait_until(lambda: all(sub.of(a.id) for a in by_rule.values()), "every alert on MQTT")

        pub.send(f"{PREFIX}/camera/cam-01/event", json.dumps({"type": "tamper", "phase": "end"}))
        tamper_id = by_rule["camera_tamper"].id
        wait_until(lambda: service.get(tamper_id).alert.status == "cleared", "tamper returned to normal")
        wait_until(lambda: json.loads(sub.of(tamper_id)[-1][0])["state"] == "cleared_unacknowledged",
                   "cleared tamper alert still retained")

        api = create_server(pipe.ctx).test_client()
        auth = {"Authorization": f"Bearer {TOKENS['operator']}"}
        listed = api.get("/api/alerts?status=open", headers=auth).json["alerts"]
        assert sorted(a["rule"] for a in listed) == ["air_quality", "flood_level"]
        assert api.post(f"/api/alerts/{tamper_id}/ack", headers=auth, json={"note": "Đã lau ống kính"}).json[
            "alert"]["status"] == "closed"
        wait_until(lambda: sub.of(tamper_id)[-1][0] == b"", "retained tamper alert cleared once closed")
        flood_id = by_rule["flood_level"].id
        resp = api.post(f"/api/alerts/{flood_id}/ack", headers=auth, json={"note": "Đã sơ tán"})
        assert resp.status_code == 200
        wait_until(lambda: json.loads(sub.of(by_rule["flood_level"].id)[-1][0])["status"] == "acknowledged",
                   "acknowledgement on MQTT")
        metrics = api.get("/metrics", headers=auth).get_data(as_text=True)
        assert 'coc_alerts_open{severity="critical"} 1' in metrics
        assert 'coc_alerts_open{severity="warning"} 1' in metrics
        assert "coc_alert_notifications_failed_total 0" in metrics
    finally:
        pub.close()
        sub.close()
        pipe.stop()
