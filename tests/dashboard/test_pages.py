"""The browser pages' callbacks through the real app: sensor history, alerts read-only for leaders, KPI
export."""

from __future__ import annotations

import json

from tests.alerts.callbacks import alerts_table_body
from tests.dashboard.conftest import login


def call(client, output: dict, inputs: list, state: list = (), changed: str = "") -> dict:
    keys = [f"{o['id']}.{o['property']}" for o in (output if isinstance(output, list) else [output])]
    key = keys[0] if not isinstance(output, list) else "..".join(["", "...".join(keys), ""])
    body = {
        "output": key,
        "outputs": output,
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [changed] if changed else [],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": client.get_cookie("_csrf_token").value}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def test_sensor_page_charts_every_field_and_the_aqi_history(client):
    login(client, "operator")
    out = call(
        client,
        {"id": "sensor-charts", "property": "children"},
        [{"id": "sensor-range", "property": "value", "value": "24h"}],
        [{"id": "sensor-id", "property": "data", "value": "pam-qt-01"}],
    )
    text = json.dumps(out, ensure_ascii=False)
    for label in ("Bụi PM2.5", "Bụi PM10", "Nhiệt độ", "Độ ẩm", "Lịch sử VN_AQI"):
        assert label in text


def _alerts_table(client) -> str:
    body = alerts_table_body("open")
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": client.get_cookie("_csrf_token").value}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json()["response"], ensure_ascii=False)


def test_alerts_page_lists_open_alerts_and_only_operators_get_buttons(client):
    login(client, "leader")
    text = _alerts_table(client)
    assert "Báo động I tại Cầu Phò Nam" in text and "alertack-ack" not in text
    client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    login(client, "operator")
    assert "alertack-ack" in _alerts_table(client)


def test_police_cannot_acknowledge_a_flood_alert_through_the_camera_callback(client, ctx):
    flood_alert = ctx.alerts.list("open")[0]
    login(client, "police")
    out = call(
        client,
        {"id": "camack-done", "property": "children"},
        [
            [{"id": {"type": "camack-ack", "alert": flood_alert.id}, "property": "n_clicks", "value": 1}],
            [
                {
                    "id": {"type": "camack-resolve", "alert": flood_alert.id},
                    "property": "n_clicks",
                    "value": None,
                }
            ],
        ],
        [[{"id": {"type": "camack-note", "alert": flood_alert.id}, "property": "value", "value": "x"}]],
        changed=json.dumps({"alert": flood_alert.id, "type": "camack-ack"}, separators=(",", ":"))
        + ".n_clicks",
    )
    assert "not allowed" in json.dumps(out)
    assert ctx.alerts.list("open")[0].status == "open"


def test_kpi_report_view_and_its_links_follow_the_period(client):
    login(client, "leader")
    names = ("kpi-report-pdf", "kpi-report-docx", "kpi-report-xlsx", "kpi-export-csv", "kpi-export-xlsx")
    out = call(  # /kpi's one callback: the address, the selectors and the body follow each other
        client,
        [{"id": i, "property": p} for i, p in (("kpi-url", "search"), ("kpi-kind", "value"), ("kpi-period", "options"),
                                                ("kpi-period", "value"), ("kpi-pillar-filter", "value"),
                                                ("kpi-unit-filter", "value"), ("kpi-shown", "data"),
                                                ("kpi-body", "children"))]
        + [{"id": n, "property": "href"} for n in names]
        + [{"id": "kpi-unit-body", "property": "children"}, {"id": "kpi-body-wrap", "property": "style"}],
        [{"id": "kpi-url", "property": "search", "value": "?period=2026-10"},
         {"id": "kpi-kind", "property": "value", "value": "quarter"},
         {"id": "kpi-period", "property": "value", "value": "2026-Q3"},
         {"id": "kpi-pillar-filter", "property": "value", "value": "administrative_reform"},
         {"id": "kpi-unit-filter", "property": "value", "value": ""}],
        [{"id": "kpi-latest", "property": "data", "value": "2026-10"},
         {"id": "kpi-url", "property": "pathname", "value": "/kpi"},
         {"id": "kpi-period", "property": "options", "value": []},
         {"id": "kpi-shown", "property": "data", "value": ["2026-10", "", ""]}],
        changed="kpi-period.value",
    )
    assert out["kpi-report-pdf"]["href"] == "/api/kpis/report?format=pdf&period=2026-Q3&pillar=administrative_reform"
    text = json.dumps(out["kpi-body"]["children"], ensure_ascii=False)
    assert "chỉ tiêu đạt kế hoạch" in text and "Quý III/2026" in text and "Cải cách hành chính" in text
    assert "Chuyển đổi số" not in text  # the pillar filter
    for name in names[1:]:
        assert client.get(out[name]["href"]).status_code == 200


def _tiles(client) -> str:
    from tests.dashboard.test_wall import refresh_body

    response = client.post("/_dash-update-component", json=refresh_body("overview"),
                           headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json()["response"]["wall-devices"], ensure_ascii=False)


def test_device_tiles_link_to_the_sensor_page_only_for_roles_that_may_open_it(client):
    login(client, "operator")
    text = _tiles(client)
    assert "Cầu Phò Nam" in text and "/sensors/flood-01" in text
    client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    login(client, "leader")
    text = _tiles(client)
    assert "Cầu Phò Nam" in text and "/sensors/" not in text
