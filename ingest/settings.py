"""The `mqtt:` and `storage:` configuration sections."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from config.section import Section

TOPIC_PREFIX_PATTERN = r"^[^#+\s]+(/[^#+\s]+)*$"


class TlsConfig(Section):
    """TLS towards the broker."""

    ca_file: Path | None = Field(default=None, description="CA certificate (PEM) that signed the broker's certificate.")
    cert_file: Path | None = Field(default=None, description="Client certificate (PEM) if the broker asks for one.")
    key_file: Path | None = Field(default=None, description="Client private key (PEM) for cert_file.")
    insecure: bool = Field(default=False, description="Skip hostname verification (test benches only).")


class MqttConfig(Section):
    """Where the MQTT broker is and how COC talks to it."""

    host: str = Field(default="127.0.0.1", description="Broker host name or IP address.")
    port: int = Field(default=1883, ge=1, le=65535, description="Broker TCP port (1883 plain, 8883 TLS).")
    username: str | None = Field(
        default=None,
        description="Broker user name; use ${NAME} to read it from the environment.",
    )
    password: str | None = Field(
        default=None,
        description="Broker password; always as ${NAME}, never written in the file.",
    )
    tls: bool | TlsConfig = Field(
        default=False,
        description="false, true (system CAs) or {ca_file, cert_file, key_file}.",
    )
    topic_prefix: str = Field(
        default="coc/commune", pattern=TOPIC_PREFIX_PATTERN,
        description="Prefix of every COC topic, normally coc/<commune id>; no '+', '#' or spaces.",
    )
    embedded: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="Start COC's own in-process broker: auto (only when nothing answers at host:port), always, never.",
    )
    client_id: str = Field(
        default="coc-ingest", min_length=1, max_length=64,
        description="Fixed MQTT client id of the ingester; keeps its persistent session across restarts.",
    )
    keepalive_s: int = Field(default=30, ge=5, le=3600, description="MQTT keep-alive in seconds.")
    workers: int = Field(
        default=1, ge=1, le=16,
        description="Ingest subscriber processes sharing the stream through an MQTT 5 shared subscription "
                    "(Mosquitto); keep 1 with the NATS commune broker, which has no shared subscriptions.",
    )


class SqliteConfig(Section):
    """The embedded SQLite time-series store."""

    path: Path = Field(default=Path("data/coc.sqlite"), description="SQLite file for readings (created if missing).")


class InfluxConfig(Section):
    """InfluxDB through its v1 HTTP API (/write line protocol, /query InfluxQL); 1.x, 2.x (v1 compat) and 3.x."""

    url: str = Field(default="http://127.0.0.1:8086", pattern=r"^https?://", description="Base URL of InfluxDB.")
    database: str = Field(
        default="coc", min_length=1,
        description="Database (bucket mapped to it on 2.x); created if missing.",
    )
    retention_policy: str | None = Field(
        default=None,
        description="Retention policy to write into; default policy when empty.",
    )
    username: str | None = Field(default=None, description="User for basic auth (1.x); as ${NAME}.")
    password: str | None = Field(default=None, description="Password for basic auth (1.x); as ${NAME}.")
    token: str | None = Field(
        default=None,
        description="API token (2.x, 3.x), sent as 'Authorization: Token ...'; as ${NAME}.",
    )
    timeout_s: float = Field(default=10.0, gt=0, le=300, description="HTTP timeout for one request, seconds.")
    create_database: bool = Field(
        default=True,
        description="Run CREATE DATABASE at start when the database is missing.",
    )
    server_config: Path | None = Field(
        default=Path("/etc/influxdb/influxdb.conf"),
        description="InfluxDB's own configuration file when InfluxDB 1.x runs on this PC: COC reads its data folder "
                    "to tell why InfluxDB does not come back after a power cut, and `run_coc.py repair-store` mends "
                    "it. Ignored when missing or when the url is not on this PC.",
    )

    @model_validator(mode="after")
    def _one_auth(self) -> InfluxConfig:
        if self.token and (self.username or self.password):
            raise ValueError(
                "both token and username/password are set. Fix: keep token for InfluxDB 2.x/3.x, "
                "or username/password for 1.x"
            )
        return self


class StorageConfig(Section):
    """Where readings are stored, and where they wait when the store is down."""

    backend: Literal["sqlite", "influxdb"] = Field(
        default="sqlite",
        description="Time-series store: sqlite or influxdb.",
    )
    sqlite: SqliteConfig = Field(default_factory=SqliteConfig, description="SQLite store settings.")
    influxdb: InfluxConfig = Field(default_factory=InfluxConfig, description="InfluxDB store settings.")
    state_path: Path = Field(
        default=Path("data/coc-state.sqlite"),
        description="SQLite file for application state: dead letters, alerts, users' audit, KPI figures.",
    )
    spool_dir: Path = Field(
        default=Path("data/spool"),
        description="Directory of the disk spool used while the store is down.",
    )
    batch_size: int = Field(
        default=2000, ge=1, le=100000,
        description="Most readings written in one batch (one commit, then one PUBACK packet for its messages).",
    )
    flush_interval_s: float = Field(
        default=0.5, gt=0, le=60,
        description="Longest the writer waits for the first reading of a batch; it writes what has arrived at once.",
    )
    queue_size: int = Field(
        default=200000, ge=100,
        description="Readings (not messages: an array of 500 counts 500) accepted and not yet durable before the "
                    "ingester stops reading from the broker, which keeps the rest (back-pressure, never a drop).",
    )
