"""The wall's server side: the snapshot, the takeover rule, rotation, and the pure view helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard import i18n
from dashboard.read.alerts import AlertReads, alert_reads
from dashboard.read.sensors import FloodView, aqi_now
from dashboard.read_model import ReadModel
from dashboard.wall_snapshot import build_snapshot, screen_panels
from sensors.flood import FloodScale, flood_status
from sensors.models import Reading
from tests.dashboard.conftest import login

SHOWN = {"overview": ("map", "air", "flood", "alerts", "cameras"), "street": ("air", "flood")}  # page 0 of each


def refresh_body(screen: str, drawn: dict | None = None) -> dict:
    """The wall's drawing refresh: the header, the device tiles and every panel's copies (page 0 holds five);
    `drawn`: the fingerprints of the panels the browser shows."""
    from dashboard.settings import PANELS

    singles = [("wall-clock", "children"), ("wall-date", "children"), ("wall-freshness", "children"),
               ("wall-devices", "children"), ("wall-drawn", "data")]
    panels = [[{"id": {"type": "wall-panel", "panel": name, "page": 0}, "property": "children"}]
              if name in SHOWN[screen.split("/")[-1]] else [] for name in PANELS]
    output = "...".join([f"{i}.{p}" for i, p in singles]
                        + [f'{{"page":["ALL"],"panel":"{n}","type":"wall-panel"}}.children' for n in PANELS])
    return {
        "output": f"..{output}..",
        "outputs": [{"id": i, "property": p} for i, p in singles] + panels,
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": 1}],
        "state": [{"id": "wall-screen", "property": "data", "value": screen},
                  {"id": "wall-viewport", "property": "data", "value": 1080},
                  {"id": "wall-drawn", "property": "data", "value": drawn}],
        "changedPropIds": ["wall-tick.n_intervals"],
    }


def store_body(screen: str, kept: dict | None = None) -> dict:
    """The wall's light refresh of the alarms' store (what the takeover reads), `kept`: the browser's store."""
    return {
        "output": "wall-snapshot.data",
        "outputs": {"id": "wall-snapshot", "property": "data"},
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": 1}],
        "state": [{"id": "wall-screen", "property": "data", "value": screen},
                  {"id": "wall-snapshot", "property": "data", "value": kept}],
        "changedPropIds": ["wall-tick.n_intervals"],
    }


def test_snapshot_has_a_tile_for_every_device_and_the_commune(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    with app.server.test_request_context():
        snap = build_snapshot(rm, ctx.config.walls[0], public=False)
    assert [s.id for s in snap.sensors] == ["pam-qt-01", "flood-01", "flood-02"]
    assert all(s.online for s in snap.sensors)
    air = snap.sensors[0].index
    assert air is not None and air.value > 0 and air.colour.startswith("#") and air.label_vi
    flood = snap.sensors[1].flood_on_screen
    assert flood is not None and flood.status.alarm_level == 1 and flood.status.trend_cm_per_h > 0
    assert flood.next_level == 2
    assert len(snap.air_trend["pam-qt-01"].points) >= 90  # 24 h in 15-min buckets
    assert {c.id for c in snap.cameras or ()} == {"cam-01", "cam-02"}


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
    cams = {c.id: c for c in snap.cameras or ()}
    place = {i: (c.location.lat, c.location.lon) if c.location else None for i, c in cams.items()}
    assert cams["cam-01"].area == "Xã Quảng Thọ" and place["cam-01"] is None  # nothing configured
    assert cams["cam-02"].area == "Cầu Phò Nam" and place["cam-02"] == (16.575, 107.541)
    assert cams["cam-03"].area == "Thôn La Vân Hạ" and place["cam-03"] == (16.5605, 107.5262)
    traces = map_panel(replace(snap, font_px=14), "vi").children[0].children.figure["data"]
    squares = next(tr for tr in traces if tr.get("marker", {}).get("symbol") == "square")
    assert sorted(zip(squares["y"], squares["x"], strict=True)) == [(16.5605, 107.5262), (16.575, 107.541)]
    assert all("📷" in h for h in squares["hovertext"])
    public_traces = map_panel(replace(street, font_px=14), "vi").children[0].children.figure["data"]
    assert not any(tr.get("marker", {}).get("symbol") == "square" for tr in public_traces)


def test_public_snapshot_carries_no_camera(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    street = next(w for w in ctx.config.walls if w.id == "street")
    with app.server.test_request_context():
        snap = build_snapshot(rm, street, public=True)
    assert snap.cameras is None and snap.public and not snap.camera_images
    assert set(snap.store()) == {"screen", "commune", "now", "takeover", "camera_images", "public"}


def test_wall_page_refresh_returns_the_commune_devices(client):
    login(client, "leader")
    response = client.post(
        "/_dash-update-component",
        json=refresh_body("overview"),
        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value},
    )
    answer = response.get_json()["response"]
    tiles = answer["wall-devices"]["children"]
    ids = ["wall-tile-pam-qt-01", "wall-tile-flood-01", "wall-tile-flood-02"]
    assert [tile["props"]["id"] for tile in tiles] == ids
    assert "wall-aqi-value" in str(answer)  # the air panel drawn in the same answer
    marks = answer["wall-drawn"]["data"]
    again = client.post("/_dash-update-component", json=refresh_body("overview", marks),
                        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value}).get_json()["response"]
    assert "wall-devices" in again and "wall-aqi-value" not in str(again)  # the unchanged air panel is not sent
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    store = client.post("/_dash-update-component", json=store_body("overview"), headers=headers).get_json()
    kept = store["response"]["wall-snapshot"]["data"]
    assert kept["screen"] == "overview" and kept["takeover"] is None
    again = client.post("/_dash-update-component", json=store_body("overview", kept), headers=headers)
    assert again.status_code == 204 or "wall-snapshot" not in again.get_json()["response"]  # nothing new: kept


def test_critical_alert_takes_over_until_acknowledged_or_shelved(app, ctx):
    rm: ReadModel = ctx.extras["read_model"]
    reading = Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 400.0})
    ctx.live.apply([reading])
    ctx.alerts.on_readings([reading])
    reads = rm.reads(alert_reads)
    alerts = reads.alerts("active")
    taken = reads.takeover(alerts)  # flood stand-ins count only without the alerts service
    (card,) = taken.cards
    assert card.severity == "critical" and card.subject == "flood-01" and taken.more == 0
    later = AlertReads(ctx.alerts, ctx.config.alerts, ctx.config.commune, ctx.config.cameras,
                       clock=lambda: datetime.now(UTC) + timedelta(hours=6))
    assert later.takeover(alerts).ids == (card.id,)  # no time limit
    ctx.alerts.shelve(card.id, "vanhanh", "operator", 30, "đã cử người trực")
    assert reads.takeover(reads.alerts("active")) is None
    assert later.takeover(later.alerts("active")) is not None  # the shelving has run out by then
    ctx.alerts.acknowledge(card.id, "vanhanh", "operator", "đã biết")
    assert later.takeover(later.alerts("active")) is None


def test_without_the_alerts_service_a_flood_point_at_level_three_takes_over(app, ctx):
    from dataclasses import replace

    from dashboard.read.takeover import TakeoverView
    from dashboard.wall_snapshot import takeover_store

    # far above level III (350 cm): the store's 1-second bucket may average it with the fixture's last reading
    flood = [Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 800.0})]
    ctx.store.write(flood)
    ctx.live.apply(flood)
    rm = ReadModel(replace(ctx, alerts=None))
    with app.server.test_request_context():
        snap = build_snapshot(rm, ctx.config.walls[0], public=False)
        store = takeover_store(rm, ctx.config.walls[0], public=False)
    assert snap.takeover is not None and snap.alerts == ()
    (card,) = snap.takeover.cards
    assert card.id == "flood-flood-01" and card.source == "flood" and not card.ackable
    assert snap.takeover.ackable() == []  # nobody can acknowledge a stand-in
    assert store["takeover"] == snap.store()["takeover"]  # the light refresh gives the browser the same takeover
    assert TakeoverView.from_json(store["takeover"]) == snap.takeover  # what the takeover's callbacks read back


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


def test_the_views_give_the_index_and_the_next_line(config):
    air = config.sensor("pam-qt-01")
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    hours = [(now.replace(minute=0) - timedelta(hours=i), 60.0) for i in range(12)]
    view = aqi_now(air, {"pm25": hours}, now)
    assert view.vn is not None and view.vn.category == view.band.key and view.advice_vi and view.provisional
    status = flood_status((150, 250, 350), [(now - timedelta(minutes=30), 250.0), (now, 260.0)])
    flood = FloodView(status, FloodScale.RIVER_GAUGE, None)
    assert flood.lines_cm == (150, 250, 350) and flood.next_level == 3
    assert flood.line_names[2] == ("BĐ III", "Alarm III")


def test_every_label_has_both_languages():
    for key, (vi, en) in i18n.LABELS.items():
        assert vi and en, key
    assert i18n.t("wall.disconnected") == "MẤT KẾT NỐI – đang thử lại…"
    assert i18n.t("flood.level", "en", n="II") == "Alarm level II"
    assert i18n.age_text(125, "vi") == "2 phút" and i18n.age_text(3 * 86400, "en") == "3 d"
