"""/loudspeakers: the hamlets' loudspeaker clusters (online, volume, what plays), what they played, and for admins
and operators a typed message spoken on chosen hamlets (audited)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, redirect, render_template_string, request

from alerts.messages import local_time
from dashboard.auth import current_principal
from dashboard.csrf import csrf_ok, csrf_token
from dashboard.pages.duty import _PAGE
from dashboard.settings import Role

blueprint = Blueprint("loudspeakers", __name__)
SPEAK_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})
KIND_VI = {"emergency": "Khẩn cấp", "message": "Tin nhắn", "scheduled": "Chương trình"}

_BODY = """<h1>Loa truyền thanh <span class="en">/ Loudspeakers</span></h1>
<div class="muted">{{ commune }} · {{ now }} · {{ who }} · <a href="/duty">Sổ trực ban</a> · <a href="/">Trang chính</a>
</div>{% if note %}<p class="{{ 'err' if bad else 'ok' }}" id="loud-note">{{ note }}</p>{% endif %}
<h2>Cụm loa <span class="en">/ Clusters</span></h2><table id="loud-clusters"><tr><th>Thôn</th><th>Cụm loa</th>
<th>Kết nối</th><th>Âm lượng</th><th>Đang phát</th><th>Mount</th></tr>{% for c, dev, playing in clusters %}<tr>
<td>{{ c.hamlet }}</td><td>{{ c.name }}</td><td class="{{ 'ok' if dev and dev.online else 'bad' }}">{{ 'Trực tuyến'
if dev and dev.online else ('Mất kết nối' if dev and dev.online == False else 'Chưa rõ') }}</td><td>{{ dev.volume
if dev and dev.volume is not none else '–' }}</td><td>{% if playing %}{{ kind_vi[playing.kind.value] }}:
{{ playing.label }}{% elif dev and dev.playing %}{{ dev.playing }}{% else %}–{% endif %}</td>
<td>{{ c.mount_path }}</td></tr>{% endfor %}</table>
{% if can_speak %}<form method="post" class="box" id="loud-form"><input type="hidden" name="csrf_token"
value="{{ csrf }}"><b>Phát tin nhắn</b> (đọc bằng giọng tiếng Việt, ghi nhật ký)<br>
{% for c, _, _ in clusters %}<label><input type="checkbox" name="clusters" value="{{ c.id }}"> {{ c.hamlet }}</label>
{% endfor %}<textarea name="text" maxlength="1000" required placeholder="Bà con thôn … chú ý …"></textarea>
<button id="loud-send">Phát</button></form>{% endif %}
<h2>Đã phát <span class="en">/ Played</span></h2><table id="loud-played"><tr><th>Lúc</th><th>Cụm</th><th>Loại</th>
<th>Nội dung</th><th>Kết quả</th></tr>{% for r in played %}<tr><td>{{ lt(r.started_at) }}</td><td>{{ r.cluster }}</td>
<td>{{ kind_vi[r.kind.value] }}</td><td>{{ r.label }}</td><td>{{ 'Trọn vẹn' if r.completed else (r.error or
'Bị ngắt') }}</td></tr>{% endfor %}</table>"""


def _service() -> Any:
    from loudspeakers.service import LoudspeakerService

    alerts = current_app.config["COC_CONTEXT"].alerts
    channels = getattr(getattr(alerts, "fanout", None), "channels", [])
    return next((c for c in channels if isinstance(c, LoudspeakerService)), None)


def _render(note: str = "", bad: bool = False, status: int = 200) -> Any:
    ctx, service, principal = current_app.config["COC_CONTEXT"], _service(), current_principal()
    tz = ctx.config.commune.timezone
    states = service.link.states if service.link is not None else {}
    clusters = [(c, states.get(c.id), service.players[c.id].playing) for c in service.cfg.clusters]
    body = render_template_string(
        _BODY, commune=ctx.config.commune.name, now=local_time(datetime.now(UTC), tz), who=principal.name,
        clusters=clusters, played=list(reversed(service.records[-30:])), kind_vi=KIND_VI, note=note, bad=bad,
        lt=lambda at: local_time(at, tz), can_speak=principal.role in SPEAK_ROLES, csrf=csrf_token())
    return render_template_string(_PAGE, body=body), status


@blueprint.route("/loudspeakers", methods=["GET", "POST"])
def page() -> Any:
    principal = current_principal()
    if principal is None:
        return redirect("/login?next=/loudspeakers")
    service = _service()
    if service is None:
        return render_template_string(_PAGE, body="<h1>Loa truyền thanh</h1><p>Chưa bật / not enabled.</p>"), 404
    if request.method == "GET":
        return _render()
    if not csrf_ok() or principal.role not in SPEAK_ROLES:
        return _render("Không đủ quyền / not allowed", True, 403)
    text, chosen = request.form.get("text", "").strip()[:1000], request.form.getlist("clusters")
    if not text or not chosen or not set(chosen) <= set(service.players):
        return _render("Chọn thôn và nhập nội dung / choose hamlets and type a message", True, 400)
    service.announce(text, chosen)
    desk = getattr(current_app.config["COC_CONTEXT"].alerts, "duty", None)
    if desk is not None:
        desk.store.record(desk.now(), principal.name, "broadcast_message", None, f"{', '.join(chosen)}: {text}")
    return _render(f"Đã gửi tới {', '.join(chosen)} / sent")
