"""A province center run as `run_coc.py run` runs it (province.runtime.build_province_runtime): two commune COCs,
each with its own Mosquitto bridged (config/mosquitto-bridge.conf) to a three-node NATS cluster; the province COC
reads the cluster, writes InfluxDB, mirrors the communes' alarms and serves the province wall. Checked: readings and
alarms of both communes arrive; an acknowledgement at either end is seen at both; a commune's operator is refused
another commune (403) on the API, the pages and the wall callbacks; and in Chromium, the province wall with both
communes and a drill-down to one commune's wall."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.publish as paho_publish
import pytest
import requests

from configfile.loader import load_config, parse_config
from dashboard.auth import hash_password
from dashboard.pages.province import critical_banner
from province.runtime import ProvinceRuntime, build_province_runtime
from run_coc import Runtime, build_runtime
from tests.dashboard.test_wall import store_body
from tests.polling import wait_until
from tests.province.cluster import INGEST_PASSWORD, INGEST_USER, BridgedMosquitto, NatsCluster, bridge_text
from tests.servers import InfluxDB, free_port

COMMUNES = {"xa-dong": ("Xã Đông Sơn", 16.58, 107.52), "xa-tay": ("Xã Tây Hồ", 16.55, 107.49)}
SECRET = "province-test-secret-key-0123456789abcdef"
TOKENS = {"all": "province-token-all-0123456789", "dong": "province-token-dong-0123456789"}
PASSWORDS = {"tinh": "tinh-password-123", "vh-dong": "vhdong-password-123"}


def commune_yaml(commune: str, directory: Path, mqtt_port: int) -> str:
    name, lat, lon = COMMUNES[commune]
    return f"""
commune: {{id: {commune}, name: "{name}", timezone: Asia/Ho_Chi_Minh, location: {{lat: {lat}, lon: {lon}}}}}
mqtt: {{host: 127.0.0.1, port: {mqtt_port}, topic_prefix: coc/{commune}, embedded: never, client_id: coc-{commune}}}
storage:
  backend: sqlite
  sqlite: {{path: {directory / 'readings.sqlite'}}}
  state_path: {directory / 'state.sqlite'}
  spool_dir: {directory / 'spool'}
  flush_interval_s: 0.1
web: {{host: 127.0.0.1, port: {free_port()}, secret_key: ${{COC_SECRET_KEY}}}}
sensors:
  - {{id: pam-01, kind: air, name: "Trạm UBND", location: {{lat: {lat}, lon: {lon}}}, interval_s: 60}}
  - {{id: flood-01, kind: flood, name: "Cầu {name[3:]}", location: {{lat: {lat + 0.004}, lon: {lon + 0.004}}},
     interval_s: 300, alarm_levels_cm: [150, 250, 350]}}
walls:
  - {{id: overview, title: "Tổng quan", panels: [map, air, flood, alerts]}}
"""


def province_yaml(directory: Path, cluster: NatsCluster, influx: InfluxDB) -> str:
    servers = ", ".join(cluster.urls)
    communes = "\n".join(
        f"    - {{id: {c}, name: \"{n}\", location: {{lat: {lat}, lon: {lon}}}, config: communes/{c}.yaml}}"
        for c, (n, lat, lon) in COMMUNES.items())
    return f"""
province:
  id: hue
  name: "Thành phố Huế"
  location: {{lat: 16.46, lon: 107.59}}
  cluster: {{servers: [{servers}], user: {INGEST_USER}, password: "{INGEST_PASSWORD}", ack_wait_s: 3,
            command_retry_s: 1}}
  communes:
{communes}
storage:
  backend: influxdb
  influxdb: {{url: "{influx.url}", database: province_coc}}
  state_path: {directory / 'state' / 'province.sqlite'}
  spool_dir: {directory / 'spool'}
  flush_interval_s: 0.1
web: {{host: 127.0.0.1, port: {free_port()}, secret_key: {SECRET}}}
auth:
  users:
    - {{username: tinh, role: operator, password_hash: "{hash_password(PASSWORDS['tinh'])}"}}
    - {{username: vh-dong, role: operator, password_hash: "{hash_password(PASSWORDS['vh-dong'])}",
       communes: [xa-dong]}}
  api_tokens:
    - {{name: ioc, role: operator, token: {TOKENS['all']}}}
    - {{name: xa-dong-gateway, role: operator, token: {TOKENS['dong']}, communes: [xa-dong]}}
"""


def api(rt: ProvinceRuntime, path: str, token: str = "all", method: str = "GET", **kw: Any) -> requests.Response:
    return requests.request(method, rt.url.rstrip("/") + path, headers={"Authorization": f"Bearer {TOKENS[token]}"},
                            timeout=10, **kw)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory, influxdb_server: InfluxDB) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("province-coc")
    cluster = NatsCluster(tmp / "nats", list(COMMUNES)).start()
    brokers = {c: BridgedMosquitto(tmp / f"mosquitto-{c}", bridge=bridge_text(c, cluster)).start()
               for c in COMMUNES}
    (tmp / "province" / "communes").mkdir(parents=True)
    communes: dict[str, Runtime] = {}
    for commune, broker in brokers.items():
        text = commune_yaml(commune, tmp / commune, broker.port)
        (tmp / "province" / "communes" / f"{commune}.yaml").write_text(text)  # the province's copy
        rt = build_runtime(parse_config(text, f"{commune}.yaml", {"COC_SECRET_KEY": SECRET}), web=False)
        rt.start()
        assert rt.ingest.wait_subscribed(20)
        communes[commune] = rt
    (tmp / "province" / "province.yaml").write_text(province_yaml(tmp / "province", cluster, influxdb_server))
    config = load_config(tmp / "province" / "province.yaml", {})
    rt = build_province_runtime(config, tmp / "province")
    rt.start()
    assert rt.feed.wait_ready(30), rt.feed.counters.errors
    for commune, broker in brokers.items():  # a level-III flood at both communes, poorer air at xa-dong
        publish_readings(broker.port, commune, 380, 42.0 if commune == "xa-dong" else 12.0)
    rows = [{"commune": c, "period": "2026-11", "metric": f"tthc_received_{way}", "value": value}
            for c, values in (("xa-dong", (500, 300, 46)), ("xa-tay", (900, 390, 7)))
            for way, value in zip(("direct", "online", "post"), values, strict=True)]
    answer = api(rt, "/api/kpis/data", method="POST", json=rows)  # the communes' monthly figures
    assert answer.status_code == 200, answer.text
    yield {"province": rt, "communes": communes, "brokers": brokers, "cluster": cluster, "influx": influxdb_server}
    rt.stop()
    for commune_rt in communes.values():
        commune_rt.stop()
    for broker in brokers.values():
        broker.stop()
    cluster.stop()


def publish_readings(port: int, commune: str, water_cm: float, pm25: float) -> None:
    now = datetime.now(UTC).isoformat()
    paho_publish.multiple([
        {"topic": f"coc/{commune}/air/pam-01/state", "payload": json.dumps({"ts": now, "pm25": pm25}), "qos": 1},
        {"topic": f"coc/{commune}/flood/flood-01/state", "payload": json.dumps({"ts": now, "water_level_cm":
                                                                                water_cm}), "qos": 1},
    ], hostname="127.0.0.1", port=port, client_id=f"devices-{commune}")


def flood_alarm(rt: ProvinceRuntime, commune: str) -> dict[str, Any] | None:
    found = api(rt, f"/api/alerts?status=active&commune={commune}").json().get("alerts", [])
    return next((a for a in found if a.get("rule") == "flood_level"), None)


def test_both_communes_readings_and_alarms_reach_the_province(province: dict[str, Any]) -> None:
    rt: ProvinceRuntime = province["province"]
    for commune in COMMUNES:  # the level-III flood alarm raised at the commune arrives at the province
        wait_until(lambda c=commune: flood_alarm(rt, c) is not None, f"flood alarm of {commune} at the province", 60)
        alarm = flood_alarm(rt, commune)
        assert alarm["severity"] == "critical" and alarm["status"] == "open"
        local = province["communes"][commune].alerts.active()
        assert [a.id for a in local if a.rule == "flood_level"] == [alarm["id"]]  # the commune's own alarm
    def counts() -> dict[str, int]:
        doc = province["influx"].query("SELECT COUNT(\"water_level_cm\") FROM \"flood\" GROUP BY \"commune\"",
                                       "province_coc")
        return {s["tags"]["commune"]: s["values"][0][1] for s in doc["results"][0].get("series", [])}

    wait_until(lambda: len(counts()) == 2, "both communes' readings in the province store", 30)
    assert counts() == {"xa-dong": 1, "xa-tay": 1}
    sensors = {c: api(rt, f"/api/sensors?commune={c}").json()["sensors"] for c in COMMUNES}
    assert {c: next(s for s in docs if s["id"] == "flood-01")["flood"]["alarm_level"] for c, docs in sensors.items()} \
        == {"xa-dong": 3, "xa-tay": 3}
    summaries = {s.id: s for s in rt.view.summaries()}
    assert summaries["xa-dong"].worst_severity == "critical" and summaries["xa-dong"].flood_level == 3
    assert summaries["xa-dong"].unacknowledged >= 1 and summaries["xa-tay"].water_level_cm == 380
    for commune in COMMUNES:  # each commune's level-III alarm heads the province's banner of critical alarms
        alarm = flood_alarm(rt, commune)
        assert [a.id for a in summaries[commune].critical] == [alarm["id"]]
        banner = critical_banner(list(summaries.values()), "vi")
        assert banner is not None
        lines = [item.children for item in banner.children[1:]]
        assert f"{summaries[commune].name}: {alarm['title_vi']}" in lines, lines


def test_an_acknowledgement_at_the_province_is_applied_at_the_commune_and_seen_back(province: dict[str, Any]) -> None:
    rt: ProvinceRuntime = province["province"]
    wait_until(lambda: flood_alarm(rt, "xa-dong") is not None, "flood alarm of xa-dong", 60)
    alarm_id = flood_alarm(rt, "xa-dong")["id"]
    answer = api(rt, f"/api/alerts/{alarm_id}/ack?commune=xa-dong", method="POST", json={"note": "Đã cử tổ ứng cứu"})
    assert answer.status_code == 200, answer.text
    commune = province["communes"]["xa-dong"]
    wait_until(lambda: not commune.alerts.book.find(alarm_id).unacknowledged, "acknowledged at the commune", 30)
    local = commune.alerts.book.find(alarm_id)
    assert local.acknowledged_by == "ioc (Thành phố Huế)" and local.acknowledged_note == "Đã cử tổ ứng cứu"
    wait_until(lambda: flood_alarm(rt, "xa-dong")["status"] == "acknowledged", "seen back at the province", 30)
    assert flood_alarm(rt, "xa-dong")["acknowledged_by"] == "ioc (Thành phố Huế)"
    assert rt.view.contexts["xa-dong"].alerts.pending(alarm_id) is None  # the province stopped resending


def test_an_acknowledgement_at_the_commune_is_seen_at_the_province(province: dict[str, Any]) -> None:
    rt: ProvinceRuntime = province["province"]
    wait_until(lambda: flood_alarm(rt, "xa-tay") is not None, "flood alarm of xa-tay", 60)
    alarm_id = flood_alarm(rt, "xa-tay")["id"]
    province["communes"]["xa-tay"].alerts.acknowledge(alarm_id, "vanhanh-tay", "operator", "Đang theo dõi")
    wait_until(lambda: flood_alarm(rt, "xa-tay")["status"] == "acknowledged", "seen at the province", 30)
    assert flood_alarm(rt, "xa-tay")["acknowledged_by"] == "vanhanh-tay"


def test_the_province_reports_its_own_health_not_a_communes(province: dict[str, Any]) -> None:
    """A province center has no MQTT broker of its own: its health is its parts (the feed reaches the cluster)
    and each commune's store, and /admin shows one store row per commune."""
    from dashboard.pages.admin import health_rows

    rt: ProvinceRuntime = province["province"]
    answer = api(rt, "/api/health")
    report = answer.json()
    assert answer.status_code == 200, report["problems"]
    assert report["province"] == "hue" and sorted(report["communes"]) == ["xa-dong", "xa-tay"]
    assert {p["name"]: p["state"] for p in report["parts"]}["province-feed"] == "running"
    assert all(doc["store"]["ok"] and doc["messages"] >= 2 for doc in report["communes"].values())
    rows = health_rows(rt.context.extras["read_model"], "vi")
    assert [(r["part"], r["ok"]) for r in rows] == [("Kho dữ liệu (Xã Đông Sơn)", "Có"),
                                                  ("Kho dữ liệu (Xã Tây Hồ)", "Có")]


def test_a_commune_operator_is_refused_another_communes_data_and_pages(province: dict[str, Any]) -> None:
    rt: ProvinceRuntime = province["province"]
    assert api(rt, "/api/sensors?commune=xa-dong", token="dong").status_code == 200
    for path in ("/api/sensors?commune=xa-tay", "/api/alerts?commune=xa-tay", "/api/kpis?commune=xa-tay"):
        answer = api(rt, path, token="dong")
        assert answer.status_code == 403, (path, answer.status_code)
    assert api(rt, "/api/sensors?commune=xa-bac").status_code == 404
    session = requests.Session()
    form = session.get(rt.url + "login", timeout=10).text
    login_csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    session.post(rt.url + "login", data={"username": "vh-dong", "password": PASSWORDS["vh-dong"],
                                         "csrf_token": login_csrf}, timeout=10)
    assert session.get(rt.url + "xa/xa-dong/wall/overview", timeout=10).status_code == 200
    assert session.get(rt.url + "xa/xa-tay/wall/overview", timeout=10).status_code == 403
    csrf = session.cookies.get("_csrf_token") or ""
    body = store_body("xa-tay/overview")  # the wall's store: the commune's alarms
    answer = session.post(rt.url + "_dash-update-component", json=body, headers={"X-CSRFToken": csrf}, timeout=10)
    assert answer.status_code == 403
    body["state"][0]["value"] = "xa-dong/overview"
    answer = session.post(rt.url + "_dash-update-component", json=body, headers={"X-CSRFToken": csrf}, timeout=10)
    assert answer.status_code == 200 and "Xã Đông Sơn" in answer.text


def test_a_commune_scoped_token_sees_and_changes_only_its_commune_without_naming_it(province: dict[str, Any]) -> None:
    """Issue 19's four requests by a token limited to xa-dong, without `?commune=`: only xa-dong's figures, alarms and
    health, and the writes that touch xa-tay or the province refused (403) with nothing changed."""
    rt: ProvinceRuntime = province["province"]
    wait_until(lambda: flood_alarm(rt, "xa-dong") is not None, "flood alarm of xa-dong", 60)

    def xa_tay_received() -> float:
        rows = api(rt, "/api/kpis?commune=xa-tay&period=2026-11").json()["kpis"]
        return next(r["value"] for r in rows if r["id"] == "tthc_received")

    before = xa_tay_received()
    kpis = api(rt, "/api/kpis?period=2026-11", token="dong").json()
    assert {r["commune"] for r in kpis["kpis"]} == {"xa-dong"} and [c["id"] for c in kpis["communes"]] == ["xa-dong"]
    export = api(rt, "/api/kpis/export?format=csv&period=2026-11", token="dong")
    assert export.status_code == 200 and "xa-dong" in export.text and "xa-tay" not in export.text
    row = {"commune": "xa-tay", "period": "2026-11", "metric": "tthc_received_online", "value": 99999}
    for path in ("/api/kpis/data", "/api/kpis/data?commune=xa-dong"):
        answer = api(rt, path, token="dong", method="POST", json=[row])
        assert answer.status_code == 403, (path, answer.text)
    assert xa_tay_received() == before
    level = api(rt, "/api/flood/risk-level").json()["level"]
    answer = api(rt, "/api/flood/risk-level", token="dong", method="PUT", json={"level": 4, "note": "x"})
    assert answer.status_code == 403 and api(rt, "/api/flood/risk-level").json()["level"] == level
    assert api(rt, "/api/flood/risk-level?commune=xa-dong", token="dong", method="PUT",
               json={"level": 2, "note": "Xã báo"}).json()["level"] == 2  # its own commune's level it may set
    health = api(rt, "/api/health", token="dong").json()
    assert sorted(health["communes"]) == ["xa-dong"] and not any("xa-tay" in p for p in health["problems"])
    alerts = api(rt, "/api/alerts?status=active", token="dong")
    assert alerts.status_code == 200 and alerts.json()["count"] >= 1
    assert {a["id"] for a in alerts.json()["alerts"]} <= {a.id for a in rt.view.contexts["xa-dong"].alerts.list()}
    everyone = api(rt, "/api/alerts?status=active").json()["alerts"]  # the province-wide list: both communes'
    assert {a["id"] for a in everyone} >= {flood_alarm(rt, c)["id"] for c in COMMUNES}


def test_province_wall_in_chromium_with_both_communes_and_a_drill_down(province: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium, logged_in_page

    rt: ProvinceRuntime = province["province"]
    base = rt.url.rstrip("/")
    for commune in COMMUNES:
        wait_until(lambda c=commune: flood_alarm(rt, c) is not None, f"flood alarm of {commune}", 60)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = logged_in_page(browser, base, "tinh", PASSWORDS["tinh"])
        page.wait_for_url(f"{base}/province", timeout=15_000)
        page.wait_for_selector("#prov-row-xa-tay", timeout=15_000)
        assert "Xã Đông Sơn" in page.inner_text("#prov-row-xa-dong")
        assert "Xã Tây Hồ" in page.inner_text("#prov-row-xa-tay")
        assert "Thành phố Huế" in page.inner_text("#prov-name")
        assert "Báo động III" in page.inner_text("#prov-row-xa-dong")
        page.wait_for_selector("#prov-rank-xa-tay", timeout=15_000)  # ranked on the first KPI: files received
        assert page.inner_text("#prov-rank-xa-tay").split("\t")[:3] == ["1", "Xã Tây Hồ", "1.297 hồ sơ"]
        assert page.inner_text("#prov-rank-xa-dong").split("\t")[:3] == ["2", "Xã Đông Sơn", "846 hồ sơ"]
        page.wait_for_selector("#prov-map .scatterlayer .point", timeout=15_000)  # the communes on the map
        assert page.locator("#prov-map .scatterlayer .point").count() == 2
        page.screenshot(path=str(tmp_path / "province-wall.png"))
        page.click("#prov-open-xa-dong")
        page.wait_for_url(f"{base}/xa/xa-dong/wall/overview", timeout=15_000)
        page.wait_for_selector("#wall-back", timeout=15_000)
        wait_until(lambda: "Xã Đông Sơn" in page.inner_text("#wall-commune"), "the commune's wall", 15)
        assert page.inner_text("#wall-commune") == "Xã Đông Sơn"
        page.wait_for_selector(".panel-flood .panel-body *", timeout=15_000)
        assert "Cầu Đông Sơn" in page.inner_text(".wall-body")
        page.screenshot(path=str(tmp_path / "province-drill-down.png"))
        scoped = logged_in_page(browser, base, "vh-dong", PASSWORDS["vh-dong"])
        scoped.wait_for_url(f"{base}/province", timeout=15_000)
        scoped.wait_for_selector("#prov-row-xa-dong", timeout=15_000)
        assert scoped.locator("#prov-row-xa-tay").count() == 0  # another commune is not even listed
        scoped.goto(f"{base}/xa/xa-tay/wall/overview")
        assert "Không đủ quyền" in scoped.inner_text("body")
        browser.close()
