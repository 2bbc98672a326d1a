"""A public wall screen (/wall/street, no login) receives only public content from the server: air, flood and
the announced risk level; never a camera intrusion takeover, camera alerts, camera tiles or snapshot URLs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.models import Alert, Severity, Source, Status
from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from camera.models import CameraEvent, EventType
from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.public_screen import public_alerts, public_takeover
from dashboard.read.alerts import AlertView
from dashboard.read.takeover import takeover_of
from ingest.live_state import LiveState
from sensors.models import Reading
from tests.security.conftest import login

CAMERA_WORDS = ("cam-01", "Chợ Quảng Thọ", "camera", "snapshot", "Sân UBND", "intrusion", "Xâm nhập",
                "trong vùng giám sát")


@pytest.fixture
def client(config, tmp_path: Path):
    now = datetime.now(UTC).replace(microsecond=0)
    live = LiveState(config.sensors)
    alerts = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp_path / "alerts.sqlite", live,
                          channels=[])
    alerts.start(tick=False)
    flood = [Reading("flood-01", "flood", now, {"water_level_cm": 400.0})]  # above level III: critical
    live.apply(flood)
    alerts.on_readings(flood)
    alerts.on_camera_event(CameraEvent("cam-01", now, EventType.INTRUSION, "ev-1", zone="Sân UBND", score=0.93,
                                       snapshot="cam-01/ev-1.jpg"))
    sources = {a["source"] for a in (x.to_json() for x in alerts.list("all"))}
    assert {"camera", "flood"} <= sources  # the test is only meaningful with both kinds open
    ctx = AppContext(config=config, live=live, alerts=alerts, cameras=CameraHub(config.cameras, config.camera))
    yield create_app(ctx).server.test_client()
    alerts.stop()


def refresh(client, screen: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The wall's refresh answer: every output (the store's data, the header, the device tiles, the panels drawn)."""
    from tests.dashboard.test_wall import refresh_body, store_body

    response = client.post("/_dash-update-component", json=refresh_body(screen), headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    drawn = list(response.get_json()["response"].values())  # the panels, header and tiles as drawn
    store = client.post("/_dash-update-component", json=store_body(screen), headers=headers or {})
    assert store.status_code == 200, store.get_data(as_text=True)[:300]
    return {**store.get_json()["response"]["wall-snapshot"]["data"], "drawn": drawn}


def test_the_public_screen_gets_no_camera_content(client) -> None:
    snap = refresh(client, "street")
    assert not any(v for k, v in snap.items() if k.startswith(("camera", "kpi")))  # at most a false flag
    text = json.dumps({k: v for k, v in snap.items() if not k.startswith("camera")}, ensure_ascii=False)
    for word in CAMERA_WORDS:
        assert word not in text, word
    assert [a["source"] for a in snap["takeover"]["alerts"]] == ["flood"]  # the flood alarm, not the intrusion
    assert "wall-tile-flood-01" in text and "cam-" not in text


def test_a_logged_in_operator_on_the_public_screen_sees_the_same_public_data(client) -> None:
    assert login(client, "operator").status_code == 302
    csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    assert "cam-01" not in json.dumps(refresh(client, "street", csrf))
    overview = json.dumps(refresh(client, "overview", csrf), ensure_ascii=False)  # the ops-room screen does
    assert "cam-01" in overview and "camera" in overview


def test_public_alerts_and_takeover_keep_air_and_flood_only_without_people_or_notes() -> None:
    at = datetime(2026, 12, 7, 14, 3, tzinfo=UTC)

    def view(alert_id: str, source: Source, **extra: Any) -> AlertView:
        alert = Alert(alert_id, "rule", source, "subject", Severity.CRITICAL, Status.OPEN, "Báo động", "", "", at, at,
                      **extra)
        return AlertView(alert, "07/12 21:03")

    flood = view("a", Source.FLOOD, shelved_until=at - timedelta(minutes=1), shelved_by="vanhanh",
                 shelved_reason="đã cử người trực")  # shelving ran out: it takes over again
    others = [view("b", Source.CAMERA), view("c", Source.DEVICE), view("d", Source.SYSTEM)]
    assert [v.alert.id for v in public_alerts([flood, *others])] == ["a"]
    assert public_takeover(takeover_of([others[0].alert], at, lambda t: t)) is None
    taken = public_takeover(takeover_of([flood.alert], at, lambda t: t))
    assert taken is not None and taken.ids == ("a",)
    text = json.dumps(taken.to_json(), ensure_ascii=False)
    assert "vanhanh" not in text and "đã cử người trực" not in text
