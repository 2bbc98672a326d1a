"""The `loudspeakers:` configuration section: the hamlets' loudspeaker clusters, the Icecast server their streams
go through, which alarms are broadcast, and the scheduled bulletins."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl

from config.section import Section

ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class ClusterConfig(Section):
    """A loudspeaker cluster (cụm loa) of a hamlet, listening to its own Icecast mount."""

    id: str = Field(pattern=ID, description="Cluster id, e.g. khe-coc.")
    name: str = Field(min_length=1, description="Name with diacritics, e.g. 'Cụm loa thôn Khe Cốc'.")
    hamlet: str = Field(min_length=1, description="The hamlet it serves, e.g. 'Thôn Khe Cốc'.")
    mount: str | None = Field(
        default=None, pattern=r"^/[A-Za-z0-9._-]+$", description="Icecast mount it plays (null: /loa-<id>).",
    )
    subjects: list[str] = Field(
        default_factory=list,
        description="Sensor and camera ids whose alarms concern this hamlet (its broadcasts go here).",
    )

    @property
    def mount_path(self) -> str:
        return self.mount or f"/loa-{self.id}"


class BroadcastRuleConfig(Section):
    """Alarms spoken on the loudspeakers of the hamlets they concern."""

    rules: list[str] = Field(default_factory=lambda: ["flood_level"],
                             description="Alarm kinds (rule names) broadcast; empty: every kind.")
    min_severity: Literal["info", "warning", "major", "critical"] = Field(
        default="critical", description="Only alarms this severe or worse are broadcast.",
    )
    repeat: int = Field(default=2, ge=1, le=10, description="Times the message is spoken in one broadcast.")


class BulletinConfig(Section):
    """A scheduled programme (bản tin sáng / chiều) played from a file."""

    id: str = Field(pattern=ID, description="Bulletin id.")
    name_vi: str = Field(min_length=1, description="Name, e.g. 'Bản tin sáng'.")
    at: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="Local time HH:MM it starts daily.")
    file: str = Field(min_length=1, description="Ogg Vorbis file played.")
    clusters: list[str] = Field(default_factory=list, description="Cluster ids (empty: every cluster).")


class LoudspeakersConfig(Section):
    """The hamlets' loudspeakers (off unless enabled)."""

    enabled: bool = Field(default=False, description="Broadcast alarms and bulletins.")
    icecast_url: HttpUrl = Field(default=HttpUrl("http://127.0.0.1:8000"), description="The Icecast server.")
    source_user: str = Field(default="source", description="Icecast source user.")
    source_password: str = Field(default="", description="Icecast source password, as ${NAME}.")
    voice: str = Field(default="vi", description="espeak-ng voice (vi: Vietnamese).")
    words_per_minute: int = Field(default=140, ge=80, le=300, description="Speaking rate.")
    work_dir: str = Field(default="data/loudspeakers", description="Folder for the spoken messages' files.")
    clusters: list[ClusterConfig] = Field(default_factory=list, description="The loudspeaker clusters.")
    alarms: list[BroadcastRuleConfig] = Field(default_factory=list, description="Which alarms are broadcast.")
    bulletins: list[BulletinConfig] = Field(default_factory=list, description="Scheduled programmes.")
