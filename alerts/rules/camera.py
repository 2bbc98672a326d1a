"""Camera rule: `offline` → warning, `tamper` → major, `intrusion` (zone, during its schedule) → critical."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.models import Severity, Signal, Source
from alerts.settings import CameraRuleConfig
from camera.models import CameraEvent, EventPhase, EventType


@dataclass(frozen=True, slots=True)
class CameraAlertKind:
    """How one camera event type maps onto an alert."""

    rule: str
    severity: Severity
    title_vi: str
    title_en: str


KINDS = {
    EventType.OFFLINE: CameraAlertKind("camera_offline", Severity.WARNING, "Camera {name} mất tín hiệu",
                                       "Camera {name} is offline"),
    EventType.TAMPER: CameraAlertKind("camera_tamper", Severity.MAJOR, "Camera {name} bị che, mờ hoặc xoay",
                                      "Camera {name} tampered (covered, blurred or moved)"),
    EventType.INTRUSION: CameraAlertKind("camera_intrusion", Severity.CRITICAL,
                                         "Có người/phương tiện trong vùng giám sát tại {name}{zone}",
                                         "Person or vehicle in the watched zone at {name}{zone}"),
}


class CameraRule:
    """Turns camera events into signals; `online` clears `offline`, the end of a tamper clears it."""

    def __init__(self, cfg: CameraRuleConfig) -> None:
        self.cfg = cfg

    def observe(self, event: CameraEvent, name: str) -> Signal | None:
        if event.type is EventType.ONLINE:
            return Signal(KINDS[EventType.OFFLINE].rule, Source.CAMERA, event.camera_id, False, place=name)
        kind = KINDS.get(event.type)
        if kind is None:
            return None  # plain motion is not an alert
        if event.phase is EventPhase.END:
            if event.type is EventType.INTRUSION and not self.cfg.resolve_intrusion_on_end:
                return None
            return Signal(kind.rule, Source.CAMERA, event.camera_id, False, place=name)
        zone = f" – {event.zone}" if event.zone else ""
        scored = event.score is not None and event.type is not EventType.OFFLINE  # a lost signal has no confidence
        score = f"{event.score:.2f}" if scored else ""
        detail = ", ".join(
            part for part in (f"vùng {event.zone}" if event.zone else "",
                              f"điểm {score.replace('.', ',')}" if score else "") if part
        )
        detail_en = ", ".join(
            part for part in (f"zone {event.zone}" if event.zone else "", f"score {score}" if score else "") if part
        )
        return Signal(
            kind.rule, Source.CAMERA, event.camera_id, True, kind.severity,
            kind.title_vi.format(name=name, zone=zone), kind.title_en.format(name=name, zone=zone), detail,
            event.score if scored else None, detail_en, place=name,
        )
