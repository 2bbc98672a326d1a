"""Speaking on the hamlets' loudspeakers from the dashboard (/loudspeakers, the phone page's "Phát loa" and
POST /api/loudspeakers/announce): the running loudspeaker service, who may speak, the clusters a form chose, the
recording a form sent, and the one send that writes the duty audit."""

from __future__ import annotations

from flask import request

from dashboard.context import AppContext
from dashboard.read.alerts import AlertReads
from dashboard.settings import Role
from loudspeakers.service import LoudspeakerService

SPEAK_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})


def loud_service(ctx: AppContext) -> LoudspeakerService | None:
    """The running loudspeaker service (the wiring's, a channel of the commune's alert service), or None (not
    enabled, or a province center); pages get it as `rm.reads(loud_service)`, requests with current_context()."""
    return ctx.loudspeakers


def may_speak(role: Role | str | None) -> bool:
    """May this role (a Role or its value) send a message on the loudspeakers?"""
    return role is not None and str(role) in {r.value for r in SPEAK_ROLES}


def chosen_clusters(service: LoudspeakerService, form_values: list[str]) -> list[str] | None:
    """The cluster ids a form chose, in the configured order; None when empty or naming an unknown cluster."""
    if not form_values or not set(form_values) <= set(service.players):
        return None
    return [c.id for c in service.cfg.clusters if c.id in form_values]


def broadcast(reads: AlertReads, service: LoudspeakerService, actor: str, text: str, clusters: list[str],
              alert_id: str | None = None, via: str = "", audio: bytes | None = None) -> str:
    """Speak a person's text (or play their recording, `audio`) on these clusters and write it in the duty audit;
    the item's id. RecordingError when the recording is no usable audio."""
    if audio:
        from loudspeakers.speech import recording

        clip = recording(audio, service.work_dir / "recorded", f"Ghi âm của {actor}")
        item = service.announce_clip(clip, clusters, clip.text)
        what = f"ghi âm {clip.duration_s:.0f} giây"
    else:
        item, what = service.announce(text, clusters), text
    desk = reads.duty_desk()
    if desk is not None:
        desk.store.record(desk.now(), actor, "broadcast_message", alert_id, f"{', '.join(clusters)}: {what}{via}")
    return item


def uploaded_audio() -> bytes | None:
    """The recording this request's form sent (input 'audio'), or None."""
    upload = request.files.get("audio")
    data = upload.read() if upload is not None and upload.filename else b""
    return data or None
