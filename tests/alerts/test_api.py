"""The alarm states through the REST API: status filters (new names, groups, the old `resolved`), shelving with
its roles and reason, acknowledging a cleared alarm closes it, 409 once closed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from alerts.sections import AlertSections
from alerts.service import AlertService
from dashboard.app import create_server
from dashboard.context import AppContext
from ingest.live_state import LiveState
from sensors.models import Reading
from tests.alerts.test_integration import TOKENS, config_for
from tests.servers import free_port


@pytest.fixture
def api(tmp_path: Path) -> Any:
    config = config_for(tmp_path, free_port(), "alerts:\n  rules:\n    flood: {clear_hold_min: 0}\n")
    service = AlertService(AlertSections.of(config), "coc/quang-tho", None, config.storage.state_path,
                           LiveState(config.sensors),
                           channels=[])
    service.start(tick=False)
    yield create_server(AppContext(config=config, alerts=service)).test_client(), service
    service.stop()


def call(client: Any, method: str, path: str, role: str, body: dict | None = None) -> Any:
    return getattr(client, method)(path, headers={"Authorization": f"Bearer {TOKENS[role]}"}, json=body)


def water(service: AlertService, cm: float) -> None:
    service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": cm})])


def test_status_filters_shelving_and_closing_through_the_api(api) -> None:
    client, service = api
    water(service, 360)
    water(service, 20)  # back to normal: cleared, not closed
    (alert,) = call(client, "get", "/api/alerts?status=cleared", "leader").json["alerts"]
    assert (alert["state"], alert["peak_value"], alert["value"], alert["severity"]) == (
        "cleared_unacknowledged", 360, 20, "critical")
    for status, count in (("active", 1), ("unacknowledged", 1), ("open", 0), ("closed", 0), ("resolved", 0),
                          ("all", 1)):
        assert call(client, "get", f"/api/alerts?status={status}", "leader").json["count"] == count, status

    shelve = f"/api/alerts/{alert['id']}/shelve"
    assert call(client, "post", shelve, "leader", {"minutes": 30, "reason": "x"}).status_code == 403
    assert call(client, "post", shelve, "police", {"minutes": 30, "reason": "x"}).status_code == 403
    assert call(client, "post", shelve, "operator", {"minutes": 30}).status_code == 400
    assert call(client, "post", shelve, "operator", {"minutes": 100_000, "reason": "x"}).status_code == 400
    shelved = call(client, "post", shelve, "operator", {"minutes": 30, "reason": "Đã cử người trực"})
    assert shelved.status_code == 200 and shelved.json["alert"]["shelved_reason"] == "Đã cử người trực"

    closed = call(client, "post", f"/api/alerts/{alert['id']}/ack", "operator", {"note": "Nước đã rút"})
    assert closed.status_code == 200 and closed.json["alert"]["status"] == "closed"
    assert call(client, "post", f"/api/alerts/{alert['id']}/ack", "operator").status_code == 409
    assert call(client, "post", shelve, "operator", {"minutes": 30, "reason": "x"}).status_code == 409
    assert call(client, "get", "/api/alerts?status=resolved", "leader").json["count"] == 1  # the old name
    history = call(client, "get", f"/api/alerts/{alert['id']}", "leader").json["history"]
    assert [(h["action"], h["actor"], h["value"]) for h in history] == [
        ("opened", "system", 360), ("peak", "system", 360), ("cleared", "system", 20), ("shelved", "vanhanh", 20),
        ("acknowledged", "vanhanh", 20), ("closed", "vanhanh", 20)]
