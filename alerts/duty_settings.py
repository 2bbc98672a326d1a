"""The `duty:` configuration section: the duty roster (people, shifts, posts), escalation chains per alarm kind and
severity, the signed phone link, and the channels that reach a person (SMS via gammu-smsd, Zalo ZNS, Telegram,
e-mail)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from config.section import Section

PERSON_CHANNELS = ("sms", "zns", "telegram", "email")
PersonChannel = Literal["sms", "zns", "telegram", "email"]
SeverityName = Literal["info", "warning", "major", "critical"]
ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class DutyPerson(Section):
    """Someone who can be called: a user of auth.users with the addresses the channels use."""

    username: str = Field(description="The person's login name in auth.users (the phone page acts in their name).")
    name: str = Field(min_length=1, description="Full name with diacritics, shown on /duty and in the audit.")
    title_vi: str = Field(default="", description="Function in Vietnamese, e.g. 'Phó Chủ tịch UBND xã'.")
    phone: str | None = Field(
        default=None, pattern=r"^\+?[0-9]{8,15}$", description="Mobile number for SMS, e.g. 0912345678.",
    )
    zalo_phone: str | None = Field(
        default=None, pattern=r"^\+?[0-9]{8,15}$",
        description="Number registered with Zalo for ZNS messages (null: the phone number).",
    )
    telegram_chat_id: str | None = Field(default=None, description="Telegram chat id of the person (direct chat).")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$", description="E-mail address.")

    def address(self, channel: str) -> str | None:
        """The address this person has for a channel (None: cannot be reached that way)."""
        return {"sms": self.phone, "zns": self.zalo_phone or self.phone, "telegram": self.telegram_chat_id,
                "email": self.email}.get(channel)


class ShiftConfig(Section):
    """A daily shift of the duty roster (sổ trực ban); it may run past midnight (end before start)."""

    id: str = Field(pattern=ID, description="Shift id, e.g. ngay or dem.")
    name_vi: str = Field(min_length=1, description="Name in Vietnamese, e.g. 'Ca ngày'.")
    start: str = Field(pattern=HHMM, description="Local start time HH:MM.")
    end: str = Field(pattern=HHMM, description="Local end time HH:MM (before start: the shift ends the next day).")
    holders: list[str] = Field(
        default_factory=list,
        description="Usernames (duty.people) who hold the shift unless /duty assigns others for a day.",
    )


class PostConfig(Section):
    """A post in the escalation chain, e.g. the duty officer, the commune police, the vice chairman."""

    id: str = Field(pattern=ID, description="Post id named by chain steps, e.g. truc_ban, cong_an, chu_tich.")
    name_vi: str = Field(min_length=1, description="Name in Vietnamese, e.g. 'Công an xã'.")
    name_en: str = Field(default="", description="Name in English.")
    on_shift: bool = Field(
        default=False, description="True: held by whoever holds the shift on duty at the time (the duty officer).",
    )
    holders: list[str] = Field(
        default_factory=list, description="Usernames (duty.people) who hold the post (on_shift false).",
    )


class StepConfig(Section):
    """One step of a chain: whom to call, how, and how long to wait for an acknowledgement before the next."""

    post: str = Field(description="Post id (duty.posts) whose holders are called.")
    timeout_min: float = Field(
        gt=0, le=1440, description="Minutes without acknowledgement before the next step is called.",
    )
    channels: list[PersonChannel] = Field(
        default_factory=lambda: ["sms", "zns"], min_length=1,
        description="Channels used for this step: sms, zns, telegram, email (each holder's address for it).",
    )


class ChainConfig(Section):
    """Who is called, in order, for an unacknowledged alarm of some kinds from a severity on."""

    id: str = Field(pattern=ID, description="Chain id, shown in the audit.")
    rules: list[str] = Field(
        default_factory=list,
        description="Alarm kinds (rule names, e.g. flood_level, camera_intrusion) it applies to; empty: every kind.",
    )
    min_severity: SeverityName = Field(
        default="critical", description="Only alarms this severe or worse walk this chain (flood level III: critical).",
    )
    steps: list[StepConfig] = Field(min_length=1, description="The steps, first called at once, each after the "
                                                                "previous one's timeout_min.")


class PhoneLinkConfig(Section):
    """The short signed link each message to a person carries."""

    base_url: HttpUrl = Field(
        default=HttpUrl("http://127.0.0.1:8050"),
        description="Address of COC as phones reach it; links are <base_url>/p/<code>.",
    )
    ttl_min: float = Field(default=240, gt=0, le=10080, description="Minutes a link stays valid.")


class RetryConfig(Section):
    """Retries of one channel."""

    retries: int = Field(default=2, ge=0, le=20, description="Further attempts after a failed one.")
    backoff_s: float = Field(default=2, ge=0, le=600, description="Wait before a retry; doubled each time.")
    timeout_s: float = Field(default=10, gt=0, le=300, description="Seconds one attempt may take.")


class SmsConfig(RetryConfig):
    """SMS through a USB 3G/4G modem driven by Gammu's SMS daemon (gammu-smsd, files backend)."""

    enabled: bool = Field(default=False, description="Send SMS.")
    smsd_config: str = Field(
        default="/etc/gammu-smsdrc",
        description="gammu-smsd's configuration file; its outboxpath, sentsmspath and errorsmspath are read.",
    )
    inject_command: str = Field(default="gammu-smsd-inject", description="Program that queues a message.")
    send_timeout_s: float = Field(
        default=300, gt=0, le=86400,
        description="A message still in the outbox after this many seconds counts as failed (modem or daemon down).",
    )
    max_chars: int = Field(default=300, ge=70, le=1000, description="Longest SMS text (multipart, Unicode).")


class ZnsConfig(RetryConfig):
    """Zalo Notification Service: template messages to phone numbers (POST with an access_token header)."""

    enabled: bool = Field(default=False, description="Send ZNS messages.")
    url: HttpUrl = Field(
        default=HttpUrl("https://business.openapi.zalo.me/message/template"), description="The ZNS send API.",
    )
    access_token: str = Field(default="", description="The Official Account's access token, as ${NAME}.")
    template_id: str = Field(default="", description="Approved template with the parameters listed in README.")


class TelegramDirectConfig(RetryConfig):
    """Telegram Bot API messages to a person's chat (the group keeps its webhook under alerts.notifications)."""

    enabled: bool = Field(default=False, description="Send to people's telegram_chat_id.")
    url: HttpUrl | None = Field(
        default=None, description="sendMessage URL with the bot token, https://api.telegram.org/bot${T}/sendMessage.",
    )


class EmailConfig(RetryConfig):
    """E-mail to a person through an SMTP server."""

    enabled: bool = Field(default=False, description="Send e-mail to people's address.")
    smtp_host: str = Field(default="localhost", description="SMTP server.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port (587 with starttls).")
    starttls: bool = Field(default=False, description="STARTTLS before login.")
    username: str = Field(default="", description="SMTP login (empty: none), as ${NAME}.")
    password: str = Field(default="", description="SMTP password, as ${NAME}.")
    sender: str = Field(default="coc@localhost", description="From address.")


class DutyConfig(Section):
    """The duty roster and escalation chains (no chains: nobody is called; the alarms still reach the wall)."""

    people: list[DutyPerson] = Field(default_factory=list, description="People who can be called.")
    shifts: list[ShiftConfig] = Field(default_factory=list, description="The daily shifts of the duty roster.")
    posts: list[PostConfig] = Field(default_factory=list, description="Posts named by the chains' steps.")
    chains: list[ChainConfig] = Field(
        default_factory=list, description="Escalation chains; the first matching an alarm's kind and severity is used.",
    )
    phone_link: PhoneLinkConfig = Field(default_factory=PhoneLinkConfig, description="The phone page's link.")
    sms: SmsConfig = Field(default_factory=SmsConfig, description="SMS via gammu-smsd.")
    zns: ZnsConfig = Field(default_factory=ZnsConfig, description="Zalo ZNS template messages.")
    telegram: TelegramDirectConfig = Field(default_factory=TelegramDirectConfig, description="Telegram to people.")
    email: EmailConfig = Field(default_factory=EmailConfig, description="E-mail to people.")
    queue_size: int = Field(default=1000, ge=1, le=100000, description="Messages waiting; beyond it dropped, counted.")
    stand_down_channels: list[Literal["sms", "telegram", "email"]] = Field(
        default_factory=lambda: ["sms"],
        description="Channels that tell the people already called that someone acknowledged (the chain stopped); "
                    "empty: nobody is told.",
    )

    def person(self, username: str) -> DutyPerson | None:
        return next((p for p in self.people if p.username == username), None)

    def post(self, post_id: str) -> PostConfig | None:
        return next((p for p in self.posts if p.id == post_id), None)

    @model_validator(mode="after")
    def _references(self) -> DutyConfig:
        people = {p.username for p in self.people}
        posts = {p.id for p in self.posts}
        for label, holders in [*((f"shift '{s.id}'", s.holders) for s in self.shifts),
                               *((f"post '{p.id}'", p.holders) for p in self.posts)]:
            for name in holders:
                if name not in people:
                    raise ValueError(f"duty: {label} names '{name}', who is not under duty.people. "
                                     f"Fix: use one of {sorted(people)} or add the person")
        for chain in self.chains:
            for step in chain.steps:
                if step.post not in posts:
                    raise ValueError(f"duty: chain '{chain.id}' names post '{step.post}', which is not under "
                                     f"duty.posts. Fix: use one of {sorted(posts)}")
        for label, ids in (("person", [p.username for p in self.people]), ("shift", [s.id for s in self.shifts]),
                           ("post", posts and [p.id for p in self.posts]), ("chain", [c.id for c in self.chains])):
            if len(set(ids or [])) != len(ids or []):
                raise ValueError(f"duty: a {label} id is used twice. Fix: give each {label} its own id")
        return self
