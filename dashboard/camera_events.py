"""Camera events in the reader's words, as the police desk shows them in its rows, details and alerts: a tamper's
kind or the zone's own name, the confidence, the local clock ('Vùng Lòng đường · độ tin cậy 91 % · lúc 21:03:05')."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from camera.models import CameraEvent, EventType
from dashboard.formats import percent
from dashboard.i18n import t

SCORED_TYPES = (EventType.INTRUSION, EventType.MOTION, EventType.TAMPER)  # a lost or returned signal: no confidence


def zone_text(type_: EventType, zone: str | None, lang: str) -> str:
    """The zone of an event: a tamper's kind ('covered' → 'ống kính bị che'), or the configured zone's name."""
    if zone and type_ is EventType.TAMPER:
        return t(f"tamper.{zone}", lang)
    return zone or ""


def score_text(type_: EventType, score: float | None, lang: str) -> str:
    """The confidence as a percentage ('—' for none, or for an event that has none)."""
    if score is None or type_ not in SCORED_TYPES:
        return "—"
    return percent(100 * score, 0, lang)


def describe(event: CameraEvent | None, tz: ZoneInfo, lang: str) -> str:
    """What, how sure and when, from the event's fields ('' without an event)."""
    if event is None:
        return ""
    parts = []
    if event.zone and event.type is EventType.TAMPER:
        parts.append(t(f"tamper.{event.zone}", lang))
    elif event.zone:
        parts.append(t("cam.zone", lang, zone=event.zone))
    if event.score is not None and event.type in SCORED_TYPES:
        parts.append(t("cam.score", lang, score=percent(100 * event.score, 0, lang)))
    parts.append(t("cam.at", lang, time=event.ts.astimezone(tz).strftime("%H:%M:%S")))
    return " · ".join(parts)
