"""The duty desk: the roster now (shift, holders, posts), the escalation chains walked by unacknowledged alarms
(each step's holders get a message with their own phone link on the step's channels), and the channel senders."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alerts.deliveries import DeliveryStore, Driver, PersonMessage, Sender
from alerts.duty import ShiftSlot, chain_for, due_steps, holders, next_slot, slot_at, slot_holders
from alerts.duty_messages import CallContext, person_subject, person_text, stand_down_text, zns_data
from alerts.duty_settings import ChainConfig, DutyConfig, DutyPerson
from alerts.duty_store import DutyStore
from alerts.models import Action, Alert, AlertTransition
from alerts.phone_link import PhoneLinks
from alerts.sections import AlertSections
from alerts.settings import action_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OnDuty:
    """The shift running now and who holds it (None between shifts)."""

    slot: ShiftSlot | None
    holders: list[str]
    next_slot: ShiftSlot | None
    next_holders: list[str]


def default_drivers(cfg: DutyConfig) -> list[Driver]:
    """The enabled channels' drivers."""
    from alerts.person_channels import EmailDirect, TelegramDirect, ZnsChannel
    from alerts.sms import GammuSms

    drivers: list[Driver] = []
    if cfg.sms.enabled:
        drivers.append(GammuSms(cfg.sms))
    if cfg.zns.enabled:
        drivers.append(ZnsChannel(cfg.zns))
    if cfg.telegram.enabled and cfg.telegram.url is not None:
        drivers.append(TelegramDirect(cfg.telegram))
    if cfg.email.enabled:
        drivers.append(EmailDirect(cfg.email))
    return drivers


class DutyDesk:
    """Roster, chains and channels of one commune; `tick` is called by the alert service's tick."""

    name = "duty"

    def __init__(self, sections: AlertSections, db_path: str | Path, clock: Callable[[], datetime],
                 drivers: list[Driver] | None = None) -> None:
        self.config, self.cfg = sections, sections.duty
        self.timezone = sections.commune.timezone
        self._clock = clock
        self.store = DutyStore(db_path)
        self.links = PhoneLinks(db_path, sections.link_secret)
        self.deliveries = DeliveryStore(db_path)
        drivers = default_drivers(self.cfg) if drivers is None else drivers
        self.senders = {d.channel: Sender(d, self.deliveries, self.cfg.queue_size) for d in drivers}

    def start(self) -> None:
        for sender in self.senders.values():
            sender.start()

    def stop(self) -> None:
        for sender in self.senders.values():
            sender.stop()

    def close(self) -> None:
        self.stop()
        for closable in (self.store, self.links, self.deliveries):
            closable.close()

    def now(self) -> datetime:
        return self._clock()

    # --- roster ---------------------------------------------------------------------------------------
    def on_duty(self, at: datetime | None = None) -> OnDuty:
        at = at or self._clock()
        assigned = self.store.assignments()
        now_slot = slot_at(self.cfg.shifts, at, self.timezone)
        after = next_slot(self.cfg.shifts, now_slot, self.timezone) if now_slot else None
        return OnDuty(now_slot, slot_holders(now_slot, assigned) if now_slot else [],
                      after, slot_holders(after, assigned) if after else [])

    def post_holders(self, post_id: str, at: datetime | None = None) -> list[str]:
        return holders(self.cfg, post_id, self.on_duty(at).holders)

    def person(self, username: str) -> DutyPerson | None:
        return self.cfg.person(username)

    # --- chains ---------------------------------------------------------------------------------------
    def tick(self, alerts: Iterable[Alert]) -> None:
        """Call every due step of every unacknowledged, unshelved alarm a chain covers; acknowledged alarms stop."""
        now = self._clock()
        for alert in alerts:
            if not alert.unacknowledged or alert.shelved(now):
                continue
            chain = chain_for(self.cfg, alert)
            if chain is None:
                continue
            started, done = self.store.steps_done(alert.id)
            for index in due_steps(chain, started or now, now, done):
                self._call(alert, chain, index, now)

    def _call(self, alert: Alert, chain: ChainConfig, index: int, now: datetime) -> None:
        step = chain.steps[index]
        post = self.cfg.post(step.post)
        names = self.post_holders(step.post, now)
        people = [p for p in (self.cfg.person(n) for n in names) if p is not None]
        detail = (f"chuỗi {chain.id}, bậc {index + 1}/{len(chain.steps)} {post.name_vi if post else step.post}: "
                  f"{', '.join(p.username for p in people) or 'không có ai trực'} ({', '.join(step.channels)})")
        if not self.store.step_called(now, alert.id, chain.id, index, [p.username for p in people], detail):
            return
        log.warning("alerts: %s – %s [%s]", detail, alert.title_vi, alert.id)
        action_vi, action_en = action_text(self.config.alerts.rules, alert.rule)
        for person in people:
            code = self.links.make(alert.id, person.username, now, self.cfg.phone_link.ttl_min)
            call = CallContext(
                self.config.commune.name, person.name, post.name_vi if post else step.post,
                post.name_en if post else step.post, index + 1, len(chain.steps),
                f"{str(self.cfg.phone_link.base_url).rstrip('/')}/p/{code}", action_vi, action_en, now,
                self.timezone)
            for channel in step.channels:
                self._send(alert, person, channel, call)

    def _send(self, alert: Alert, person: DutyPerson, channel: str, call: CallContext) -> None:
        sender, address = self.senders.get(channel), person.address(channel)
        if sender is None or not address:
            why = "channel not enabled" if sender is None else "no address"
            self.store.record(call.at, "system", "delivery_skipped", alert.id, f"{person.username} {channel}: {why}")
            return
        english = self.config.alerts.notifications.language == "both" and channel in ("telegram", "email")
        sender.send(PersonMessage(alert.id, person.username, channel, address, person_text(alert, call, english),
                                  person_subject(alert, call), zns_data(alert, call) if channel == "zns" else {}))

    def on_transition(self, alert: Alert, transition: AlertTransition) -> None:
        """An acknowledgement stops the chain: everyone it called (but the one who acknowledged) is told."""
        if transition.action is not Action.ACKNOWLEDGED:
            return
        called = [n for n in self.store.called(alert.id) if n != transition.actor]
        if not called:
            return
        actor = self.cfg.person(transition.actor)
        who = f"{actor.name} ({transition.actor})" if actor else transition.actor
        text = stand_down_text(alert, self.config.commune.name, who, transition.at, transition.note, self.timezone)
        self.store.record(transition.at, "system", "chain_stopped", alert.id,
                          f"tiếp nhận bởi {transition.actor}; báo cho: {', '.join(called)}")
        for person in (p for p in (self.cfg.person(n) for n in called) if p is not None):
            for channel in self.cfg.stand_down_channels:
                sender, address = self.senders.get(channel), person.address(channel)
                if sender is not None and address:
                    sender.send(PersonMessage(alert.id, person.username, channel, address, text,
                                              f"[{self.config.commune.name}] ĐÃ TIẾP NHẬN: {alert.title_vi}"))

    def stats(self) -> dict[str, dict[str, int]]:
        return {sender.name: sender.stats() for sender in self.senders.values()}

    def dead_senders(self) -> list[str]:
        return [s.name for s in self.senders.values() if not s.alive()]
