"""/loudspeakers: the hamlets' loudspeaker clusters (online, volume, what plays), what they played, and for admins
and operators a typed message spoken on chosen hamlets (audited). The hamlets of the open alarms come preselected
(/loudspeakers?alert=<id>: that alarm's hamlets and its spoken text). Sent through dashboard.broadcast, as the
phone page's "Phát loa" and POST /api/loudspeakers/announce are."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template_string, request
from werkzeug.wrappers import Response as BaseResponse

from alerts.messages import local_time
from dashboard.auth import Principal, current_principal
from dashboard.broadcast import broadcast, chosen_clusters, loud_service, may_speak, uploaded_audio
from dashboard.csrf import csrf_ok, csrf_token
from dashboard.pages.duty_frame import PAGE
from dashboard.read.alerts import AlertReads, current_alert_reads
from dashboard.scoped import current_context
from loudspeakers.service import LoudspeakerService

blueprint = Blueprint("loudspeakers", __name__)
KIND_VI = {"emergency": "Khẩn cấp", "message": "Tin nhắn", "scheduled": "Chương trình"}
Page = tuple[str, int] | BaseResponse

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
{% if can_speak %}<form method="post" class="box" id="loud-form" enctype="multipart/form-data">
<input type="hidden" name="csrf_token"
value="{{ csrf }}"><b>Phát tin nhắn</b> (đọc bằng giọng tiếng Việt, ghi nhật ký)<br>
{% if concerned %}<div class="muted" id="loud-preselected">Đã chọn sẵn các thôn của báo động đang mở:
{{ concerned|join('; ') }}</div>{% endif %}
{% for c, _, _ in clusters %}<label><input type="checkbox" name="clusters" value="{{ c.id }}"{{ ' checked' if c.id
in chosen else '' }}> {{ c.hamlet }}</label>
{% endfor %}<textarea name="text" maxlength="1000" placeholder="Bà con thôn … chú ý …">{{ text }}</textarea>
<label>Hoặc phát bản ghi âm (thay cho nội dung trên, tối đa 3 phút) <span class="en">/ or a recording</span>
<input type="file" name="audio" accept="audio/*" capture id="loud-audio"></label>
<button id="loud-send">Phát</button></form>{% endif %}
<h2>Đã phát <span class="en">/ Played</span></h2><table id="loud-played"><tr><th>Lúc</th><th>Cụm</th><th>Loại</th>
<th>Nội dung</th><th>Kết quả</th></tr>{% for r in played %}<tr><td>{{ lt(r.started_at) }}</td><td>{{ r.cluster }}</td>
<td>{{ kind_vi[r.kind.value] }}</td><td>{{ r.label }}</td><td>{{ 'Trọn vẹn' if r.completed else (r.error or
'Bị ngắt') }}</td></tr>{% endfor %}</table>"""


def concerned(reads: AlertReads, service: LoudspeakerService,
              alert_id: str | None) -> tuple[list[str], list[str], str]:
    """Hamlets to preselect: the named alarm's (with its spoken text), else those of every open alarm that concerns
    a cluster. (cluster ids, alarm titles, text)."""
    from loudspeakers.speech import alarm_speech

    alerts = [a for a in reads.active() if service.clusters_for(a.subject)]
    if alert_id:
        alerts = [a for a in alerts if a.id == alert_id]
    ids = {c for a in alerts for c in service.clusters_for(a.subject)}
    text = ""
    if alert_id and alerts:
        action_vi, _ = reads.action_text(alerts[0].rule)
        text = alarm_speech(alerts[0], reads.commune.name, action_vi, 1)
    return [c.id for c in service.cfg.clusters if c.id in ids], [a.title_vi for a in alerts], text


def _render(reads: AlertReads, service: LoudspeakerService, principal: Principal, note: str = "", bad: bool = False,
            status: int = 200) -> tuple[str, int]:
    tz = reads.commune.timezone
    states = service.link.states if service.link is not None else {}
    clusters = [(c, states.get(c.id), service.players[c.id].playing) for c in service.cfg.clusters]
    chosen, titles, text = concerned(reads, service, (request.args.get("alert") or "")[:64] or None)

    def lt(at: datetime) -> str:
        return local_time(at, tz)

    body = render_template_string(
        _BODY, commune=reads.commune.name, now=local_time(datetime.now(UTC), tz), who=principal.name,
        clusters=clusters, played=list(reversed(service.records[-30:])), kind_vi=KIND_VI, note=note, bad=bad,
        lt=lt, can_speak=may_speak(principal.role), csrf=csrf_token(),
        chosen=set(chosen) if not bad else set(), concerned=titles, text=text)
    return render_template_string(PAGE, body=body), status


@blueprint.route("/loudspeakers", methods=["GET", "POST"])
def page() -> Page:
    principal = current_principal()
    if principal is None:
        return redirect("/login?next=/loudspeakers")
    reads = current_alert_reads()
    service = loud_service(current_context())
    if service is None:
        return render_template_string(PAGE, body="<h1>Loa truyền thanh</h1><p>Chưa bật / not enabled.</p>"), 404
    if request.method == "GET":
        return _render(reads, service, principal)
    if not csrf_ok() or not may_speak(principal.role):
        return _render(reads, service, principal, "Không đủ quyền / not allowed", True, 403)
    from loudspeakers.speech import RecordingError

    text, audio = request.form.get("text", "").strip()[:1000], uploaded_audio()
    chosen = chosen_clusters(service, request.form.getlist("clusters"))
    if not (text or audio) or chosen is None:
        return _render(reads, service, principal, "Chọn thôn và nhập nội dung / choose hamlets and type a message",
                       True, 400)
    try:
        broadcast(reads, service, principal.name, text, chosen, audio=audio)
    except RecordingError as exc:
        return _render(reads, service, principal, f"Không phát được bản ghi âm / recording refused: {exc}", True, 400)
    return _render(reads, service, principal, f"Đã gửi tới {', '.join(chosen)} / sent")
