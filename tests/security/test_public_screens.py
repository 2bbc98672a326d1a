"""A public wall screen (/wall/street, no login) receives only public content from the server: air, flood and
the announced risk level; never a camera intrusion takeover, camera alerts, camera tiles or snapshot URLs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from camera.models import CameraEvent, EventType
from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.public_screen import public_takeover, public_view
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
    body = {
        "output": "wall-snapshot.data",
        "outputs": {"id": "wall-snapshot", "property": "data"},
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": 1}],
        "state": [{"id": "wall-screen", "property": "data", "value": screen}],
        "changedPropIds": ["wall-tick.n_intervals"],
    }
    response = client.post("/_dash-update-component", json=body, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["wall-snapshot"]["data"]


def test_the_public_screen_gets_no_camera_content(client) -> None:
    snap = refresh(client, "street")
    assert not any(v for k, v in snap.items() if k.startswith(("camera", "kpi")))  # at most a false flag
    text = json.dumps({k: v for k, v in snap.items() if not k.startswith("camera")}, ensure_ascii=False)
    for word in CAMERA_WORDS:
        assert word not in text, word
    assert {a["source"] for a in snap["alerts"]} == {"flood"}
    assert [a["source"] for a in snap["takeover"]["alerts"]] == ["flood"]  # the flood alarm, not the intrusion
    assert snap["sensors"] and all(s["kind"] in ("air", "flood") for s in snap["sensors"])


def test_a_logged_in_operator_on_the_public_screen_sees_the_same_public_data(client) -> None:
    assert login(client, "operator").status_code == 302
    csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    assert "cam-01" not in json.dumps(refresh(client, "street", csrf))
    overview = json.dumps(refresh(client, "overview", csrf), ensure_ascii=False)  # the ops-room screen does
    assert "cam-01" in overview and "camera" in overview


def test_public_view_drops_private_keys_people_and_notes() -> None:
    snap = {
        "screen": "street", "sensors": [{"id": "flood-01", "kind": "flood"}], "risk": {"level": 3},
        "cameras": [{"id": "cam-01"}], "camera_offset": 6, "kpis": [{"id": "k"}],
        "alerts": [{"id": "a", "source": "flood", "acknowledged_by": "vanhanh", "acknowledged_note": "đã báo công an"},
                   {"id": "b", "source": "camera"}, {"id": "c", "source": "device"}, {"id": "d", "source": "system"}],
        "takeover": {"alerts": [{"id": "b", "source": "camera"}], "more": 0, "ids": ["b"]},
    }
    out = public_view(snap)
    assert set(out) == {"screen", "sensors", "risk", "alerts", "takeover"}
    assert out["alerts"] == [{"id": "a", "source": "flood"}] and out["takeover"] is None
    assert public_takeover({"id": "x", "source": "air", "shelved_by": "v"}) == {"id": "x", "source": "air"}
