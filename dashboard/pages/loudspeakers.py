"""/loudspeakers: the hamlets' loudspeaker clusters (online, volume, what plays), what they played, and for admins
and operators a typed message spoken on chosen hamlets (audited). The hamlets of the open alarms come preselected
(/loudspeakers?alert=<id>: that alarm's hamlets and its spoken text); the phone page /p/<code> sends through
`broadcast` too."""

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


def loud_service(ctx: Any) -> Any:
    """The running loudspeaker service (a channel of the alert service), or None."""
    from loudspeakers.service import LoudspeakerService

    channels = getattr(getattr(ctx.alerts, "fanout", None), "channels", [])
    return next((c for c in channels if isinstance(c, LoudspeakerService)), None)


def _service() -> Any:
    return loud_service(current_app.config["COC_CONTEXT"])


def may_speak(role: Any) -> bool:
    """May this role (a Role or its value) send a message on the loudspeakers?"""
    return str(getattr(role, "value", role)) in {r.value for r in SPEAK_ROLES}


def chosen_clusters(service: Any, form_values: list[str]) -> list[str] | None:
    """The cluster ids a form chose, in the configured order; None when empty or naming an unknown cluster."""
    if not form_values or not set(form_values) <= set(service.players):
        return None
    return [c.id for c in service.cfg.clusters if c.id in form_values]


def broadcast(ctx: Any, service: Any, actor: str, text: str, clusters: list[str], alert_id: str | None = None,
              via: str = "", audio: bytes | None = None) -> str:
    """Speak an operator's text (or play their recording, `audio`) on these clusters and write it in the duty audit;
    the item's id. RecordingError when the recording is no usable audio."""
    if audio:
        from loudspeakers.speech import recording

        clip = recording(audio, service.work_dir / "recorded", f"Ghi âm của {actor}")
        item = service.announce_clip(clip, clusters, clip.text)
        what = f"ghi âm {clip.duration_s:.0f} giây"
    else:
        item, what = service.announce(text, clusters), text
    desk = getattr(ctx.alerts, "duty", None)
    if desk is not None:
        desk.store.record(desk.now(), actor, "broadcast_message", alert_id, f"{', '.join(clusters)}: {what}{via}")
    return item


def uploaded_audio() -> bytes | None:
    """The recording a form sent (input 'audio'), or None."""
    upload = request.files.get("audio")
    data = upload.read() if upload is not None and upload.filename else b""
    return data or None


def concerned(ctx: Any, service: Any, alert_id: str | None) -> tuple[list[str], list[str], str]:
    """Hamlets to preselect: the named alarm's (with its spoken text), else those of every open alarm that concerns
    a cluster. (cluster ids, alarm titles, text)."""
    from alerts.settings import action_text
    from loudspeakers.speech import alarm_speech

    alerts = [a for a in ctx.alerts.active() if service.clusters_for(a.subject)]
    if alert_id:
        alerts = [a for a in alerts if a.id == alert_id]
    ids = {c for a in alerts for c in service.clusters_for(a.subject)}
    text = ""
    if alert_id and alerts:
        action_vi, _ = action_text(ctx.config.alerts.rules, alerts[0].rule)
        text = alarm_speech(alerts[0], ctx.config.commune.name, action_vi, 1)
    return [c.id for c in service.cfg.clusters if c.id in ids], [a.title_vi for a in alerts], text


def _render(note: str = "", bad: bool = False, status: int = 200) -> Any:
    ctx, service, principal = current_app.config["COC_CONTEXT"], _service(), current_principal()
    tz = ctx.config.commune.timezone
    states = service.link.states if service.link is not None else {}
    clusters = [(c, states.get(c.id), service.players[c.id].playing) for c in service.cfg.clusters]
    chosen, titles, text = concerned(ctx, service, (request.args.get("alert") or "")[:64] or None)
    body = render_template_string(
        _BODY, commune=ctx.config.commune.name, now=local_time(datetime.now(UTC), tz), who=principal.name,
        clusters=clusters, played=list(reversed(service.records[-30:])), kind_vi=KIND_VI, note=note, bad=bad,
        lt=lambda at: local_time(at, tz), can_speak=may_speak(principal.role), csrf=csrf_token(),
        chosen=set(chosen) if not bad else set(), concerned=titles, text=text)
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
    if not csrf_ok() or not may_speak(principal.role):
        return _render("Không đủ quyền / not allowed", True, 403)
    from loudspeakers.speech import RecordingError

    text, audio = request.form.get("text", "").strip()[:1000], uploaded_audio()
    chosen = chosen_clusters(service, request.form.getlist("clusters"))
    if not (text or audio) or chosen is None:
        return _render("Chọn thôn và nhập nội dung / choose hamlets and type a message", True, 400)
    try:
        broadcast(current_app.config["COC_CONTEXT"], service, principal.name, text, chosen, audio=audio)
    except RecordingError as exc:
        return _render(f"Không phát được bản ghi âm / recording refused: {exc}", True, 400)
    return _render(f"Đã gửi tới {', '.join(chosen)} / sent")
