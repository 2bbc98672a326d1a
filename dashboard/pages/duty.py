"""/duty: the duty roster (sổ trực ban) — the shift on duty and the next, the day's holders (editable by admins and
operators), the escalation chains, the open alarms with the steps their chain has called and each message's
delivery, the shift handover (the outgoing shift writes, the incoming shift confirms) and the duty audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, redirect, render_template_string, request
from werkzeug.wrappers import Response as BaseResponse

from alerts.duty import ShiftSlot, slot
from alerts.duty_desk import DutyDesk
from alerts.duty_store import HandoverError
from alerts.messages import SEVERITY_WORDS, local_time
from dashboard.auth import Principal, current_principal
from dashboard.csrf import csrf_ok, csrf_token
from dashboard.pages.duty_frame import PAGE
from dashboard.read.alerts import AlertReads, current_alert_reads
from dashboard.settings import Role

blueprint = Blueprint("duty", __name__)
Page = tuple[str, int] | BaseResponse
ROSTER_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})
HANDOVER_ROLES = frozenset({Role.ADMIN, Role.OPERATOR, Role.POLICE})
STATUS_VI = {"open": "Chưa tiếp nhận", "acknowledged": "Đã tiếp nhận",
             "cleared": "Đã trở lại bình thường, chờ tiếp nhận", "closed": "Đã đóng"}
ACTION_VI = {"roster_set": "Phân công", "handover_written": "Bàn giao ca", "handover_confirmed": "Nhận ca",
             "chain_step": "Gọi theo chuỗi", "link_opened": "Mở liên kết", "link_ack": "Tiếp nhận qua điện thoại",
             "link_refused": "Từ chối liên kết", "delivery_skipped": "Không gửi được",
             "broadcast_message": "Phát loa", "broadcast_played": "Loa đã phát", "chain_stopped": "Dừng chuỗi gọi"}

_BODY = """<h1>Sổ trực ban <span class="en">/ Duty roster</span></h1>
<div class="muted">{{ commune }} · {{ now }} · {{ who }} · <a href="/loudspeakers">Loa truyền thanh</a> ·
<a href="/">Trang chính</a></div>
{% if error %}<p class="err" id="duty-error">{{ error }}</p>{% endif %}
<div class="box" id="duty-now"><b>Ca đang trực:</b> {% if on.slot %}{{ on.slot.shift.name_vi }}
({{ on.slot.shift.start }}–{{ on.slot.shift.end }}): {{ names(on.holders) }}{% else %}không có ca nào{% endif %}
{% if on.next_slot %}<br><b>Ca tiếp theo:</b> {{ on.next_slot.shift.name_vi }} {{ day(on.next_slot) }}:
{{ names(on.next_holders) }}{% endif %}</div>
<h2>Phân công <span class="en">/ Roster</span></h2><table id="duty-roster"><tr><th>Ngày</th><th>Ca</th>
<th>Người trực</th><th></th></tr>{% for s, held in slots %}<tr><td>{{ day(s) }}</td><td>{{ s.shift.name_vi }}
({{ s.shift.start }}–{{ s.shift.end }})</td><td>{{ names(held) }}</td><td>{% if can_roster %}
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf }}"><input type="hidden" name="do"
value="assign"><input type="hidden" name="slot" value="{{ s.key }}"><input name="holders" size="22"
value="{{ held|join(', ') }}" aria-label="holders"> <button>Lưu</button></form>{% endif %}</td></tr>{% endfor %}
</table><div class="muted">Người có thể trực: {{ people }}</div>
<h2>Chuỗi gọi khi chưa ai tiếp nhận <span class="en">/ Escalation chains</span></h2>
{% for c in chains %}<div class="box"><b>{{ c.id }}</b> – {{ c.rules|join(', ') or 'mọi loại' }} từ mức
{{ sev(c.min_severity) }}: {% for st in c.steps %}{{ loop.index }}. {{ post(st.post) }} ({{ st.channels|join('+') }},
chờ {{ '%g'|format(st.timeout_min) }} phút){% if not loop.last %} → {% endif %}{% endfor %}</div>{% endfor %}
<h2>Báo động đang mở <span class="en">/ Open alarms</span></h2><table id="duty-alarms">
<tr><th>Báo động</th><th>Trạng thái</th><th>Đã gọi</th></tr>{% for a, calls in alarms %}<tr><td>{{ a.title_vi }}
<div class="muted">{{ sev(a.severity.value) }} · {{ lt(a.opened_at) }}</div></td><td>{{ status_vi[a.status.value] }}
{% if a.acknowledged_by %}<br>{{ a.acknowledged_by }} {{ lt(a.acknowledged_at) }}{% endif %}</td><td>
{% for d in calls %}<div class="{{ 'ok' if d.status.value == 'sent' else ('bad' if d.status.value == 'failed' else '')
}}">{{ d.username }} {{ d.channel }}: {{ d.status.value }}{% if d.reason %} ({{ d.reason }}){% endif %}</div>
{% endfor %}</td></tr>{% endfor %}</table>
<h2>Bàn giao ca <span class="en">/ Shift handover</span></h2>
{% for h in handovers %}<div class="box" id="handover-{{ h.id }}"><b>#{{ h.id }}</b> {{ h.slot }} → {{ h.next_slot
or '?' }}, viết bởi {{ h.written_by }} lúc {{ lt(h.written_at) }}<br><b>Tình hình:</b> {{ h.happened }}<br>
<b>Tồn đọng:</b> {{ h.open_items }}<br><b>Báo động còn mở:</b> {{ h.open_alarms|join(', ') or 'không' }}<br>
{% if h.confirmed_by %}<span class="ok">Đã nhận ca: {{ h.confirmed_by }} lúc {{ lt(h.confirmed_at) }}
{{ h.confirm_note or '' }}</span>{% elif can_handover and h.written_by != who %}<form method="post">
<input type="hidden" name="csrf_token" value="{{ csrf }}"><input type="hidden" name="do" value="confirm">
<input type="hidden" name="id" value="{{ h.id }}"><input name="note" size="40" placeholder="Ghi chú nhận ca">
<button id="handover-confirm-{{ h.id }}">Xác nhận nhận ca</button></form>{% else %}<span class="bad">Chờ ca sau
xác nhận</span>{% endif %}</div>{% endfor %}
{% if can_handover %}<form method="post" class="box" id="handover-form"><input type="hidden" name="csrf_token"
value="{{ csrf }}"><input type="hidden" name="do" value="handover"><b>Ca trực bàn giao</b> (báo động còn mở sẽ được
ghi kèm: {{ open_ids|join(', ') or 'không có' }})<br><label>Tình hình trong ca<textarea name="happened" required>
</textarea></label><label>Việc còn tồn đọng<textarea name="open_items"></textarea></label>
<button id="handover-submit">Bàn giao</button></form>{% endif %}
<h2>Nhật ký trực ban <span class="en">/ Duty audit</span></h2><table id="duty-audit">
{% for e in audit %}<tr><td>{{ lt(e.at) }}</td><td>{{ e.actor }}</td>
<td>{{ action_vi.get(e.action, e.action) }}</td><td>{{ e.alert_id or ''
}}</td><td>{{ e.detail }}</td></tr>{% endfor %}</table>"""


def register_duty_pages(server: Flask) -> None:
    """The /duty page, the phone page /p/<code> and /loudspeakers."""
    from dashboard.pages.loudspeakers import blueprint as loudspeakers
    from dashboard.pages.phone_ack import blueprint as phone

    server.register_blueprint(blueprint)
    server.register_blueprint(phone)
    server.register_blueprint(loudspeakers)


def _render(reads: AlertReads, desk: DutyDesk, principal: Principal, error: str = "",
            status: int = 200) -> tuple[str, int]:
    tz, cfg = reads.commune.timezone, desk.cfg
    now = desk.now()
    assigned = desk.store.assignments()
    today = now.astimezone(ZoneInfo(tz)).date()
    slots = [slot(s, d, tz) for d in (today, today + timedelta(days=1)) for s in cfg.shifts]
    people = {p.username: p for p in cfg.people}
    active = reads.active()

    def names(usernames: list[str]) -> str:
        return ", ".join(f"{people[n].name} ({n})" if n in people else n for n in usernames) or "–"

    def post(post_id: str) -> str:
        found = cfg.post(post_id)
        return found.name_vi if found is not None else post_id

    def day(s: ShiftSlot) -> str:
        return s.day.strftime("%d/%m/%Y")

    def lt(at: datetime | None) -> str:
        return local_time(at, tz) if at else ""

    def sev(s: str) -> str:
        words = {k.value: v for k, v in SEVERITY_WORDS.items()}
        return words[s][0] if s in words else s

    body = render_template_string(
        _BODY, commune=reads.commune.name, now=local_time(now, tz), who=principal.name, error=error,
        on=desk.on_duty(now), slots=[(s, assigned.get(s.key, s.shift.holders)) for s in slots],
        day=day, lt=lt, names=names, people=", ".join(people) or "–", chains=cfg.chains, post=post, sev=sev,
        alarms=[(a, desk.deliveries.list(alert_id=a.id, limit=20)) for a in active],
        handovers=desk.store.handovers(10), open_ids=[a.id for a in active], audit=desk.store.audit(limit=40),
        status_vi=STATUS_VI, action_vi=ACTION_VI,
        can_roster=principal.role in ROSTER_ROLES, can_handover=principal.role in HANDOVER_ROLES, csrf=csrf_token())
    return render_template_string(PAGE, body=body), status


def no_desk() -> tuple[str, int]:
    """A COC without a duty desk (a province center, alerts not running): no roster here."""
    body = "<h1>Sổ trực ban</h1><p>Không có sổ trực ban ở đây / no duty roster here.</p>"
    return render_template_string(PAGE, body=body), 404


@blueprint.get("/duty")
def page() -> Page:
    principal = current_principal()
    if principal is None:
        return redirect("/login?next=/duty")
    reads = current_alert_reads()
    desk = reads.duty_desk()
    return no_desk() if desk is None else _render(reads, desk, principal)


@blueprint.post("/duty")
def change() -> Page:
    principal = current_principal()
    if principal is None:
        return redirect("/login?next=/duty")
    reads = current_alert_reads()
    desk = reads.duty_desk()
    if desk is None:
        return no_desk()
    if not csrf_ok():
        return _render(reads, desk, principal, "Thiếu mã CSRF, tải lại trang / CSRF token missing", 403)
    form = request.form
    now, action = desk.now(), form.get("do")
    try:
        if action == "assign" and principal.role in ROSTER_ROLES:
            names = [n.strip() for n in form.get("holders", "").split(",") if n.strip()]
            unknown = [n for n in names if desk.cfg.person(n) is None]
            if unknown:
                return _render(reads, desk, principal, f"Không có trong duty.people: {', '.join(unknown)}", 400)
            desk.store.assign(now, principal.name, form.get("slot", "")[:40], names)
        elif action == "handover" and principal.role in HANDOVER_ROLES:
            on = desk.on_duty(now)
            desk.store.write_handover(now, principal.name, on.slot.key if on.slot else "-",
                                      on.next_slot.key if on.next_slot else None, form.get("happened", "")[:2000],
                                      form.get("open_items", "")[:2000], [a.id for a in reads.active()])
        elif action == "confirm" and principal.role in HANDOVER_ROLES:
            desk.store.confirm_handover(now, principal.name, int(form.get("id", "0")), form.get("note", "")[:300])
        else:
            return _render(reads, desk, principal, "Không đủ quyền / not allowed", 403)
    except (HandoverError, ValueError) as exc:
        return _render(reads, desk, principal, str(exc), 400)
    return Response(status=303, headers={"Location": "/duty"})
