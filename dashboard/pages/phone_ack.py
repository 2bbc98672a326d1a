"""The phone page at /p/<code>: one alarm for the person a signed link names (390 px wide, no login, no session):
the alarm, its peak and now, the action text, the camera snapshot where the person's role may see cameras, and
"Tiếp nhận" with a note; for a person whose role may broadcast (admins, operators), "Phát loa": a text spoken on
chosen hamlets' loudspeakers, this alarm's hamlets preselected. The link acknowledges once and expires; every view,
acknowledgement, broadcast and refusal is audited; nothing else is reachable through it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, render_template_string, request

from alerts.duty_desk import DutyDesk
from alerts.messages import SEVERITY_WORDS, local_time, value_line
from alerts.models import Alert
from alerts.phone_link import LinkState, PhoneLink
from dashboard.access import PAGE_ROLES
from dashboard.broadcast import broadcast as send
from dashboard.broadcast import chosen_clusters, loud_service, may_speak, uploaded_audio
from dashboard.read.alerts import AlertReads, current_alert_reads
from dashboard.read.cameras import camera_reads
from dashboard.scoped import current_context
from dashboard.users import user_book
from loudspeakers.service import LoudspeakerService
from loudspeakers.settings import ClusterConfig

blueprint = Blueprint("phone_ack", __name__)

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the code is in the address: never sent on to anyone
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
REFUSED = {
    LinkState.UNKNOWN: (404, "Liên kết không hợp lệ", "Invalid link"),
    LinkState.EXPIRED: (410, "Liên kết đã hết hạn", "This link has expired"),
    LinkState.USED: (410, "Liên kết đã được dùng để tiếp nhận", "This link has been used already"),
}
RESEND_S = 60  # the same broadcast through the same link within this many seconds is a repeat, not sent again
COLORS = {"critical": "#c62828", "major": "#ef6c00", "warning": "#f9a825", "info": "#1565c0"}


@dataclass(frozen=True, slots=True)
class Desk:
    """What a phone page works with: the alarms, the duty desk (links, audit) and the time now."""

    reads: AlertReads
    duty: DutyDesk
    now: datetime


@dataclass(frozen=True, slots=True)
class LoudForm:
    """The 'Phát loa' form: every cluster, the chosen ones, the text, and the answer to the last send."""

    service: LoudspeakerService
    chosen: frozenset[str]
    text: str
    note: str = ""
    bad: bool = False

    @property
    def clusters(self) -> list[ClusterConfig]:
        return list(self.service.cfg.clusters)

_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{{ title }} – COC</title><style>
body{margin:0;background:#0b1220;color:#e6edf7;font:17px/1.4 "Noto Sans",Roboto,Arial,sans-serif}
main{max-width:390px;margin:0 auto;padding:12px 14px 28px;box-sizing:border-box}
.sev{padding:10px 12px;border-radius:10px;font-weight:700;font-size:19px;color:#fff}
h1{font-size:21px;margin:12px 0 4px} .muted{color:#93a4c3;font-size:15px} .en{color:#93a4c3;font-size:14px}
.box{background:#131d31;border:1px solid #24324f;border-radius:10px;padding:10px 12px;margin:10px 0}
img{width:100%;border-radius:8px;display:block} textarea{width:100%;box-sizing:border-box;min-height:70px;
font:inherit;font-size:17px;border-radius:8px;border:1px solid #33466d;background:#0b1220;color:#e6edf7;padding:8px}
button{margin-top:10px;width:100%;padding:14px;font-size:20px;font-weight:700;border:0;border-radius:10px;
background:#2e7d32;color:#fff} .done{background:#1b5e20;border-color:#2e7d32}
.refused{background:#5b1a1a;border-color:#a33} label.hamlet{display:block;padding:6px 0;font-size:18px}
label.hamlet input{width:22px;height:22px;vertical-align:middle} button.loud{background:#1565c0}
.sent{color:#81c784;margin:6px 0} .refusal{color:#ef9a9a;margin:6px 0}
label.record{display:block;margin-top:8px;font-size:15px} label.record input{display:block;margin-top:4px;
max-width:100%;font-size:15px}
</style></head><body><main>{{ body|safe }}</main></body></html>"""

_ALARM = """<div class="sev" id="phone-severity" style="background:{{ color }}">BÁO ĐỘNG {{ sev_vi|upper }}
<span class="en">/ {{ sev_en }}</span></div>
<h1 id="phone-title">{{ a.title_vi }}</h1><div class="en">{{ a.title_en }}</div>
<div class="muted">{{ commune }} · mở lúc {{ opened }}</div>
{% if values %}<div class="box" id="phone-values"><b>{{ values }}</b>
<div class="en">{{ values_en }}</div></div>{% endif %}
{% if action_vi %}<div class="box" id="phone-action"><b>Việc cần làm:</b> {{ action_vi }}
<div class="en">{{ action_en }}</div></div>{% endif %}
{% if snapshot %}<div class="box"><img id="phone-snapshot" src="{{ snapshot }}" alt="Ảnh camera"></div>{% endif %}
{% if a.acknowledged_by %}<div class="box done" id="phone-acked">Đã tiếp nhận: <b>{{ a.acknowledged_by }}</b> lúc
{{ acked_at }}{% if a.acknowledged_note %}<br>{{ a.acknowledged_note }}{% endif %}
<div class="en">Acknowledged</div></div>
{% else %}<form method="post" action="/p/{{ code }}" id="phone-form">
<label for="phone-note">Ghi chú (không bắt buộc) / note</label>
<textarea id="phone-note" name="note" maxlength="300" placeholder="Đang trên đường tới hiện trường…"></textarea>
<button type="submit" id="phone-ack">Tiếp nhận</button></form>{% endif %}
{% if loud %}<form method="post" action="/p/{{ code }}/loa" class="box" id="phone-loud"
enctype="multipart/form-data"><b>Phát loa</b>
<span class="en">/ Loudspeakers</span>{% if loud.note %}<div class="{{ 'refusal' if loud.bad else 'sent' }}"
id="phone-loud-note">{{ loud.note }}</div>{% endif %}<div class="muted">Thôn nhận tin (đã chọn sẵn thôn của báo động
này):</div>{% for c in loud.clusters %}<label class="hamlet"><input type="checkbox" name="clusters" value="{{ c.id }}"
{{ 'checked' if c.id in loud.chosen else '' }}> {{ c.hamlet }}</label>{% endfor %}
<textarea id="phone-loud-text" name="text" maxlength="1000">{{ loud.text }}</textarea>
<label class="record">Hoặc ghi âm (phát thay cho nội dung trên, tối đa 3 phút) <span class="en">/ or record</span>
<input type="file" name="audio" accept="audio/*" capture id="phone-loud-audio"></label>
<button type="submit" id="phone-loud-send" class="loud">Phát loa</button></form>{% endif %}
<p class="muted">Gửi cho {{ person }} · liên kết hết hạn lúc {{ expires }}</p>"""

_REFUSED = """<div class="box refused" id="phone-refused"><h1>{{ vi }}</h1><div class="en">{{ en }}</div></div>
<p class="muted">Mở COC trên máy tính trực ban hoặc chờ tin nhắn mới.</p>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    html = render_template_string(_PAGE, title=title, body=body)
    return Response(html, status=status, headers=HEADERS, mimetype="text/html")


def _desk() -> Desk | None:
    """The duty desk of this COC (None at a province center or with alerts not running: no phone pages)."""
    reads = current_alert_reads()
    duty = reads.duty_desk()
    return None if duty is None else Desk(reads, duty, duty.now())


def _not_here() -> Response:
    return _page("Không có / not found", render_template_string(_REFUSED, vi="Không có trang này", en="No such page"),
                 404)


def _refused(desk: Desk, state: LinkState, link: PhoneLink | None) -> Response:
    status, vi, en = REFUSED[state]
    desk.duty.store.record(desk.now, link.username if link else "anonymous", "link_refused",
                           link.alert_id if link else None, f"{state.value} {request.method} {request.path[:3]}…")
    return _page(vi, render_template_string(_REFUSED, vi=vi, en=en), status)


def _role(username: str) -> str | None:
    entry = next((u for u in user_book(current_context()).all() if u.username == username), None)
    return None if entry is None or entry.disabled else str(entry.role)


def _cameras(reads: AlertReads, subject: str, role: str | None) -> list[str]:
    """The cameras showing this alarm's subject (itself or linked by flood_point) when the role may see them and
    the camera hub runs."""
    if not camera_reads(current_context()).running or role not in {r.value for r in PAGE_ROLES["cameras"]}:
        return []
    return [c.id for c in reads.cameras_at([subject])]


def _open(desk: Desk, code: str, for_ack: bool) -> tuple[PhoneLink | None, Response | None]:
    link = desk.duty.links.find(code)
    if link is None:
        return None, _refused(desk, LinkState.UNKNOWN, None)
    state = link.state(desk.now)
    if state is LinkState.EXPIRED or (state is LinkState.USED and for_ack):
        return link, _refused(desk, state, link)
    if _role(link.username) is None:
        return link, _refused(desk, LinkState.UNKNOWN, link)
    return link, None


def _loud_form(reads: AlertReads, alert: Alert, role: str | None, note: str = "", bad: bool = False,
               text: str | None = None, chosen: list[str] | None = None) -> LoudForm | None:
    """The 'Phát loa' form for a person whose role may broadcast, when the loudspeakers run: every cluster, those of
    this alarm's hamlets checked, the alarm's spoken text to edit."""
    from loudspeakers.speech import alarm_speech

    service = loud_service(current_context())
    if service is None or not may_speak(role):
        return None
    if text is None:
        action_vi, _ = reads.action_text(alert.rule)
        text = alarm_speech(alert, reads.commune.name, action_vi, 1)
    chosen = service.clusters_for(alert.subject) if chosen is None else chosen
    return LoudForm(service, frozenset(chosen), text, note, bad)


def _show(desk: Desk, link: PhoneLink, code: str, loud_note: str = "", loud_bad: bool = False, status: int = 200,
          loud_text: str | None = None, loud_chosen: list[str] | None = None) -> Response:
    reads = desk.reads
    alert = reads.find(link.alert_id)
    if alert is None:
        return _refused(desk, LinkState.UNKNOWN, link)
    tz = reads.commune.timezone
    person = desk.duty.person(link.username)
    sev_vi, sev_en = SEVERITY_WORDS[alert.severity]
    action_vi, action_en = reads.action_text(alert.rule)
    role = _role(link.username)
    cams = _cameras(reads, alert.subject, role)
    body = render_template_string(
        _ALARM, a=alert, color=COLORS[alert.severity.value], sev_vi=sev_vi, sev_en=sev_en,
        commune=reads.commune.name, opened=local_time(alert.opened_at, tz), values=value_line(alert, "vi"),
        values_en=value_line(alert, "en"), action_vi=action_vi, action_en=action_en,
        snapshot=f"/p/{code}/snapshot.jpg" if cams else None,
        acked_at=local_time(alert.acknowledged_at, tz) if alert.acknowledged_at else "",
        person=person.name if person else link.username, expires=local_time(link.expires_at, tz), code=code,
        loud=_loud_form(reads, alert, role, loud_note, loud_bad, loud_text, loud_chosen))
    return _page(alert.title_vi, body, status)


@blueprint.get("/p/<code>")
def view(code: str) -> Response:
    desk = _desk()
    if desk is None:
        return _not_here()
    link, refused = _open(desk, code, for_ack=False)
    if refused is not None or link is None:
        return refused or _not_here()
    if link.state(desk.now) is LinkState.USED:
        return _refused(desk, LinkState.USED, link)
    desk.duty.store.record(desk.now, link.username, "link_opened", link.alert_id, "")
    return _show(desk, link, code)


@blueprint.post("/p/<code>")
def acknowledge(code: str) -> Response:
    desk = _desk()
    if desk is None:
        return _not_here()
    link, refused = _open(desk, code, for_ack=True)
    if refused is not None or link is None:
        return refused or _not_here()
    note = (request.form.get("note") or "").strip()[:300]
    current = desk.reads.find(link.alert_id)
    if current is not None and current.acknowledged_by:  # someone was first: the link stays unspent
        desk.duty.store.record(desk.now, link.username, "link_ack", link.alert_id,
                               f"already acknowledged by {current.acknowledged_by}")
        return _show(desk, link, code)
    if not desk.duty.links.spend(link, desk.now, note):
        return _refused(desk, LinkState.USED, link)
    result = desk.reads.acknowledge_by_link(link.alert_id, link.username, _role(link.username),
                                            f"{note} (qua điện thoại)".strip() if note else "Tiếp nhận qua điện thoại")
    outcome = "acknowledged" if result.error is None else "already closed"
    desk.duty.store.record(desk.now, link.username, "link_ack", link.alert_id, f"{outcome}; {note}".rstrip("; "))
    return _show(desk, link, code)


def _just_sent(desk: Desk, link: PhoneLink, detail: str) -> bool:
    """The same text to the same hamlets through this person's link less than a minute ago (a double tap, or the
    phone's browser sending the form again on reload) is not spoken twice."""
    return any(e.action == "broadcast_message" and e.actor == link.username and e.detail == detail
               and (desk.now - e.at).total_seconds() < RESEND_S
               for e in desk.duty.store.audit(link.alert_id, limit=50))


@blueprint.post("/p/<code>/loa")
def broadcast(code: str) -> Response:
    """'Phát loa': the link's person, when their role may broadcast, speaks a text on chosen hamlets' loudspeakers
    (this alarm's hamlets preselected). Allowed until the link expires, also after it acknowledged; audited."""
    from loudspeakers.speech import RecordingError

    desk = _desk()
    if desk is None:
        return _not_here()
    link = desk.duty.links.find(code)
    if link is None:
        return _refused(desk, LinkState.UNKNOWN, None)
    if link.state(desk.now) is LinkState.EXPIRED:
        return _refused(desk, LinkState.EXPIRED, link)
    role, service = _role(link.username), loud_service(current_context())
    if role is None or desk.reads.find(link.alert_id) is None:
        return _refused(desk, LinkState.UNKNOWN, link)
    if service is None or not may_speak(role):
        desk.duty.store.record(desk.now, link.username, "link_refused", link.alert_id,
                               f"broadcast: role {role} may not")
        body = render_template_string(_REFUSED, vi="Vai trò của bạn không được phát loa",
                                      en="Your role may not broadcast on the loudspeakers")
        return _page("Không đủ quyền / not allowed", body, 403)
    text, audio = (request.form.get("text") or "").strip()[:1000], uploaded_audio()
    chosen = chosen_clusters(service, request.form.getlist("clusters"))
    kept = [c for c in request.form.getlist("clusters") if c in service.players]
    if not (text or audio) or chosen is None:
        return _show(desk, link, code, "Chọn thôn và nhập nội dung / choose hamlets and type a message", True, 400,
                     loud_text=text, loud_chosen=kept)
    if not audio and _just_sent(desk, link, f"{', '.join(chosen)}: {text} (qua điện thoại)"):
        return _show(desk, link, code, "Tin này vừa được phát, không phát lại / already sent a moment ago", True,
                     409, loud_text=text, loud_chosen=chosen)
    try:
        send(desk.reads, service, link.username, text, chosen, link.alert_id, " (qua điện thoại)", audio)
    except RecordingError as exc:
        return _show(desk, link, code, f"Không phát được bản ghi âm / recording refused: {exc}", True, 400,
                     loud_text=text, loud_chosen=kept)
    hamlets = ", ".join(c.hamlet for c in service.cfg.clusters if c.id in chosen)
    return _show(desk, link, code, f"Đã gửi tới {hamlets} / sent", loud_text=text, loud_chosen=chosen)


@blueprint.get("/p/<code>/snapshot.jpg")
def snapshot(code: str) -> Response:
    desk = _desk()
    if desk is None:
        return Response(status=404)
    link = desk.duty.links.find(code)
    if link is None or link.state(desk.now) is LinkState.EXPIRED:
        return Response(status=404)
    alert = desk.reads.find(link.alert_id)
    cams = _cameras(desk.reads, alert.subject, _role(link.username)) if alert else []
    jpeg = camera_reads(current_context()).latest_jpeg(cams[0]) if cams else None
    if jpeg is None:
        return Response(status=404)
    return Response(jpeg, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blueprint.route("/p/<path:_rest>", methods=["GET", "POST"])
def elsewhere(_rest: str) -> Response:
    """Every other address under /p/ (open to anonymous callers for the page above) is nothing."""
    return _not_here()
