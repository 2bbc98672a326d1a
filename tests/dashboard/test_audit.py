"""The room's record on /admin through the real app: logins and logouts, an alarm acknowledged with a note and one
shelved, a false-alarm mark and an evidence view, a user added, and an admin ending a police officer's session
from the page (the officer's next request is refused); the filters by who, kind and day, and the CSV download."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from dashboard import audit_log, sessions
from dashboard.camera_audit import record_access
from dashboard.read.alerts import alert_reads
from dashboard.settings import Role
from tests.dashboard.conftest import USERS, login
from tests.dashboard.test_browser import camera_intrusion
from tests.dashboard.test_pages import call


def admin_client(app):
    client = app.server.test_client()
    login(client, "admin")
    return client


def end_session(client, session_id: str) -> str:
    key = json.dumps({"session": session_id, "type": "admin-sessionend"}, separators=(",", ":"))
    out = call(client, {"id": "admin-sessiondone", "property": "children"},
               [[{"id": {"session": session_id, "type": "admin-sessionend"}, "property": "n_clicks", "value": 1}]],
               changed=f"{key}.n_clicks")
    return json.dumps(out, ensure_ascii=False)


def test_the_record_holds_what_people_did_and_an_admin_ends_a_session_from_the_page(app, ctx, client):
    login(client, "police")  # the officer, in their own browser
    assert client.get("/api/cameras").status_code == 200
    alert_id = camera_intrusion(ctx)
    reads = alert_reads(ctx)
    assert reads.acknowledge(alert_id, USERS["police"], Role.POLICE, "Đã cử tổ tuần tra").error is None
    flood = next(a.id for a in ctx.alerts.list("open") if a.source != "camera")
    assert reads.shelve(flood, USERS["operator"], Role.OPERATOR, 30, "Đang sửa cảm biến").error is None
    access = ctx.cameras.system.access_log
    record_access(access, "false_alarm", USERS["police"], "police", "cam-01-1", "cam-01")
    record_access(access, "export", USERS["police"], "police", "cam-01-1", "cam-01")

    admin = admin_client(app)
    store = sessions.store(app.server)
    officer = next(s for s in store.sessions() if s.username == USERS["police"])
    answer = end_session(admin, officer.id)
    assert f"Đã kết thúc phiên đăng nhập của {USERS['police']}" in answer and officer.id not in answer
    assert client.get("/api/cameras").status_code in (302, 401)  # the officer is logged out for good
    assert end_session(admin, officer.id).count("Phiên này đã kết thúc từ trước") == 1

    records = audit_log.records(ctx)
    done = {(r.action, r.who) for r in records}
    assert ("login", USERS["police"]) in done and ("login", USERS["admin"]) in done
    assert ("acknowledged", USERS["police"]) in done and ("shelved", USERS["operator"]) in done
    assert ("false_alarm", USERS["police"]) in done and ("export", USERS["police"]) in done
    ended = next(r for r in records if r.action == "session_end")
    assert ended.who == USERS["admin"] and ended.target == USERS["police"] and ended.kind == "login"
    ack = next(r for r in records if r.action == "acknowledged")
    assert ack.note == "Đã cử tổ tuần tra" and ack.label("vi") == "Tiếp nhận báo động"
    alarm = next(x for x in ctx.alerts.list("all") if x.id == alert_id)
    assert ack.target == alarm.title_vi and ack.target_text("en") == alarm.title_en  # the alarm by its title
    assert not any(r.who == "system" for r in records)  # what the rules did is not what people did
    assert [r.at for r in records] == sorted((r.at for r in records), reverse=True)

    police_only = audit_log.records(ctx, audit_log.AuditFilter(who=USERS["police"][:3].upper()))
    assert police_only and {r.who for r in police_only} == {USERS["police"]}
    logins = audit_log.records(ctx, audit_log.AuditFilter(kind="login"))
    assert {r.action for r in logins} == {"login", "session_end"}
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert audit_log.records(ctx, audit_log.AuditFilter(since=tomorrow)) == []

    out = call(admin, {"id": "admin-audittable", "property": "children"},
               [{"id": "admin-auditwho", "property": "value", "value": ""},
                {"id": "admin-auditkind", "property": "value", "value": "camera"},
                {"id": "admin-auditdates", "property": "start_date", "value": None},
                {"id": "admin-auditdates", "property": "end_date", "value": None},
                {"id": "admin-sessiondone", "property": "children", "value": None},
                {"id": "admin-userdone", "property": "children", "value": None},
                {"id": "admin-tick", "property": "n_intervals", "value": 1}], changed="admin-auditkind.value")
    shown = json.dumps(out, ensure_ascii=False)
    assert "Xuất bằng chứng" in shown and "Đánh dấu báo động giả" in shown and "Đăng nhập" not in shown

    out = call(admin, {"id": "admin-auditdownload", "property": "data"},
               [{"id": "admin-auditcsv", "property": "n_clicks", "value": 1}],
               [{"id": "admin-auditwho", "property": "value", "value": USERS["police"]},
                {"id": "admin-auditkind", "property": "value", "value": ""},
                {"id": "admin-auditdates", "property": "start_date", "value": None},
                {"id": "admin-auditdates", "property": "end_date", "value": None}], changed="admin-auditcsv.n_clicks")
    download = out["admin-auditdownload"]["data"]
    assert download["filename"].startswith("nhat-ky-thao-tac-") and download["content"].startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(download["content"].lstrip("\ufeff"))))
    assert rows[0] == list(audit_log.CSV_COLUMNS)
    assert {r[4] for r in rows[1:]} >= {"Đăng nhập", "Tiếp nhận báo động", "Xuất bằng chứng"}
    assert all(r[1] == USERS["police"] for r in rows[1:])


def test_a_logout_and_a_user_change_are_recorded(app, ctx, client):
    login(client, "operator")
    assert client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value}).status_code == 302
    from dashboard.users import user_book

    user_book(ctx).add(USERS["admin"], "canbo-moi", "operator", "mat-khau-moi-1")
    records = audit_log.records(ctx)
    assert ("logout", USERS["operator"], USERS["operator"]) in {(r.action, r.who, r.target) for r in records}
    added = next(r for r in records if r.action == "user_add")
    assert added.target == "canbo-moi" and added.kind == "user" and added.label("en") == "Added user"
