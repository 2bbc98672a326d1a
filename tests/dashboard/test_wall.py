"""The wall's server side: the snapshot, the takeover rule, rotation, and the pure view helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import i18n
from dashboard.read_model import ReadModel
from dashboard.sensor_view import normalise_aqi, normalise_flood
from dashboard.wall_snapshot import build_snapshot, screen_panels
from sensors.models import Reading
from tests.dashboard.conftest import login


def refresh_body(screen: str) -> dict:
    return {
        "output": "wall-snapshot.data",
        "outputs": {"id": "wall-snapshot", "property": "data"},
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": 1}],
        "state": [{"id": "wall-screen", "property": "data", "value": screen}],
        "changedPropIds": ["wall-tick.n_intervals"],
    }


def test_snapshot_has_a_tile_for_every_device_and_the_commune(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    with app.server.test_request_context():
        snap = build_snapshot(rm, ctx.config.walls[0], public=False)
    assert [s["id"] for s in snap["sensors"]] == ["pam-qt-01", "flood-01", "flood-02"]
    assert all(s["online"] for s in snap["sensors"])
    air = snap["sensors"][0]["aqi"]
    assert air["vn"] > 0 and air["colour"].startswith("#") and air["category_vi"]
    flood = snap["sensors"][1]["flood"]
    assert flood["alarm_level"] == 1 and flood["trend_cm_per_h"] > 0 and flood["next_level"] == 2
    assert len(snap["air_trend"]["pam-qt-01"]) >= 90  # 24 h in 15-min buckets
    assert {c["id"] for c in snap["cameras"]} == {"cam-01", "cam-02"}


def test_cameras_carry_their_area_and_place_and_stand_on_the_map(app, ctx):
    from dataclasses import replace

    from camera.settings import CameraConfig
    from dashboard.pages.wall_panels import map_panel

    cameras = [
        *ctx.config.cameras[:1],
        ctx.config.cameras[1].model_copy(update={"flood_point": "flood-01"}),
        CameraConfig(id="cam-03", name="Nhà văn hóa thôn", url="synthetic:", enabled=False, area="Thôn La Vân Hạ",
                     location={"lat": 16.5605, "lon": 107.5262}),
    ]
    rm = ReadModel(replace(ctx, config=ctx.config.model_copy(update={"cameras": cameras})))
    with app.server.test_request_context():
        snap = build_snapshot(rm, ctx.config.walls[0], public=False)
        street = build_snapshot(rm, next(w for w in ctx.config.walls if w.id == "street"), public=True)
    cams = {c["id"]: c for c in snap["cameras"]}
    assert cams["cam-01"]["area"] == "Xã Quảng Thọ" and cams["cam-01"]["location"] is None  # nothing configured
    assert cams["cam-02"]["area"] == "Cầu Phò Nam" and cams["cam-02"]["location"] == {"lat": 16.575, "lon": 107.541}
    assert cams["cam-03"]["area"] == "Thôn La Vân Hạ" and cams["cam-03"]["location"] == {"lat": 16.5605,
                                                                                      "lon": 107.5262}
    traces = map_panel({**snap, "font_px": 14}, "vi").children[0].children.figure["data"]
    squares = next(tr for tr in traces if tr.get("marker", {}).get("symbol") == "square")
    assert sorted(zip(squares["y"], squares["x"], strict=True)) == [(16.5605, 107.5262), (16.575, 107.541)]
    assert all("📷" in h for h in squares["hovertext"])
    public_traces = map_panel({**street, "font_px": 14}, "vi").children[0].children.figure["data"]
    assert not any(tr.get("marker", {}).get("symbol") == "square" for tr in public_traces)


def test_public_snapshot_carries_no_camera(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    street = next(w for w in ctx.config.walls if w.id == "street")
    with app.server.test_request_context():
        snap = build_snapshot(rm, street, public=True)
    assert "cameras" not in snap and snap["public"]


def test_wall_page_refresh_returns_the_commune_devices(client):
    login(client, "leader")
    response = client.post(
        "/_dash-update-component",
        json=refresh_body("overview"),
        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value},
    )
    data = response.get_json()["response"]["wall-snapshot"]["data"]
    assert data["screen"] == "overview" and len(data["sensors"]) == 3


def test_critical_alert_takes_over_until_acknowledged_or_shelved(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    reading = Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 400.0})
    ctx.live.apply([reading])
    ctx.alerts.on_readings([reading])
    alerts = rm.alerts("active")
    sensors = rm.sensors()
    taken = rm.takeover(alerts, sensors, takeover_s=600)
    (card,) = taken["alerts"]
    assert card["severity"] == "critical" and card["subject"] == "flood-01" and taken["more"] == 0
    later = ReadModel(ctx, clock=lambda: datetime.now(UTC) + timedelta(hours=6))
    assert later.takeover(alerts, sensors, takeover_s=600)["ids"] == [card["id"]]  # no time limit
    ctx.alerts.shelve(card["id"], "vanhanh", "operator", 30, "đã cử người trực")
    assert rm.takeover(rm.alerts("active"), sensors) is None
    assert later.takeover(rm.alerts("active"), sensors) is not None  # the shelving has run out by then
    ctx.alerts.acknowledge(card["id"], "vanhanh", "operator", "đã biết")
    assert later.takeover(rm.alerts("active"), sensors, takeover_s=0) is None


def test_rotation_advances_and_pauses_during_a_takeover(client):
    login(client, "operator")
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}

    def rotate(page: int, snap: dict) -> int:
        body = {
            "output": "wall-page.data",
            "outputs": {"id": "wall-page", "property": "data"},
            "inputs": [{"id": "wall-rotate", "property": "n_intervals", "value": 3}],
            "state": [
                {"id": "wall-page", "property": "data", "value": page},
                {"id": "wall-snapshot", "property": "data", "value": snap},
                {"id": "wall-screen", "property": "data", "value": "overview"},
            ],
            "changedPropIds": ["wall-rotate.n_intervals"],
        }
        return client.post("/_dash-update-component", json=body, headers=headers)

    assert rotate(0, {}).get_json()["response"]["wall-page"]["data"] == 1
    assert rotate(1, {}).get_json()["response"]["wall-page"]["data"] == 0
    assert "wall-page" not in rotate(0, {"takeover": {"id": "x"}}).get_json()["response"]  # paused


def test_screen_panels_first_page_then_pages(config):
    # the clock panel is dropped: the header shows the time
    assert screen_panels(config.walls[0]) == [["map", "air", "flood", "alerts", "cameras"], ["kpis"]]


@pytest.mark.parametrize(
    ("aqi", "expected"),
    [
        (
            {"vn": 86, "us": 119, "category": "moderate", "colour": "#FFFF00", "dominant": "pm25"},
            (86, "Trung bình"),
        ),
        (
            {
                "vn": {"value": 160, "category": "bad", "colour": "#FF0000", "label_vi": "Xấu"},
                "us": {"value": 170},
            },
            (160, "Xấu"),
        ),
        (None, None),
    ],
)
def test_normalise_aqi_accepts_both_shapes(aqi, expected):
    flat = normalise_aqi(aqi)
    assert (None if flat is None else (flat["vn"], flat["category_vi"])) == expected


def test_normalise_flood_adds_lines_colour_and_next_level():
    flat = normalise_flood(
        {"water_level_cm": 260.0, "alarm_level": 2, "trend_cm_per_h": 10.0, "minutes_to_next_level": 540},
        (150, 250, 350),
    )
    assert flat["alarm_levels_cm"] == [150, 250, 350] and flat["next_level"] == 3 and flat["eta_min"] == 540


def test_every_label_has_both_languages():
    for key, (vi, en) in i18n.LABELS.items():
        assert vi and en, key
    assert i18n.t("wall.disconnected") == "MẤT KẾT NỐI – đang thử lại…"
    assert i18n.t("flood.level", "en", n="II") == "Alarm level II"
    assert i18n.age_text(125, "vi") == "2 phút" and i18n.age_text(3 * 86400, "en") == "3 d"
