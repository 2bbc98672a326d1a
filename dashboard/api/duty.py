"""GET /api/duty: who is on duty now and next, the latest handovers and the duty audit; GET /api/duty/alerts/<id>:
the chain an alarm walked (each step's call, each message's delivery) and its duty audit. Admins and operators
(the answers hold people's phone numbers)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from alerts.deliveries import Delivery
from alerts.duty import ShiftSlot
from alerts.duty_desk import DutyDesk
from alerts.duty_store import DutyEvent, Handover
from dashboard.auth import require_roles
from dashboard.read.alerts import current_alert_reads
from dashboard.settings import Role

blueprint = Blueprint("api_duty", __name__, url_prefix="/api")
Answer = Response | tuple[Response, int]
Json = dict[str, object]


def _desk() -> DutyDesk | None:
    return current_alert_reads().duty_desk()


def _no_desk() -> tuple[Response, int]:
    return jsonify(error="unavailable", message="Không có sổ trực ban / no duty roster"), 404


def _slot(slot: ShiftSlot | None, holders: list[str]) -> Json | None:
    if slot is None:
        return None
    return {"shift": slot.shift.id, "name_vi": slot.shift.name_vi, "start": slot.start.isoformat(),
            "end": slot.end.isoformat(), "holders": holders}


def _event(e: DutyEvent) -> Json:
    return {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "alert_id": e.alert_id, "detail": e.detail}


def _handover(h: Handover) -> Json:
    return {"id": h.id, "slot": h.slot, "next_slot": h.next_slot, "written_by": h.written_by,
            "written_at": h.written_at.isoformat(), "happened": h.happened, "open_items": h.open_items,
            "open_alarms": h.open_alarms, "confirmed_by": h.confirmed_by,
            "confirmed_at": h.confirmed_at.isoformat() if h.confirmed_at else None}


def _delivery(d: Delivery) -> Json:
    return {"id": d.id, "username": d.username, "channel": d.channel, "address": d.address,
            "status": d.status.value, "attempts": d.attempts, "reason": d.reason, "external_id": d.external_id,
            "created_at": d.created_at.isoformat(), "updated_at": d.updated_at.isoformat()}


@blueprint.get("/duty")
@require_roles(Role.ADMIN, Role.OPERATOR)
def on_duty() -> Answer:
    desk = _desk()
    if desk is None:
        return _no_desk()
    on = desk.on_duty()
    return jsonify(now=_slot(on.slot, on.holders), next=_slot(on.next_slot, on.next_holders),
                   handovers=[_handover(h) for h in desk.store.handovers()],
                   audit=[_event(e) for e in desk.store.audit(limit=100)])


@blueprint.get("/duty/alerts/<alert_id>")
@require_roles(Role.ADMIN, Role.OPERATOR)
def alert_calls(alert_id: str) -> Answer:
    desk = _desk()
    if desk is None:
        return _no_desk()
    audit = [_event(e) for e in reversed(desk.store.audit(alert_id))]
    return jsonify(alert_id=alert_id, steps=[e for e in audit if e["action"] == "chain_step"],
                   deliveries=[_delivery(d) for d in desk.deliveries.list(alert_id=alert_id)], audit=audit)
