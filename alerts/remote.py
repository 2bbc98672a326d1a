"""Acknowledgements made at the province center, applied at the commune (which owns its alarms): the ingester's
control handler for `<prefix>/acks/<alert id>` (alerts.commands.AckCommand)."""

from __future__ import annotations

import logging

from alerts.book import AlertNotFoundError
from alerts.commands import AckCommand, CommandError
from alerts.lifecycle import AlertClosedError
from alerts.service import AlertService
from ingest.service import ControlHandler, IngestService

log = logging.getLogger(__name__)


def listen_for_province_acks(ingest: IngestService, service: AlertService) -> None:
    """Have the ingester hand this commune's acknowledgement commands to the alert service."""
    ingest.add_control_handler(AckCommand.topic_filter(ingest.prefix), province_acknowledger(service, ingest.prefix))


def province_acknowledger(service: AlertService, prefix: str) -> ControlHandler:
    """A control handler that acknowledges the alarm at this commune, in the name of the person at the province
    (`<who> (<province>)`) with their note. Repeats (the province sends again until it sees the acknowledgement) and
    alarms closed meanwhile change nothing; a payload that is no acknowledgement is refused with the reason."""

    def apply(topic: str, payload: bytes) -> str | None:
        try:
            command = AckCommand.decode(prefix, topic, payload)
        except CommandError as exc:
            log.warning("alerts: %s (%s)", exc, topic[:200])
            return str(exc)
        alert = service.book.find(command.alert_id)
        if alert is None or not alert.unacknowledged:
            return None  # applied before, closed, or not ours
        try:
            service.acknowledge(command.alert_id, command.actor, command.role, command.note)
        except (AlertNotFoundError, AlertClosedError):
            return None
        log.info("alerts: %s acknowledged from the province by %s", command.alert_id, command.who)
        return None

    return apply
