"""Acknowledgements made at the province center, applied at the commune (which owns its alarms)."""

from __future__ import annotations

import json
import logging
from typing import Any

from alerts.book import AlertNotFoundError
from alerts.lifecycle import AlertClosedError

log = logging.getLogger(__name__)


def province_acknowledger(service: Any) -> Any:
    """An ingest ack listener `(alert id, JSON body)` that acknowledges the alarm at this commune, in the name of
    the person at the province (`<who> (<province>)`) with their note. Repeats (the province sends again until it
    sees the acknowledgement) and alarms closed meanwhile change nothing."""

    def apply(alert_id: str, payload: bytes) -> None:
        try:
            body = json.loads(payload)
            who = str(body["who"])[:120]
        except (ValueError, TypeError, KeyError):
            log.warning("alerts: acknowledgement from the province for %s not understood", alert_id[:64])
            return
        where = str(body.get("from") or "tỉnh")[:120]
        role = body.get("role") if isinstance(body.get("role"), str) else None
        note = body.get("note") if isinstance(body.get("note"), str) else None
        alert = service.book.find(alert_id)
        if alert is None or not alert.unacknowledged:
            return  # applied before, closed, or not ours
        try:
            service.acknowledge(alert_id, f"{who} ({where})", role, note)
        except (AlertNotFoundError, AlertClosedError):
            return
        log.info("alerts: %s acknowledged from the province by %s", alert_id, who)

    return apply
