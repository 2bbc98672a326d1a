"""Former communes on the API and the pages: `?unit=` filters sensors, alerts, cameras and events (400 for an unknown
unit); alerts carry their sensor's or camera's unit; /sensors, /alerts and the police desk filter and group by unit
in a real Chromium; a wall screen of one unit shows only that unit and the map marks the old headquarters; a commune
without former units looks as before."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from alerts.models import AlertTransition
from alerts.notify import alert_payload
from camera.models import CameraEvent, EventType
from configfile.loader import parse_config
from dashboard.app import create_server
from dashboard.context import AppContext
from dashboard.pages import sensor_list, wall_panels
from dashboard.read_model import ReadModel
from dashboard.settings import Role
from dashboard.wall_snapshot import build_snapshot
from tests.browser import wait_js
from tests.dashboard.conftest import API_TOKEN, FIXTURES
from tests.dashboard.test_browser import shot
from tests.dashboard.test_pages_browser import open_as

ROOT = Path(__file__).resolve().parents[2]
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}
UNITS = """  former_units:
    - {id: quang-tho-cu, name: "Xã Quảng Thọ (cũ)", location: {lat: 16.570, lon: 107.530}, merged_on: 2025-07-01}
    - {id: quang-phuoc, name: "Xã Quảng Phước (cũ)", location: {lat: 16.578, lon: 107.538}, merged_on: 2025-07-01}
mqtt:"""


def merged_text() -> str:
    """The dashboard fixture's commune as a merger: pam-qt-01 and cam-01 in the old Quảng Thọ, flood-01 and cam-02
    in the old Quảng Phước, flood-02 in none; a wall screen for Quảng Phước."""
    text = (FIXTURES / "coc.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("mqtt:", UNITS),
        ("lon: 107.530}, interval_s: 60}", "lon: 107.530}, interval_s: 60, former_unit: quang-tho-cu}"),
        ("alarm_levels_cm: [150, 250, 350]}", "alarm_levels_cm: [150, 250, 350], former_unit: quang-phuoc}"),
        ('"Chợ Quảng Thọ", url: "synthetic:", fps: 2}',
         '"Chợ Quảng Thọ", url: "synthetic:", fps: 2, former_unit: quang-tho-cu}'),
        ('"Cầu Phò Nam", url: "synthetic:", fps: 2}',
         '"Cầu Phò Nam", url: "synthetic:", fps: 2, former_unit: quang-phuoc}'),
        ("  - {id: street,", "  - {id: phuoc, title: \"Xã Quảng Phước (cũ)\", panels: [map, flood, alerts, cameras],\n"
                            "     former_unit: quang-phuoc}\n  - {id: street,"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def config(environ: dict[str, str]):  # the dashboard fixtures (ctx, app, served) run on the merged commune
    return parse_config(merged_text(), "coc.yaml", environ)


@pytest.fixture
def camera_alerts(ctx: AppContext) -> dict[str, str]:
    """An intrusion at cam-01 (old Quảng Thọ) and one at cam-02 (old Quảng Phước), with their events recorded;
    returns camera id → alert id."""
    now = datetime.now(UTC) - timedelta(seconds=5)
    for cam in ("cam-01", "cam-02"):
        event = CameraEvent(cam, now, EventType.INTRUSION, event_id=f"ev-{cam}", zone="Lòng đường", score=0.9)
        ctx.state_db.add_camera_event(event)
        ctx.alerts.on_camera_event(event)
    return {a.subject: a.id for a in ctx.alerts.active() if a.source.value == "camera"}


def components(node: Any) -> Any:
    """Every Dash component in a layout tree."""
    if isinstance(node, list | tuple):
        for item in node:
            yield from components(item)
    elif hasattr(node, "to_plotly_json"):
        yield node
        yield from components(getattr(node, "children", None))


def get(client: Any, path: str) -> Any:
    response = client.get(path, headers=BEARER)
    return response.status_code, response.get_json()


def test_the_api_filters_sensors_and_cameras_by_former_unit(client: Any) -> None:
    status, body = get(client, "/api/sensors?unit=quang-phuoc")
    assert status == 200 and [(s["id"], s["former_unit"]) for s in body["sensors"]] == [("flood-01", "quang-phuoc")]
    _, body = get(client, "/api/sensors")
    assert {s["id"]: s["former_unit"] for s in body["sensors"]} == {
        "pam-qt-01": "quang-tho-cu", "flood-01": "quang-phuoc", "flood-02": None}
    status, body = get(client, "/api/cameras?unit=quang-tho-cu")
    assert status == 200 and [(c["id"], c["former_unit"]) for c in body["cameras"]] == [("cam-01", "quang-tho-cu")]


@pytest.mark.parametrize("path", ["/api/sensors", "/api/alerts", "/api/cameras", "/api/events"])
def test_an_unknown_unit_is_a_400_that_lists_the_known_ones(client: Any, path: str) -> None:
    status, body = get(client, f"{path}?unit=quang-an")
    assert status == 400 and body["error"] == "bad_request"
    assert "unit='quang-an' is not a former unit of this commune; use one of: quang-tho-cu, quang-phuoc" \
        in body["message"]


def test_alerts_carry_the_unit_of_their_sensor_or_camera_and_filter_by_it(client: Any, ctx: AppContext,
                                                                          camera_alerts: dict[str, str]) -> None:
    _, body = get(client, "/api/alerts?status=active")
    units = {a["subject"]: a["former_unit"] for a in body["alerts"]}
    assert units["flood-01"] == "quang-phuoc"  # 200 cm at báo động I in the fixture's history
    assert units["cam-01"] == "quang-tho-cu" and units["cam-02"] == "quang-phuoc"
    _, body = get(client, "/api/alerts?status=active&unit=quang-phuoc")
    assert {a["subject"] for a in body["alerts"]} == {"flood-01", "cam-02"}
    _, body = get(client, "/api/alerts?unit=quang-tho-cu&source=camera")
    assert [a["id"] for a in body["alerts"]] == [camera_alerts["cam-01"]]
    alert = ctx.alerts.get(camera_alerts["cam-02"]).alert  # the retained MQTT payload says it too
    payload = json.loads(alert_payload(alert, AlertTransition(alert.id, ctx.alerts.get(alert.id).history[0].action,
                                                              alert.opened_at, alert.status, alert.severity)))
    assert payload["former_unit"] == "quang-phuoc" and payload["subject"] == "cam-02"


def test_events_of_a_former_units_cameras(client: Any, camera_alerts: dict[str, str]) -> None:
    _, body = get(client, "/api/events?unit=quang-phuoc")
    assert {e["camera"] for e in body["events"]} == {"cam-02"} and body["events"]
    _, body = get(client, "/api/events?unit=quang-phuoc&camera=cam-01")  # not one of that unit's cameras
    assert body["events"] == []
    _, body = get(client, "/api/events")
    assert {"cam-01", "cam-02"} <= {e["camera"] for e in body["events"]}


def test_a_wall_screen_of_one_unit_shows_only_that_unit_and_the_map_marks_the_old_offices(
        ctx: AppContext, camera_alerts: dict[str, str]) -> None:
    rm = ReadModel(ctx)
    screens = {w.id: w for w in ctx.config.walls}
    snap = build_snapshot(rm, screens["phuoc"], public=False)
    assert [s.id for s in snap.sensors] == ["flood-01"]
    assert [c.id for c in snap.cameras or ()] == ["cam-02"]
    assert snap.alerts and {a.alert.former_unit for a in snap.alerts} == {"quang-phuoc"}
    assert [u.id for u in snap.former_units] == ["quang-phuoc"]
    whole = build_snapshot(rm, screens["overview"], public=False)
    assert {s.id for s in whole.sensors} == {"pam-qt-01", "flood-01", "flood-02"}
    assert [u.name for u in whole.former_units] == ["Xã Quảng Thọ (cũ)", "Xã Quảng Phước (cũ)"]
    panel = wall_panels.map_panel(whole, "vi")
    figure = panel.children[0].children.figure
    offices = [t for t in figure["data"] if t["marker"]["symbol"] == "diamond"]
    assert [o["text"] for o in offices] == [["Xã Quảng Thọ (cũ)", "Xã Quảng Phước (cũ)"]]
    assert "Trụ sở xã cũ" in json.dumps(panel.children[1].to_plotly_json(), ensure_ascii=False, default=str)


def test_a_commune_without_former_units_looks_as_before(environ: dict[str, str]) -> None:
    plain = parse_config((FIXTURES / "coc.yaml").read_text(encoding="utf-8"), "coc.yaml", environ)
    rm = ReadModel(AppContext(config=plain))
    parts = list(components(sensor_list.layout(rm, "vi", Role.OPERATOR)))
    [picker] = [c for c in parts if getattr(c, "className", None) == "unit-filter"]
    assert picker.style == {"display": "none"}  # there, so the callbacks have their input, but not shown
    assert not [c for c in parts if getattr(c, "className", None) == "unit-group-row"]
    assert len([c for c in parts if str(getattr(c, "id", "")).startswith("sensor-row-")]) == len(plain.sensors)
    snap = build_snapshot(rm, plain.walls[0], public=False)
    assert snap.former_units == ()
    client = create_server(AppContext(config=plain)).test_client()
    response = client.get("/api/sensors?unit=quang-phuoc", headers=BEARER)
    assert response.status_code == 400 and "this commune has no former units" in response.get_json()["message"]


def test_sensors_page_filters_and_groups_by_former_unit(browser: Any, served: Any) -> None:
    page = open_as(browser, served.url, "operator", "/sensors?unit=quang-phuoc")
    expect(page.locator("#sensor-unit-quang-phuoc")).to_contain_text("Xã Quảng Phước (cũ)", timeout=15_000)
    expect(page.locator("#sensor-row-pam-qt-01")).to_have_count(0)
    expect(page.locator("#sensor-row-flood-01")).to_be_visible()
    expect(page.locator(".unit-pick")).to_contain_text("Xã Quảng Phước (cũ)")
    path = shot(page, "sensors-former-units.png")
    page.locator(".unit-pick").click()
    page.get_by_role("option", name="Xã Quảng Thọ (cũ)").click()
    expect(page.locator("#sensor-row-pam-qt-01")).to_be_visible(timeout=10_000)
    expect(page.locator("#sensor-row-flood-01")).to_have_count(0)
    wait_js(page, "window.location.search === '?unit=quang-tho-cu'")  # the choice can be bookmarked
    page.goto(f"{served.url}/sensors")  # no unit: every device, under one heading per former commune
    expect(page.locator(".unit-group-row")).to_have_count(3, timeout=15_000)
    headings = page.locator(".unit-group-row th").all_inner_texts()
    assert headings[0].startswith("Xã Quảng Thọ (cũ)") and headings[1].startswith("Xã Quảng Phước (cũ)")
    assert headings[2].startswith("Chung toàn xã")
    page.context.close()
    assert path.stat().st_size > 10_000  # artifacts/screenshots/sensors-former-units.png (README copy in docs/)


def test_alerts_page_filters_and_groups_by_former_unit(browser: Any, served: Any,
                                                       camera_alerts: dict[str, str]) -> None:
    page = open_as(browser, served.url, "operator", "/alerts?unit=quang-phuoc")
    expect(page.locator(f"#alerts-row-{camera_alerts['cam-02']}")).to_be_visible(timeout=15_000)
    expect(page.locator(f"#alerts-row-{camera_alerts['cam-01']}")).to_have_count(0)
    expect(page.locator(".alert-unit-name")).to_have_text(["Xã Quảng Phước (cũ)"])
    page.goto(f"{served.url}/alerts")
    expect(page.locator(f"#alerts-row-{camera_alerts['cam-01']}")).to_be_visible(timeout=15_000)
    expect(page.locator(".alert-unit-name")).to_have_text(["Xã Quảng Thọ (cũ)", "Xã Quảng Phước (cũ)"])
    page.context.close()


def test_police_desk_filters_and_groups_by_former_unit(browser: Any, served: Any,
                                                       camera_alerts: dict[str, str]) -> None:
    page = open_as(browser, served.url, "police", "/cameras?unit=quang-phuoc")
    expect(page.locator("#cam-unit-quang-phuoc")).to_contain_text("Xã Quảng Phước (cũ)", timeout=15_000)
    tiles = page.locator(".cam-grid .cam-card")
    expect(tiles).to_have_count(1)
    expect(tiles).to_contain_text("Cầu Phò Nam")
    expect(page.locator(f"#alerts-row-{camera_alerts['cam-02']}")).to_be_visible()
    expect(page.locator(f"#alerts-row-{camera_alerts['cam-01']}")).to_have_count(0)
    page.goto(f"{served.url}/cameras")
    expect(page.locator(".cam-unit-head")).to_have_count(2, timeout=15_000)
    expect(page.locator(".cam-grid .cam-card")).to_have_count(2)
    page.context.close()
