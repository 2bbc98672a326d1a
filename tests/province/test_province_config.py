"""config/province-example.yaml: a province center's file, its communes' own files as the province reads them, and
the mistakes it reports (unknown commune in a user's scope, a commune file of another commune)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from configfile.loader import ConfigError, load_config, parse_config
from configfile.schema import CocConfig, ProvinceCenterConfig
from dashboard.auth import Principal
from dashboard.scope import commune_of_page, commune_of_screen, communes_of, may_see
from dashboard.settings import Role
from province.communes import NOT_READ, commune_configs

ROOT = Path(__file__).resolve().parents[2]
ENV = {"COC_NATS_PASSWORD": "nats-password-0123456789", "COC_SECRET_KEY": "province-secret-0123456789abcdef",
       "COC_TOKEN_QT": "portal-token-0123456789"}


@pytest.fixture
def province_dir(tmp_path: Path) -> Path:
    (tmp_path / "communes").mkdir()
    shutil.copy(ROOT / "config" / "province-example.yaml", tmp_path / "province.yaml")
    shutil.copy(ROOT / "config" / "example.yaml", tmp_path / "communes" / "quang-tho.yaml")  # its own file
    return tmp_path


def test_the_province_example_is_a_province_center_whose_communes_come_from_their_files(province_dir: Path) -> None:
    config = load_config(province_dir / "province.yaml", ENV)
    assert isinstance(config, ProvinceCenterConfig)
    assert (config.commune.id, config.commune.name) == ("hue", "Thành phố Huế")  # taken from province:
    communes = commune_configs(config, province_dir, environ=ENV)  # the commune's secrets are not in ENV
    own = load_config(ROOT / "config" / "example.yaml", {**ENV, "COC_INFLUX_USER": "u", "COC_INFLUX_PASSWORD": "p",
                                                          "COC_API_TOKEN": "t" * 20, "COC_MQTT_USER": "m",
                                                          "COC_MQTT_PASSWORD": "m", "COC_TELEGRAM_TOKEN": "x",
                                                          "COC_CAM_USER": "c", "COC_CAM_PASSWORD": "c"})
    qt, qd = communes["quang-tho"], communes["quang-dien"]
    assert [s.id for s in qt.sensors] == [s.id for s in own.sensors] and qt.sensors
    assert qt.commune.former_units == own.commune.former_units
    assert qt.mqtt.topic_prefix == "coc/quang-tho" and qd.mqtt.topic_prefix == "coc/quang-dien"
    assert qt.storage.backend == "influxdb" and qt.storage.influxdb.database == "province"
    assert qt.storage.spool_dir == Path("/var/lib/coc/spool/quang-tho")
    assert qt.storage.state_path == Path("/var/lib/coc/province-quang-tho.sqlite")
    assert qt.web.secret_key == ENV["COC_SECRET_KEY"] and NOT_READ not in qt.web.secret_key
    assert qd.sensors == [] and qd.commune.name == "Xã Quảng Điền" and qd.commune.location.lat == 16.60


def test_a_plain_commune_file_is_not_a_province_center() -> None:
    text = "commune: {id: xa-a, name: 'Xã A'}\nweb: {secret_key: 'k-0123456789abcdef-0123456789'}\n"
    config = parse_config(text, "xa-a.yaml", {})
    assert type(config) is CocConfig and getattr(config, "province", None) is None


def test_a_scope_naming_a_commune_the_center_does_not_serve_is_refused(province_dir: Path) -> None:
    path = province_dir / "province.yaml"
    path.write_text(path.read_text().replace("communes: [quang-tho]}\n  api_tokens",
                                             "communes: [quang-tri]}\n  api_tokens"))
    with pytest.raises(ConfigError) as caught:
        load_config(path, ENV)
    text = str(caught.value)
    assert "user 'vh-quangtho' names commune 'quang-tri'" in text and "['quang-tho', 'quang-dien']" in text


def test_a_commune_file_of_another_commune_is_reported(province_dir: Path) -> None:
    own = province_dir / "communes" / "quang-tho.yaml"
    own.write_text(own.read_text().replace("  id: quang-tho ", "  id: quang-phu ", 1))
    config = load_config(province_dir / "province.yaml", ENV)
    with pytest.raises(ConfigError) as caught:
        commune_configs(config, province_dir, environ=ENV)
    assert "describes commune 'quang-phu', not 'quang-tho'" in str(caught.value)
    (province_dir / "communes" / "quang-tho.yaml").unlink()
    with pytest.raises(ConfigError, match="cannot read"):
        commune_configs(config, province_dir, environ=ENV)


def test_scopes_of_users_and_tokens(province_dir: Path) -> None:
    config = load_config(province_dir / "province.yaml", ENV)
    staff, scoped = Principal("ioc-truc", Role.OPERATOR, "session"), Principal("vh-quangtho", Role.OPERATOR, "session")
    token = Principal("quang-tho-portal", Role.LEADER, "token")
    assert communes_of(config, staff) is None and may_see(config, staff, "quang-dien")
    assert communes_of(config, scoped) == {"quang-tho"} and not may_see(config, scoped, "quang-dien")
    assert may_see(config, token, "quang-tho") and not may_see(config, token, "quang-dien")
    assert not may_see(config, None, "quang-tho")
    assert commune_of_screen("quang-tho/overview") == "quang-tho" and commune_of_screen("overview") is None
    assert commune_of_page("/xa/quang-tho/wall/overview") == "quang-tho" and commune_of_page("/wall/x") is None
