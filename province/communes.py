"""Each commune's configuration as the province uses it: its own file's devices, cameras, former units and wall
screens, with the province's storage (one database, the tag `commune`; a spool and a state file per commune)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from configfile.loader import ENV_PATTERN, ConfigError, ConfigProblem, parse_config
from configfile.schema import CocConfig, ProvinceCenterConfig
from province.settings import ProvinceCommune

NOT_READ = "not-read-at-the-province-0123456789"  # a commune file's secrets are not the province's business


def province_environment(text: str, base: Mapping[str, str]) -> dict[str, str]:
    """The environment for reading a commune's file at the province: the province's own variables, and a
    placeholder for each `${NAME}` without a default that is not set here: the commune's secrets (web secret key,
    tokens, camera passwords), which the province never uses."""
    env = dict(base)
    for match in ENV_PATTERN.finditer(text):
        if match.group(2) is None and match.group(1) not in env:
            env[match.group(1)] = NOT_READ
    return env


def commune_configs(province_config: ProvinceCenterConfig, base_dir: Path, environ: Mapping[str, str] | None = None,
                    ) -> dict[str, CocConfig]:
    """commune id -> the configuration its province-side parts run with. ConfigError when a commune's file cannot
    be read or does not describe that commune."""
    out: dict[str, CocConfig] = {}
    for commune in province_config.province.communes:
        own = _own_config(commune, province_config, base_dir, environ)
        out[commune.id] = _at_province(own, commune, province_config)
    return out


def _own_config(commune: ProvinceCommune, province: ProvinceCenterConfig, base_dir: Path,
                environ: Mapping[str, str] | None) -> CocConfig:
    if commune.config is None:  # known only by name: its alerts arrive, its readings have no device to go to
        return CocConfig.model_validate({
            "commune": {"id": commune.id, "name": commune.name, "timezone": province.commune.timezone,
                        **({"location": commune.location.model_dump()} if commune.location else {})},
            "web": {"secret_key": NOT_READ},
        })
    path = commune.config if commune.config.is_absolute() else base_dir / commune.config
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(path), None, f"province.communes[{commune.id}].config",
                                         f"cannot read {path}: {exc.strerror}",
                                         "copy the commune's configuration file there")]) from None
    own = parse_config(text, str(path), province_environment(text, os.environ if environ is None else environ))
    if own.commune.id != commune.id:
        raise ConfigError([ConfigProblem(str(path), None, "commune.id",
                                         f"this file describes commune '{own.commune.id}', not '{commune.id}'",
                                         f"name the configuration file of commune '{commune.id}'")])
    return own


def _at_province(own: CocConfig, commune: ProvinceCommune, province: ProvinceCenterConfig) -> CocConfig:
    storage = province.storage
    sqlite_path = storage.sqlite.path
    per_commune = {
        "spool_dir": Path(storage.spool_dir) / commune.id,
        "state_path": Path(storage.state_path).with_name(f"{Path(storage.state_path).stem}-{commune.id}.sqlite"),
        "sqlite": storage.sqlite.model_copy(update={
            "path": Path(sqlite_path).with_name(f"{Path(sqlite_path).stem}-{commune.id}{Path(sqlite_path).suffix}")}),
    }
    location = own.commune.location or commune.location
    return own.model_copy(update={
        "commune": own.commune.model_copy(update={"name": own.commune.name or commune.name, "location": location}),
        "mqtt": own.mqtt.model_copy(update={"topic_prefix": f"coc/{commune.id}"}),  # as the bridge forwards it
        "storage": storage.model_copy(update=per_commune),
        "web": province.web,
        "auth": province.auth,
        "indicators": province.indicators,
    })
