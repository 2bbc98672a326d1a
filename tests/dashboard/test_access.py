"""Role × route table: every page, Dash callback and API route answered 200, 403 or 401/login per role."""

from __future__ import annotations

import pytest

from tests.alerts.callbacks import alerts_table_body
from tests.dashboard.conftest import API_TOKEN, login

ROLES = ("admin", "operator", "police", "leader", None)

# path -> roles that get 200 (others logged in: 403; not logged in: redirect to /login)
PAGES = {
    "/admin": {"admin"},
    "/wall/overview": {"admin", "operator", "leader"},
    "/wall/street": {"admin", "operator", "police", "leader", None},
    "/cameras": {"admin", "operator", "police"},
    "/kpi": {"admin", "operator", "leader"},
    "/alerts": {"admin", "operator", "leader"},
    "/sensors/pam-qt-01": {"admin", "operator"},
}


def _out(component_id, prop):
    return {"id": component_id, "property": prop}


def _in(component_id, prop, value):
    return {"id": component_id, "property": prop, "value": value}


def body(output, inputs, state=()):
    key = f"{output['id']}.{output['property']}" if isinstance(output["id"], str) else "x"
    return {
        "output": key,
        "outputs": output,
        "inputs": list(inputs),
        "state": list(state),
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]
        if isinstance(inputs[0], dict) and isinstance(inputs[0]["id"], str)
        else [],
    }


def _click(kind, alert_id="a-1"):
    return [_in({"type": kind, "alert": alert_id}, "n_clicks", 1)]


CALLBACKS = {
    "router": (body(_out("app-page", "children"), [_in("app-url", "pathname", "/kpi")]), set(ROLES)),
    "wall refresh": (
        body(
            _out("wall-snapshot", "data"),
            [_in("wall-tick", "n_intervals", 1)],
            [_in("wall-screen", "data", "overview"), _in("wall-snapshot", "data", None)],
        ),
        {"admin", "operator", "leader"},
    ),
    "public wall refresh": (
        body(
            _out("wall-snapshot", "data"),
            [_in("wall-tick", "n_intervals", 1)],
            [_in("wall-screen", "data", "street"), _in("wall-snapshot", "data", None)],
        ),
        {"admin", "operator", "leader", "police", None},  # a public screen: anyone who may open it, police too
    ),
    "wall ack": (
        body(
            _out("wallack-done", "children"),
            [_in("wallack-button", "n_clicks", 1)],
            [_in("wall-snapshot", "data", None)],
        ),
        {"admin", "operator"},
    ),
    "camera grid": (
        body(
            _out("cam-grid", "children"),
            [
                _in("cam-filter", "value", "all"),
                _in("cam-area", "value", None),
                _in("cam-unit", "value", None),
                _in("cam-tick", "n_intervals", 1),
            ],
        ),
        {"admin", "operator", "police"},
    ),
    "camera ack": (
        body(
            _out("camack-done", "children"),
            [_click("camack-ack"), _click("camack-resolve")],
            [[_in({"type": "camack-note", "alert": "a-1"}, "value", "ok")]],
        ),
        {"admin", "operator", "police"},
    ),
    "kpi body": (
        {
            "output": "..kpi-url.search...kpi-kind.value...kpi-period.options...kpi-period.value"
            "...kpi-pillar-filter.value...kpi-unit-filter.value...kpi-shown.data...kpi-body.children"
            "...kpi-report-pdf.href...kpi-report-docx.href...kpi-report-xlsx.href...kpi-export-csv.href"
            "...kpi-export-xlsx.href...kpi-unit-body.children...kpi-body-wrap.style..",
            "outputs": [_out("kpi-url", "search"), _out("kpi-kind", "value"), _out("kpi-period", "options"),
                        _out("kpi-period", "value"), _out("kpi-pillar-filter", "value"),
                        _out("kpi-unit-filter", "value"), _out("kpi-shown", "data"), _out("kpi-body", "children")]
            + [_out(f"kpi-{name}", "href") for name in ("report-pdf", "report-docx", "report-xlsx", "export-csv",
                                                         "export-xlsx")]
            + [_out("kpi-unit-body", "children"), _out("kpi-body-wrap", "style")],
            "inputs": [_in("kpi-url", "search", ""), _in("kpi-kind", "value", "month"),
                       _in("kpi-period", "value", "2026-10"), _in("kpi-pillar-filter", "value", ""),
                       _in("kpi-unit-filter", "value", "")],
            "state": [_in("kpi-latest", "data", "2026-10"), _in("kpi-url", "pathname", "/kpi"),
                      _in("kpi-period", "options", []), _in("kpi-shown", "data", ["2026-09", "", ""])],
            "changedPropIds": ["kpi-period.value"],
        },
        {"admin", "operator", "leader"},
    ),
    "alerts table": (alerts_table_body("open"), {"admin", "operator", "leader"}),
    "alert ack": (
        body(
            _out("alertack-done", "children"),
            [_click("alertack-ack"), _click("alertack-resolve")],
            [[_in({"type": "alertack-note", "alert": "a-1"}, "value", "ok")]],
        ),
        {"admin", "operator"},
    ),
    "sensor charts": (
        body(
            _out("sensor-charts", "children"),
            [_in("sensor-range", "value", "24h")],
            [_in("sensor-id", "data", "pam-qt-01")],
        ),
        {"admin", "operator"},
    ),
    "admin body": (body(_out("admin-body", "children"), [_in("admin-tick", "n_intervals", 1)]), {"admin"}),
}


@pytest.fixture
def as_role(client):
    def make(role):
        if role is not None:
            login(client, role)
        return client

    return make


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(as_role, role):
    client = as_role(role)
    for path, allowed in PAGES.items():
        response = client.get(path)
        if role in allowed:
            assert response.status_code == 200, (role, path)
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        else:
            assert response.status_code == 403, (role, path)
            assert "Không đủ quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_callbacks_by_role(as_role, role):
    client = as_role(role)
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value} if role else {}
    for name, (payload, allowed) in CALLBACKS.items():
        response = client.post("/_dash-update-component", json=payload, headers=headers)
        expected = 200 if role in allowed else (401 if role is None else 403)
        assert response.status_code in ((200, 204) if expected == 200 else (expected,)), (
            role,
            name,
            response.status_code,
        )


@pytest.mark.parametrize("role", ROLES)
def test_api_needs_login_or_token(as_role, role):
    response = as_role(role).get("/api/sensors")
    assert response.status_code == (401 if role is None else 200)


def test_api_token_reads_sensors(client):
    response = client.get("/api/sensors", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 200 and response.get_json()["sensors"]


def test_router_refuses_a_forged_path(as_role):
    """The router callback checks the role itself: a leader asking it for /admin gets the 403 content."""
    client = as_role("leader")
    payload = body(_out("app-page", "children"), [_in("app-url", "pathname", "/admin")])
    response = client.post(
        "/_dash-update-component",
        json=payload,
        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value},
    )
    assert response.status_code == 200 and "page-forbidden" in response.get_data(as_text=True)


def test_callback_without_csrf_token_is_refused(as_role):
    client = as_role("admin")
    payload = CALLBACKS["admin body"][0]
    assert client.post("/_dash-update-component", json=payload).status_code == 403
    bad = {"X-CSRFToken": "not-the-token"}
    assert client.post("/_dash-update-component", json=payload, headers=bad).status_code == 403


@pytest.mark.parametrize(
    ("role", "home"),
    [("admin", "/admin"), ("operator", "/wall/overview"), ("police", "/cameras"), ("leader", "/kpi")],
)
def test_root_sends_each_role_home(as_role, role, home):
    response = as_role(role).get("/")
    assert response.status_code == 302 and response.headers["Location"] == home


def test_events_api_lists_worker_and_mqtt_recorded_events_once(client, ctx):
    """/api/events: the camera workers' log and what ingest recorded from MQTT (an NVR too), each event once."""
    from datetime import UTC, datetime, timedelta

    from camera.models import CameraEvent, EventType

    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    ours = CameraEvent("cam-01", t0, EventType.INTRUSION, event_id="cam-01-1", zone="Sân UBND", score=0.8)
    nvr = CameraEvent("cam-02", t0 + timedelta(minutes=5), EventType.TAMPER, event_id="nvr-77", score=0.6)
    ctx.cameras.runtime.append_event(ours)
    for event in (ours, nvr):  # ingest records every event seen on MQTT, the workers' own included
        ctx.state_db.add_camera_event(event)
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    listed = client.get("/api/events", headers=auth).get_json()["events"]
    assert [e["event_id"] for e in listed] == ["nvr-77", "cam-01-1"]
    only_cam2 = client.get("/api/events?camera=cam-02&type=tamper", headers=auth).get_json()["events"]
    assert [e["event_id"] for e in only_cam2] == ["nvr-77"]
    assert client.get("/api/events?type=intrusion&limit=1", headers=auth).get_json()["events"][0]["zone"] == "Sân UBND"
