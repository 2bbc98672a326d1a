"""The `province:` section: a COC that serves a province's operations center instead of one commune."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from config.section import Location, Section


class ClusterConfig(Section):
    """The province's NATS cluster (config/nats-province.conf) that the communes' bridges publish into."""

    servers: list[str] = Field(
        min_length=1,
        description="Client URLs of the cluster nodes, e.g. [nats://10.20.0.11:4222, nats://10.20.0.12:4222, "
                    "nats://10.20.0.13:4222]; the feed moves to another node when one is lost.",
    )
    user: str = Field(default="coc-province-ingest", description="NATS user of the province ingest.")
    password: str | None = Field(default=None, description="Its password, as ${COC_NATS_PASSWORD}.")
    stream: str = Field(default="$MQTT_msgs", description="JetStream stream the province ingest reads: NATS' own "
                        "stream of MQTT QoS 1 messages, the one a bridge's PUBACK covers (ingest/province_feed.py).")
    durable: str = Field(
        default="coc-province-ingest",
        description="The durable consumer every province ingest process shares (each message goes to one).",
    )
    replicas: int = Field(default=3, ge=1, le=5, description="Copies of the stream (one per node).")
    ack_wait_s: float = Field(
        default=30, gt=0, le=3600,
        description="Seconds before a message not yet durable at the province is delivered again.",
    )
    command_retry_s: float = Field(
        default=10, gt=0, le=3600,
        description="Seconds between resending an acknowledgement to a commune until the commune confirms it.",
    )


class ProvinceCommune(Section):
    """A commune of the province."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="The commune's id (its commune.id, the second level of its topics), e.g. quang-tho.",
    )
    name: str = Field(min_length=1, description="Name with diacritics, e.g. 'Xã Quảng Thọ'.")
    location: Location | None = Field(default=None, description="Its headquarters on the province map: {lat, lon}.")
    config: Path | None = Field(
        default=None,
        description="A copy of the commune's own COC configuration (relative to this file): its devices, "
                    "cameras, former units and wall screens. Its secrets are not read at the province. Without it "
                    "the province shows the commune's alerts but none of its readings.",
    )
    web_url: str | None = Field(
        default=None, description="The commune COC's own address, shown as a link on the province wall.",
    )


class ProvinceConfig(Section):
    """A province operations center (IOC): the communes it serves and the cluster their data arrives on."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Province id, e.g. hue.")
    name: str = Field(min_length=1, description="Name with diacritics, e.g. 'Thành phố Huế'.")
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="IANA time zone of the screens.")
    location: Location | None = Field(default=None, description="Centre of the province map: {lat, lon}.")
    cluster: ClusterConfig = Field(description="The NATS cluster the communes' bridges publish into.")
    communes: list[ProvinceCommune] = Field(min_length=1, description="The communes this center serves.")

    @model_validator(mode="after")
    def _check_communes(self) -> ProvinceConfig:
        seen: set[str] = set()
        for commune in self.communes:
            if commune.id in seen:
                raise ValueError(f"commune id '{commune.id}' is listed twice. Fix: list each commune once")
            seen.add(commune.id)
        return self

    def commune(self, commune_id: str) -> ProvinceCommune | None:
        return next((c for c in self.communes if c.id == commune_id), None)
