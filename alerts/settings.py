"""The `alerts:` configuration section: rules, escalation and notification channels."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from config.section import Section


class RuleSection(Section):
    """What every rule has: the action text shown on the wall's takeover and in the alert's detail."""

    action_vi: str = Field(
        default="", max_length=300,
        description="What to do when this rule raises an alarm, in Vietnamese (shown on the wall's takeover).",
    )
    action_en: str = Field(default="", max_length=300, description="The same action text in English.")


class AirRuleConfig(RuleSection):
    """Air quality: the hourly VN_AQI at or above a category for long enough."""

    enabled: bool = Field(default=True, description="Raise air-quality alerts.")
    warning_aqi: int = Field(
        default=151, ge=1, le=500,
        description="VN_AQI from which the air is bad enough for a warning (151: 'Xấu')."
    )
    critical_aqi: int = Field(
        default=201, ge=1, le=500, description="VN_AQI from which the alert is critical (201: 'Rất xấu')."
    )
    for_min: float = Field(
        default=30, ge=0, le=1440,
        description="Minutes the index must stay at or above a threshold before it counts."
    )
    clear_for_min: float = Field(
        default=30, ge=0, le=1440,
        description="Minutes below warning_aqi before the alert resolves by itself."
    )

    @model_validator(mode="after")
    def _order(self) -> AirRuleConfig:
        if self.critical_aqi <= self.warning_aqi:
            raise ValueError(
                f"critical_aqi ({self.critical_aqi}) must be above warning_aqi ({self.warning_aqi}). "
                "Fix: e.g. warning_aqi: 151 and critical_aqi: 201"
            )
        return self


class FloodRuleConfig(RuleSection):
    """Flood points: báo động I → warning, II → major, III → critical, on one alert per point."""

    enabled: bool = Field(default=True, description="Raise flood alerts from the points' alarm_levels_cm.")
    action_vi: str = Field(
        default="Báo Ban chỉ huy PCTT xã, cử người ra điểm ngập cắm biển cảnh báo, sẵn sàng sơ tán theo phương án",
        max_length=300, description="What to do at a flood alarm, in Vietnamese (shown on the wall's takeover).",
    )
    action_en: str = Field(
        default="Tell the commune disaster-prevention command, send staff to put up warning signs, be ready "
                "to evacuate",
        max_length=300, description="The same action text in English.",
    )
    hysteresis_cm: float = Field(
        default=10, ge=0, le=200,
        description="The water must fall this many cm below a level's line before the alert steps down from "
                    "it.",
    )
    clear_hold_min: float = Field(
        default=30, ge=0, le=1440,
        description="Minutes the water must stay below level I (minus hysteresis_cm) before the alert "
                    "resolves.",
    )


class OfflineRuleConfig(RuleSection):
    """Devices that stop reporting or say they are offline."""

    enabled: bool = Field(default=True, description="Raise an alert for a silent or offline device.")
    missed_intervals: int = Field(
        default=3, ge=1, le=1000,
        description="Expected intervals (interval_s) without a reading before it is offline."
    )


class StuckRuleConfig(RuleSection):
    """A sensor whose main value (pm25, water_level_cm) repeats exactly its `stuck_readings` times."""

    enabled: bool = Field(
        default=True,
        description="Raise an alert for a frozen value; the count is each sensor's stuck_readings (null: "
                    "never).",
    )


class BatteryRuleConfig(RuleSection):
    """Devices reporting `battery_v` below their `battery_low_v` (per sensor)."""

    enabled: bool = Field(default=True, description="Raise an alert for a low battery (below battery_low_v).")
    clear_margin_v: float = Field(
        default=0.2, ge=0, le=10,
        description="Volts above battery_low_v the battery must reach again before the alert resolves.",
    )


class CameraRuleConfig(RuleSection):
    """Camera events: offline → warning, tamper → major, intrusion (zone, during its schedule) → critical."""

    enabled: bool = Field(default=True, description="Raise alerts from camera events.")
    resolve_intrusion_on_end: bool = Field(
        default=False,
        description="Resolve an intrusion alert when the camera ends the event; false keeps it until someone "
                    "resolves it.",
    )


class SystemRuleConfig(RuleSection):
    """COC's own parts: the store or the broker down."""

    enabled: bool = Field(
        default=True, description="Raise a critical alert when the store or broker is down.",
    )
    down_for_s: float = Field(
        default=60, ge=0, le=86400, description="Seconds a part must be down before the alert.",
    )


class RulesConfig(Section):
    """Which conditions raise alerts, and how long they must last."""

    air: AirRuleConfig = Field(default_factory=AirRuleConfig, description="Air-quality (VN_AQI) rule.")
    flood: FloodRuleConfig = Field(default_factory=FloodRuleConfig, description="Flood alarm-level rule.")
    offline: OfflineRuleConfig = Field(default_factory=OfflineRuleConfig, description="Device offline rule.")
    stuck: StuckRuleConfig = Field(default_factory=StuckRuleConfig, description="Stuck (frozen) value rule.")
    battery: BatteryRuleConfig = Field(default_factory=BatteryRuleConfig, description="Low battery rule.")
    camera: CameraRuleConfig = Field(default_factory=CameraRuleConfig, description="Camera event rule.")
    system: SystemRuleConfig = Field(
        default_factory=SystemRuleConfig, description="Store / broker down rule.",
    )
    max_reading_age_s: float = Field(
        default=3600, gt=0, le=7 * 86400,
        description="Readings older than this (e.g. a device's buffered backlog) are stored but do not drive "
                    "alerts.",
    )


class ChatteringConfig(Section):
    """An alarm that keeps clearing and coming back (ISA-18.2 "chattering"): shown once, with its count."""

    window_min: float = Field(
        default=60, gt=0, le=1440, description="Minutes over which the raises of one rule and subject are counted.",
    )
    max_raises: int = Field(
        default=5, ge=0, le=10000,
        description="More raises than this within window_min mark the alarm chattering (0: never).",
    )


class ShelvingConfig(Section):
    """Operators may shelve an alarm (take it off the wall's takeover) for a set time, with a reason."""

    choices_min: list[float] = Field(
        default_factory=lambda: [15, 30, 60, 120], min_length=1,
        description="Durations in minutes offered when shelving; the first is the default.",
    )
    max_min: float = Field(default=480, gt=0, le=10080, description="Longest shelving allowed, in minutes.")


class EscalationConfig(Section):
    """Reminders for alerts nobody has acknowledged."""

    after_min: dict[Literal["info", "warning", "major", "critical"], float] = Field(
        default_factory=lambda: {"critical": 10, "major": 30},
        description="Minutes without acknowledgement before an alert of this severity escalates; "
        "severities not listed never escalate.",
    )
    repeat_min: float = Field(
        default=10, gt=0, le=1440,
        description="Minutes between further escalations until someone acknowledges."
    )


RULE_SECTIONS = {
    "air_quality": "air", "flood_level": "flood", "device_offline": "offline", "device_stuck": "stuck",
    "battery_low": "battery", "camera_offline": "camera", "camera_tamper": "camera", "camera_intrusion": "camera",
    "speaker_offline": "offline",
}


def action_text(rules: RulesConfig, rule: str) -> tuple[str, str]:
    """The configured action text (vi, en) of the rule that raised an alarm; system rules share `system`."""
    section: RuleSection = getattr(rules, RULE_SECTIONS.get(rule, "system"))
    return section.action_vi, section.action_en


class WebhookConfig(Section):
    """One HTTP endpoint that receives every alert transition."""

    name: str = Field(min_length=1, max_length=64, description="Name of the channel in logs and /metrics.")
    url: HttpUrl = Field(description="URL the JSON body is POSTed to; secrets in it as ${NAME}.")
    format: Literal["json", "telegram", "zalo"] = Field(
        default="json",
        description="Body: json (the alert and transition), telegram (Bot API sendMessage) or zalo (OA "
                    "message).",
    )
    chat_id: str | None = Field(default=None, description="format telegram: the chat id to send to.")
    user_id: str | None = Field(default=None, description="format zalo: the follower's user id to send to.")
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Extra HTTP headers, e.g. {access_token: ${ZALO_OA_TOKEN}} for Zalo OA."
    )
    min_severity: Literal["info", "warning", "major", "critical"] = Field(
        default="info", description="Only alerts of this severity or above are sent here."
    )
    timeout_s: float = Field(default=5, gt=0, le=120, description="Seconds one HTTP attempt may take.")
    retries: int = Field(default=3, ge=0, le=20, description="Further attempts after a failed one.")
    backoff_s: float = Field(
        default=1, ge=0, le=600, description="Wait before the first retry; doubled before each next one."
    )

    @model_validator(mode="after")
    def _target(self) -> WebhookConfig:
        if self.format == "telegram" and not self.chat_id:
            raise ValueError(f"webhook '{self.name}' has format telegram but no chat_id. Fix: add chat_id: "
                f"<chat id>")
        if self.format == "zalo" and not self.user_id:
            raise ValueError(f"webhook '{self.name}' has format zalo but no user_id. Fix: add user_id: <user "
                f"id>")
        return self


class NotificationsConfig(Section):
    """Where alert transitions are sent."""

    mqtt: bool = Field(
        default=True, description="Publish every transition on <prefix>/alerts/<id> (retained while open).",
    )
    mqtt_client_id: str = Field(
        default="coc-alerts", min_length=1, max_length=64,
        description="MQTT client id of the alert publisher."
    )
    webhooks: list[WebhookConfig] = Field(
        default_factory=list, description="HTTP endpoints for every transition.",
    )
    queue_size: int = Field(
        default=1000, ge=1, le=1_000_000,
        description="Messages waiting per webhook; beyond it new ones are dropped and counted, never waited "
                    "for.",
    )
    language: Literal["vi", "en", "both"] = Field(
        default="vi",
        description="Language of Telegram/Zalo message text: vi, en or both (Vietnamese first)."
    )


class AlertsConfig(Section):
    """Alert rules and notification channels (defaults apply when the section is absent)."""

    rules: RulesConfig = Field(default_factory=RulesConfig, description="Conditions that raise alerts.")
    escalation: EscalationConfig = Field(
        default_factory=EscalationConfig, description="Reminders for unacknowledged alerts."
    )
    notifications: NotificationsConfig = Field(
        default_factory=NotificationsConfig, description="MQTT and webhook channels."
    )
    tick_s: float = Field(
        default=5, gt=0, le=600,
        description="Seconds between checks of time-based rules (offline, escalation, system)."
    )
    chattering: ChatteringConfig = Field(
        default_factory=ChatteringConfig, description="When an alarm that keeps coming back is chattering.",
    )
    shelving: ShelvingConfig = Field(
        default_factory=ShelvingConfig, description="How long operators may shelve an alarm.",
    )

    @model_validator(mode="after")
    def _unique_webhooks(self) -> AlertsConfig:
        names = [w.name for w in self.notifications.webhooks]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"webhook name '{name}' is used twice. Fix: give each webhook its own name")
        return self
