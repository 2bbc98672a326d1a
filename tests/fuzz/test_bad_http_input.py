"""Bad input over HTTP, case by case: query values, nesting, Dash callback bodies and KPI figures are refused
with 400 / 422 and a reason, never a 500; good rows next to bad ones are kept."""

from __future__ import annotations

import json
import math
from pathlib import Path

from openpyxl import Workbook

from indicators.importer import import_file

SERIES = "/api/sensors/pam-qt-01/series?field=pm25&"
BAD_QUERIES = [
    (SERIES + "every=99999999999d", "every"),
    (SERIES + "every=" + "9" * 400 + "s", "every"),
    (SERIES + "every=3661d", "longer than 3660 days"),
    (SERIES + "start=0001-01-01T00:00:00%2B01:00", "outside 1970"),
    (SERIES + "start=0001-01-01T00:00:00Z", "outside 1970"),
    (SERIES + "end=0001-01-02T00:00:00Z", "outside 1970"),
    (SERIES + "end=9999-12-31T23:59:59-01:00", "outside 1970"),
    (SERIES + "start=1e400", "not ISO 8601"),
    (SERIES + "start=" + "9" * 400, "not ISO 8601"),
    (SERIES + "start=1" + "0" * 30, "not ISO 8601"),
    (SERIES + "end=1970-01-01T00:00:00Z", "start must be before end"),
    (SERIES + "start=2026-11-23T07:00:00", "no time zone"),
    ("/api/sensors/pam-qt-01/aqi?period=hour&start=0001-01-01T00:00:00%2B01:00", "outside 1970"),
    ("/api/sensors/pam-qt-01/aqi?period=day&end=9999-12-31T23:59:59Z", "outside 1970"),
    ("/api/sensors/pam-qt-01/aqi?period=week", "period must be hour or day"),
    ("/api/alerts?since=1e400", "not ISO 8601"),
    ("/api/alerts?since=0001-01-01T00:00:00%2B01:00", "outside 1970"),
    ("/api/alerts?limit=" + "9" * 5000, "limit must be a whole number"),
    ("/api/alerts?limit=-1", "limit must be a whole number"),
    ("/api/events?since=0001-01-01T00:00:00%2B01:00", "outside 1970"),
    ("/api/events?since=9999-12-31T23:59:59-01:00", "outside 1970"),
    ("/api/events?since=1e400", "not ISO 8601"),
    ("/api/events?limit=-5", "limit must be a number from 1"),
    ("/api/kpis?period=9999-99", "out of range"),
    ("/api/kpis?period=" + "9" * 5000, "not a period"),
    ("/api/kpis/export?period=0000-01", "out of range"),
]


def test_bad_query_values_get_400_with_the_reason(api) -> None:
    for path, reason in BAD_QUERIES:  # one app for the whole table: building one costs a second
        response = api.get(path)
        assert response.status_code == 400, (path[:80], response.status_code, response.get_data(as_text=True)[:200])
        assert reason in response.get_json()["message"], (path[:80], response.get_json())


def test_good_query_values_still_answer(api) -> None:
    response = api.get(SERIES + "start=1970-01-01T00:00:00Z&end=2199-01-01T00:00:00Z&every=3000d")
    assert response.status_code == 200 and response.get_json()["points"]
    assert api.get("/api/events?since=2026-11-23T07:00:00&limit=5").status_code == 200  # naive since: UTC


DEEP = b"[" * 5000 + b"]" * 5000
BODY_ROUTES = [
    ("post", "/api/kpis/data"),
    ("post", "/api/ingest/pam-qt-01"),
    ("post", "/api/alerts/a-1/ack"),
    ("post", "/api/alerts/a-1/resolve"),
    ("put", "/api/flood/risk-level"),
]


DEEP_BODIES = [DEEP, b'{"a": ' * 70 + b"1" + b"}" * 70, b'{"level": ' + b"[" * 900 + b"]" * 900 + b"}",
               b"[" * 100_000, b'["x", ' * 65 + b'"\\"]' + b"]" * 64]


def test_deeply_nested_json_gets_400(api) -> None:
    for method, path in BODY_ROUTES:
        for body in DEEP_BODIES:
            for content_type in ("application/json", "text/plain"):
                response = getattr(api, method)(path, data=body, content_type=content_type)
                assert response.status_code == 400, (path, body[:20], content_type, response.status_code)
                assert "nested more than 64 levels" in response.get_json()["message"]


def test_nesting_within_the_limit_reaches_the_route(api) -> None:
    body = b'{"level": ' + b"[" * 60 + b"]" * 60 + b"}"
    response = api.put("/api/flood/risk-level", data=body, content_type="application/json")
    assert response.status_code == 400 and "nested" not in response.get_json()["message"]


ROUTER = {"output": "app-page.children", "outputs": {"id": "app-page", "property": "children"},
          "inputs": [{"id": "app-url", "property": "pathname", "value": "/kpi"}],
          "changedPropIds": ["app-url.pathname"]}
BAD_CALLBACKS = [
    (b"garbage", "the body must be a JSON object"),
    (b"[]", "the body must be a JSON object"),
    (b"{}", "output does not name a callback"),
    (b'{"output": 5}', "output does not name a callback"),
    (b'{"output": "nothing.children"}', "output does not name a callback"),
    (b'{"output": "app-page.children"}', "inputs must be a list of 1"),
    (b'{"output": "app-page.children", "inputs": {}}', "inputs must be a list of 1"),
    (b'{"output": "app-page.children", "inputs": [5]}', "inputs[0] must be an object"),
    (b'{"output": "app-page.children", "inputs": [{"id": "app-url"}]}', "inputs[0] must be an object"),
    (b'{"output": "app-page.children", "inputs": [{"id": "x", "property": "pathname"}]}', "is not 'app-url'"),
    (b'{"output": "app-page.children", "inputs": [{"id": "app-url", "property": "hash"}]}', "expected 'pathname'"),
    (b'{"output": "app-page.children", "inputs": [{"id": "app-url", "property": "pathname", "value": 5}]}',
     "pathname must be str or null"),
    (b'{"output": "app-page.children", "inputs": [{"id": "app-url", "property": "pathname"}], "outputs": 5}',
     "outputs must be an object"),
    (b'{"output": "app-page.children", "inputs": [{"id": "app-url", "property": "pathname"}], '
     b'"outputs": {"id": "app-page", "property": "children"}, "changedPropIds": [1]}', "changedPropIds"),
    (DEEP, "nested more than 64 levels"),
]


def test_malformed_dash_callback_bodies_get_400_and_a_real_one_still_runs(admin_browser, fuzz_app) -> None:
    for body, reason in BAD_CALLBACKS:
        response = admin_browser.post("/_dash-update-component", data=body, content_type="application/json")
        assert response.status_code == 400, (body[:60], response.get_data(as_text=True)[:300])
        assert reason in response.get_json()["message"], (body[:60], response.get_json())
    response = admin_browser.post("/_dash-update-component", json=ROUTER)
    assert response.status_code == 200 and "app-page" in response.get_data(as_text=True)
    clientside = next(k for k, v in fuzz_app.callback_map.items() if "callback" not in v)
    response = admin_browser.post("/_dash-update-component", json={"output": clientside})
    assert response.status_code == 400 and "runs in the browser" in response.get_json()["message"]


GOOD_ROW = {"commune": "quang-tho", "period": "2024-07", "metric": "tthc_received_direct", "value": 12}
OVERFLOWING = [1e309, -1e309, "inf", "NaN", "Infinity", "1e309", 10**400, "1" + "0" * 400, 1e16]


def test_kpi_figures_that_overflow_are_refused_per_row_and_good_rows_kept(api, fuzz_ctx) -> None:
    rows = [GOOD_ROW] + [{**GOOD_ROW, "period": f"2024-{m:02d}", "value": v} for m, v in enumerate(OVERFLOWING, 1)]
    body = ("[" + ", ".join(_json_row(r) for r in rows) + "]").encode()
    response = api.post("/api/kpis/data", data=body, content_type="application/json")
    assert response.status_code == 422
    doc = response.get_json()
    assert doc["received"] == len(rows) and doc["inserted"] + doc["updated"] + doc["unchanged"] == 1
    assert sorted(p["row"] for p in doc["problems"]) == list(range(2, len(rows) + 1))
    reasons = [p["reason"] for p in doc["problems"]]
    assert all("finite" in r or "not a number" in r or "larger than any" in r or "negative" in r for r in reasons)


def _json_row(row: dict) -> str:
    """A row as JSON text, numbers too large for a float written out as JSON allows (1e309, 400 digits)."""
    value = row["value"]
    text = {math.inf: "1e309", -math.inf: "-1e309"}.get(value) if isinstance(value, float) else None
    if isinstance(value, int):
        text = str(value)
    fields = {k: v for k, v in row.items() if k != "value"}
    return json.dumps(fields)[:-1] + ', "value": ' + (text or json.dumps(value)) + "}"


def test_importer_refuses_overflowing_figures_per_row(fuzz_ctx, tmp_path: Path) -> None:
    for suffix in (".csv", ".xlsx"):
        check_import(fuzz_ctx, tmp_path, suffix)


def check_import(fuzz_ctx, tmp_path: Path, suffix: str) -> None:
    values = ["1e309", "inf", "NaN", "-inf", "1" + "0" * 400, "Infinity", 1e309, float("nan")]
    rows = [["commune", "period", "metric", "value"], ["quang-tho", "2024-06", "tthc_received_direct", 7]]
    rows += [["quang-tho", f"2023-{m:02d}", "tthc_received_direct", v] for m, v in enumerate(values, 1)]
    path = tmp_path / f"figures{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(str(c) for c in r) for r in rows), encoding="utf-8")
    else:
        book = Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    service = fuzz_ctx.indicators
    report = import_file(path, service.db, service.catalogue, progress=False)
    assert report.rows_read == len(rows) - 1
    assert report.inserted + report.updated + report.unchanged == 1
    assert sorted(p.line for p in report.problems) == list(range(3, len(rows) + 1))
    assert all("finite" in p.reason or "not a number" in p.reason or "empty" in p.reason for p in report.problems)
