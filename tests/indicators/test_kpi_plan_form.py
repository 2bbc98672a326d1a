"""The year-plan form on /kpi through the real app: a plan file uploaded by an administrator is imported, a
target typed in is saved, and a leader's attempt is refused on the server."""

from __future__ import annotations

import base64
import json

from tests.dashboard.conftest import app, client, config, ctx, environ, login  # noqa: F401 (fixtures)
from tests.dashboard.test_pages import call

PLAN = (
    "STT;Chỉ tiêu;Đơn vị;Kế hoạch năm 2027\n"
    "1;Thu ngân sách nhà nước trên địa bàn;triệu đồng;3.100,5\n"
    "2;Chỉ tiêu lạ;%;1\n"
)


def form(contents: str | None, kpi: str | None = None, value: str | None = None) -> tuple[list, list]:
    inputs = [{"id": "kpi-plan-upload", "property": "contents", "value": contents},
              {"id": "kpi-plan-save", "property": "n_clicks", "value": 1 if contents is None else None}]
    state = [{"id": "kpi-plan-upload", "property": "filename", "value": "ke-hoach-2027.csv"},
             {"id": "kpi-plan-kpi", "property": "value", "value": kpi},
             {"id": "kpi-plan-year", "property": "value", "value": 2027},
             {"id": "kpi-plan-value", "property": "value", "value": value}]
    return inputs, state


def test_plan_file_and_typed_target_by_an_admin_not_by_a_leader(client, ctx):  # noqa: F811
    login(client, "leader")
    inputs, state = form(None, "new_jobs", "99")
    out = call(client, {"id": "kpi-plan-result", "property": "children"}, inputs, state,
               changed="kpi-plan-save.n_clicks")
    assert "không được" in json.dumps(out, ensure_ascii=False)  # refused on the server, not only hidden
    assert ctx.indicators.db.plans() == []
    login(client, "admin")
    encoded = "data:text/csv;base64," + base64.b64encode(PLAN.encode("utf-8")).decode()
    inputs, state = form(encoded)
    out = call(client, {"id": "kpi-plan-result", "property": "children"}, inputs, state,
               changed="kpi-plan-upload.contents")
    text = json.dumps(out, ensure_ascii=False)  # a refused line: nothing applied, both lists shown
    assert "Tệp có 1 dòng bị từ chối nên chưa áp dụng dòng nào (1 dòng hợp lệ)." in text
    assert "Dòng 3: 'Chỉ tiêu lạ' không có trong danh mục chỉ tiêu" in text
    assert "Thu ngân sách nhà nước trên địa bàn: 3100.5 (2027)" in text
    assert ctx.indicators.db.plans() == []
    assert '"id": "kpi-planapply"' in text  # "Chỉ áp dụng các dòng hợp lệ", pressed:
    out = call(client, {"id": "kpi-planapplied", "property": "children"},
               [{"id": "kpi-planapply", "property": "n_clicks", "value": 1}],
               [{"id": "kpi-plan-upload", "property": "contents", "value": encoded},
                {"id": "kpi-plan-upload", "property": "filename", "value": "ke-hoach-2027.csv"},
                {"id": "kpi-plan-year", "property": "value", "value": 2027}], changed="kpi-planapply.n_clicks")
    answer = json.dumps(out, ensure_ascii=False)
    assert "Đã nhận 1 chỉ tiêu (1 mới, 0 thay đổi). Bỏ qua: Dòng 3:" in answer
    plans = {(p.year, p.kpi_id): p for p in ctx.indicators.db.plans()}
    assert plans[(2027, "budget_revenue")].value == 3100.5
    inputs, state = form(None, "new_jobs", "1.250")
    out = call(client, {"id": "kpi-plan-result", "property": "children"}, inputs, state,
               changed="kpi-plan-save.n_clicks")
    assert "Đã lưu kế hoạch 1.250 cho năm 2027" in json.dumps(out, ensure_ascii=False)
    saved = {(p.year, p.kpi_id): p for p in ctx.indicators.db.plans()}[(2027, "new_jobs")]
    assert saved.value == 1250 and saved.basis.endswith("quantri)")
    junk = "data:text/csv;base64," + base64.b64encode(b"a;b\n1;2\n").decode()
    inputs, state = form(junk)
    out = call(client, {"id": "kpi-plan-result", "property": "children"}, inputs, state,
               changed="kpi-plan-upload.contents")
    assert "Không đọc được tệp kế hoạch: ke-hoach-2027.csv: không thấy dòng tiêu đề" in json.dumps(out,
                                                                                             ensure_ascii=False)

