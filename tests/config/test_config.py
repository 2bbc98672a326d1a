"""The configuration schema: files that must be accepted, and each kind of mistake with its place and fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from configfile.loader import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
DESIGN_ENV = {"COC_INFLUX_USER": "coc", "COC_INFLUX_PASSWORD": "pw", "COC_SECRET_KEY": "k" * 32,
              "COC_CAM_USER": "viewer", "COC_CAM_PASSWORD": "secret", "COC_API_TOKEN": "t" * 24}
BASE = """commune: {id: quang-tho, name: "Xã Quảng Thọ"}
web: {secret_key: 0123456789abcdef}
"""


def problems(text: str, environ: dict[str, str] | None = None) -> list:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "coc.yaml", environ=environ or {})
    return info.value.problems


def test_the_design_minimal_file_is_accepted_as_it_is() -> None:
    config = load_config(ROOT / "tests/fixtures/config/design_minimal.yaml", environ=DESIGN_ENV)
    assert config.mqtt.embedded == "never" and config.storage.backend == "influxdb"
    assert config.storage.influxdb.username == "coc" and config.storage.spool_dir == Path("data/spool")
    assert config.sensor("flood-01").alarm_levels_cm == (150, 250, 350)
    assert config.cameras[0].url == "rtsp://viewer:secret@192.168.1.64:554/Streaming/Channels/102"
    assert config.auth.api_tokens[0].token == "t" * 24 and config.web.public_screens == ["street"]


def test_the_demo_file_is_accepted() -> None:
    config = load_config(ROOT / "config/demo.yaml", environ={})
    assert config.commune.households == 1959
    assert {s.kind.value for s in config.sensors} == {"air", "flood"}
    assert {u.role.value for u in config.auth.users} == {"admin", "operator", "police", "leader"}


def test_an_unknown_key_names_file_line_key_and_the_likely_fix() -> None:
    [p] = problems(BASE + "mqtt:\n  host: 127.0.0.1\n  prot: 1883\n")
    assert (p.file, p.line, p.key) == ("coc.yaml", 5, "mqtt.prot")
    assert "unknown key 'prot'" in p.message and "did you mean 'port'?" in p.fix


def test_a_missing_required_key_says_what_to_add() -> None:
    [p] = problems("commune: {id: quang-tho}\nweb: {secret_key: 0123456789abcdef}\n")
    assert (p.line, p.key) == (1, "commune.name") and "add 'name:'" in p.fix


def test_wrong_types_and_values_in_lists_point_at_the_item() -> None:
    text = BASE + ("sensors:\n  - {id: a1, kind: air, name: A}\n  - {id: f1, kind: flud, name: F}\n"
                   "  - {id: f2, kind: flood, name: F2, interval_s: soon, alarm_levels_cm: [1, 2, 3]}\n")
    found = {p.key: p for p in problems(text)}
    assert found["sensors[1].kind"].line == 5 and "'air' or 'flood'" in found["sensors[1].kind"].fix
    assert found["sensors[2].interval_s"].line == 6 and "write a number" in found["sensors[2].interval_s"].fix


def test_domain_mistakes_carry_their_own_fix() -> None:
    text = BASE + "sensors:\n  - {id: f1, kind: flood, name: F, alarm_levels_cm: [250, 150, 350]}\n"
    [p] = problems(text)
    assert p.key == "sensors[0]" and p.line == 4
    assert "must increase" in p.message and "order them" in p.fix
    [p] = problems(BASE + "sensors:\n  - {id: f1, kind: flood, name: F}\n")
    assert "has no alarm_levels_cm" in p.message and "[150, 250, 350]" in p.fix


def test_a_missing_environment_variable_is_reported_once_with_its_line() -> None:
    text = BASE.replace("0123456789abcdef", "${COC_SECRET_KEY}")
    [p] = problems(text)
    assert (p.line, p.key) == (2, "web.secret_key") and "COC_SECRET_KEY is not set" in p.message
    assert parse_config(text, environ={"COC_SECRET_KEY": "x" * 20}).web.secret_key == "x" * 20


def test_secret_values_cannot_break_the_yaml() -> None:
    text = BASE + "mqtt: {username: coc, password: ${PW}}\n"
    assert parse_config(text, environ={"PW": "a: b, {c} #d"}).mqtt.password == "a: b, {c} #d"


def test_broken_yaml_and_duplicate_keys_are_located() -> None:
    [p] = problems(BASE + "mqtt:\n  host: [1, 2\n")
    assert "not valid YAML" in p.message and p.line is not None
    [p] = problems(BASE + "mqtt:\n  port: 1883\n  port: 1884\n")
    assert (p.key, p.line) == ("mqtt.port", 5) and "appears twice" in p.message


def test_references_between_sections_are_checked() -> None:
    [p] = problems(BASE.replace("web: {secret_key: 0123456789abcdef}",
                                "web: {secret_key: 0123456789abcdef, public_screens: [lobby]}"))
    assert "'lobby', which is not a wall screen" in p.message


def test_every_schema_field_has_a_description() -> None:
    from pydantic import BaseModel

    from configfile.schema import CocConfig

    missing: list[str] = []

    def walk(model: type[BaseModel], path: str) -> None:
        for name, field in model.model_fields.items():
            if not field.description:
                missing.append(f"{path}{name}")
            for arg in [field.annotation, *getattr(field.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner, f"{path}{name}.")

    walk(CocConfig, "")
    assert missing == []


def test_check_config_command_prints_every_mistake_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "coc.yaml"
    bad.write_text(BASE + "mqtt:\n  prot: 1\n  embedded: sometimes\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "run_coc.py"), "--config", str(bad), "check-config"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"{bad}:4: mqtt.prot: unknown key 'prot'" in result.stderr
    assert f"{bad}:5: mqtt.embedded" in result.stderr and "2 problem(s)" in result.stderr
    ok = subprocess.run([sys.executable, str(ROOT / "run_coc.py"), "--config", str(ROOT / "config/demo.yaml"),
                         "check-config"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "OK" in ok.stdout


EXAMPLE_ENV = {**DESIGN_ENV, "COC_MQTT_USER": "coc", "COC_MQTT_PASSWORD": "pw", "COC_TELEGRAM_TOKEN": "x"}


def test_the_example_file_is_valid_and_documents_every_key() -> None:
    """A setting that is not in config/example.yaml is a setting nobody can find."""
    import yaml
    from pydantic import BaseModel

    from configfile.schema import CocConfig

    load_config(ROOT / "config/example.yaml", environ=EXAMPLE_ENV)
    text = (ROOT / "config/example.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text.replace("${", "X{"))
    undocumented: list[str] = []

    def present(node: object, key: str) -> list[object]:
        items = node if isinstance(node, list) else [node]
        return [item[key] for item in items if isinstance(item, dict) and key in item]

    def walk(model: type[BaseModel], nodes: list[object], path: str) -> None:
        for name, field in model.model_fields.items():
            found = [v for node in nodes for v in present(node, name)]
            if not found:
                undocumented.append(path + name)
                continue
            for arg in [field.annotation, *getattr(field.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner, [v for v in found if isinstance(v, dict | list)], f"{path}{name}.")

    walk(CocConfig, [data], "")
    assert undocumented == []
