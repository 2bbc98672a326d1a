"""The answers >= 500 the issue-19 audit found, one by one, as regressions: null bytes and 5,000-character names on
/api/clips and /api/snapshots, an evidence export for an id with CR/LF or quotes (refused, not audited), Dash's
component suites for unknown files, and a plan upload over the limits (a CSV cell over 131,072 characters, an XLSX
cut short, a million rows, too many bytes): each a 4xx or a message naming the limit."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask, send_file
from openpyxl import Workbook
from werkzeug.http import parse_options_header

from camera.models import CameraEvent, EventPhase, EventType
from dashboard.camera_audit import read_access
from dashboard.evidence import evidence_name
from tests.camera.test_evidence_api import TOKEN, add_intrusion_with_clip
from tests.dashboard.conftest import app, client, config, ctx, environ, login  # noqa: F401 - fixtures
from tests.dashboard.test_pages import call

EVIL = 'cam-01-x";filename="evil.exe'
LONG = "x" * 5000
BAD_FILES = [
    "/api/clips/%00", "/api/clips/%00.mp4", f"/api/clips/{LONG}.mp4", f"/api/clips/cam-01/{LONG}/a.mp4",
    f"/api/clips/{LONG}", "/api/clips/cam-01/a%00b.mp4", "/api/snapshots/%00", "/api/snapshots/%00.jpg",
    f"/api/snapshots/{LONG}.jpg", f"/api/snapshots/cam-01/{LONG}.jpg", f"/api/snapshots/{LONG}",
    "/api/snapshots/cam-01/..%2F..%2Fetc%2Fpasswd",
]


@pytest.fixture
def evidence_ctx(ctx, tmp_path: Path):  # noqa: F811
    return add_intrusion_with_clip(ctx, tmp_path)


def test_bad_clip_and_snapshot_names_get_400_and_good_ones_still_play(client, evidence_ctx) -> None:  # noqa: F811
    for path in BAD_FILES:
        response = client.get(path, headers=TOKEN)
        assert response.status_code == 400, (path[:60], response.status_code)
        assert "invalid identifier" in response.get_json()["message"]
    assert client.get("/api/clips/a%0D%0Ab.mp4", headers=TOKEN).status_code == 404  # no route matches a newline
    good = client.get("/api/events/review", headers=TOKEN).get_json()["events"][0]
    assert client.get(good["clip_url"], headers=TOKEN).status_code == 200
    assert client.get("/api/clips/cam-01/none.mp4", headers=TOKEN).status_code == 404


def test_evidence_for_an_id_with_cr_lf_or_quotes_is_refused_and_not_audited(client, evidence_ctx) -> None:  # noqa: F811
    for event_id in (EVIL, "cam-01-x\r\ny"):  # events stored before ids were checked at the MQTT edge
        evidence_ctx.cameras.runtime.append_event(CameraEvent(
            "cam-01", datetime.now(UTC) - timedelta(seconds=30), EventType.INTRUSION, event_id, EventPhase.START,
            "Sân UBND", 0.8, None, None))
    listed = {e["event_id"] for e in client.get("/api/events/review", headers=TOKEN).get_json()["events"]}
    assert EVIL in listed  # the stored event is there to be found, yet cannot be exported
    log = evidence_ctx.cameras.system.access_log
    for event_id in (EVIL, "cam-01-x\r\ny", "cam-01-x\ny", "cam-01-" + LONG, "cam-01-%00"):
        response = client.get(f"/api/events/{quote(event_id, safe='')}/evidence.zip", headers=TOKEN)
        assert response.status_code == 400, (event_id[:40], response.status_code)
    assert [a["action"] for a in read_access(log)] == []  # nothing exported, nothing written to the audit
    exported = client.get("/api/events/cam-01-e1/evidence.zip", headers=TOKEN)
    assert exported.status_code == 200 and exported.headers["Cache-Control"] == "no-store"
    kind, options = parse_options_header(exported.headers["Content-Disposition"])
    assert (kind, options["filename"]) == ("attachment", "bang-chung-cam-01-e1.zip")
    assert [a["action"] for a in read_access(log)] == ["export"]


def test_the_evidence_file_name_is_quoted_by_werkzeug_whatever_the_id() -> None:
    """Even an id that got past the edges gives one filename parameter, the whole id inside it."""
    server = Flask("quoting")
    for event_id in (EVIL, 'a"; filename*=UTF-8\'\'evil.exe', "bằng-chứng"):
        with server.test_request_context():
            response = send_file(io.BytesIO(b"zip"), mimetype="application/zip", as_attachment=True,
                                 download_name=evidence_name(event_id))
        header = response.headers["Content-Disposition"]
        _kind, options = parse_options_header(header)
        assert options["filename"] == f"bang-chung-{event_id}.zip", header
        assert "\r" not in header and "\n" not in header


def test_dash_component_suites_for_unknown_files_get_404(client) -> None:  # noqa: F811
    for path in ("/_dash-component-suites/x/y.js", "/_dash-component-suites/dash/..%2F..%2Fx",
                 "/_dash-component-suites/dash/nothing.js", "/_dash-component-suites/dash/%00.js"):
        response = client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
    login(client, "admin")
    page = client.get("/kpi").get_data(as_text=True)
    script = next(part.split('"')[0] for part in page.split('src="')[1:] if "_dash-component-suites" in part)
    assert client.get(script).status_code == 200  # Dash's own files are still served


PLAN_HEADER = "STT;Chỉ tiêu;Đơn vị;Kế hoạch năm 2027\n"
PLAN_ROW = ["1", "Thu ngân sách nhà nước trên địa bàn", "triệu đồng", "3100"]


def upload(client, data: bytes, filename: str) -> str:  # noqa: F811
    contents = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    inputs = [{"id": "kpi-plan-upload", "property": "contents", "value": contents},
              {"id": "kpi-plan-save", "property": "n_clicks", "value": None}]
    state = [{"id": "kpi-plan-upload", "property": "filename", "value": filename},
             {"id": "kpi-plan-kpi", "property": "value", "value": None},
             {"id": "kpi-plan-year", "property": "value", "value": 2027},
             {"id": "kpi-plan-value", "property": "value", "value": None}]
    out = call(client, {"id": "kpi-plan-result", "property": "children"}, inputs, state,
               changed="kpi-plan-upload.contents")  # asserts the answer is 200
    return json.dumps(out, ensure_ascii=False)


def xlsx_part(rows_xml: bytes) -> bytes:
    """A minimal XLSX whose first sheet holds `rows_xml` (inline strings), deflated."""
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="' + rel + b'/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>",
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook ' + ns + b' xmlns:r="' + rel + b'"><sheets><sheet '
        b'name="KH" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        b'org/package/2006/relationships"><Relationship Id="rId1" Type="' + rel + b'/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet ' + ns + b"><sheetData>" + rows_xml
        + b"</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


def row_xml(cells: list[str]) -> bytes:
    return ("<row>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>").encode()


def many_rows(row: list[str], count: int) -> bytes:
    """The audit's kind of file: a header and `count` identical lines, small once zipped."""
    data = xlsx_part(row_xml(["STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch năm 2027"]) + row_xml(row) * count)
    assert len(data) < 1_000_000  # well under the upload's 2 MB
    return data


def cut_short() -> bytes:
    book = Workbook()
    book.active.append(PLAN_HEADER.strip().split(";"))
    book.active.append(PLAN_ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def test_plan_uploads_over_the_limits_say_which_limit(client, ctx) -> None:  # noqa: F811
    login(client, "admin")
    wide_cell = (PLAN_HEADER + "1;" + "x" * 140_000 + ";%;1\n").encode()
    assert "(cell_chars)" in upload(client, wide_cell, "ke-hoach.csv")
    assert "một ô dài quá 10.000 ký tự" in upload(client, (PLAN_HEADER + "1;" + "y" * 20_000 + ";%;1\n").encode(),
                                                   "ke-hoach.csv")
    assert "XLSX" in (text := upload(client, cut_short(), "ke-hoach.xlsx")) and "(ParseError)" in text, text
    text = upload(client, many_rows(PLAN_ROW, 1_000_000), "ke-hoach.xlsx")  # 170 MB of sheet XML once unzipped
    assert "XLSX unpacks to more than 10,000,000 bytes (unpacked_bytes)" in text, text[:300]
    text = upload(client, many_rows(["1"], 30_000), "ke-hoach.xlsx")  # 1.5 MB unzipped: read to the 20,001st row
    assert "quá 20.000 dòng / over the limit: more than 20,000 rows (rows)" in text, text[:300]
    assert "(bytes)" in upload(client, b"x" * 2_100_000, "ke-hoach.csv")
    assert ctx.indicators.db.plans() == []  # nothing of a refused file is kept
    odd_name = upload(client, (PLAN_HEADER + ";".join(PLAN_ROW) + "\n").encode(), "a\x00" + LONG + ".csv")
    assert "Đã nhận 1 chỉ tiêu" in odd_name  # a name no folder can hold is replaced, the file still read


def test_kpi_rows_over_the_limits_get_413_naming_the_limit(client) -> None:  # noqa: F811
    row = {"commune": "quang-tho", "period": "2024-07", "metric": "tthc_received_direct", "value": 1}
    response = client.post("/api/kpis/data", json=[row] * 10_001, headers=TOKEN)
    assert response.status_code == 413 and response.get_json()["limit"] == "rows"
    assert response.get_json()["message"].startswith("Quá 10.000 dòng")
    response = client.post("/api/kpis/data", data=b"[" + b" " * (9 * 1024 * 1024) + b"]",
                           content_type="application/json", headers=TOKEN)
    assert response.status_code == 413 and "(bytes)" in response.get_json()["message"]
    assert client.post("/api/kpis/data", json=[row], headers=TOKEN).status_code == 200
