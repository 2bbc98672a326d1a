"""The `alerts:` section: defaults when absent, every field documented, mistakes explained with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from alerts import settings
from configfile.loader import ConfigError, parse_config

MINIMAL = (Path(__file__).resolve().parent.parent / "fixtures" / "config" / "design_minimal.yaml").read_text()
ENV = {"COC_INFLUX_USER": "u", "COC_INFLUX_PASSWORD": "p", "COC_SECRET_KEY": "s" * 32,
       "COC_CAM_USER": "u", "COC_CAM_PASSWORD": "p", "COC_API_TOKEN": "t" * 32}


def test_defaults_when_the_section_is_absent() -> None:
    cfg = parse_config(MINIMAL, "minimal.yaml", ENV).alerts
    assert (cfg.rules.air.warning_aqi, cfg.rules.air.critical_aqi, cfg.rules.air.for_min) == (151, 201, 30)
    assert cfg.escalation.after_min["critical"] == 10
    assert cfg.notifications.mqtt is True and cfg.notifications.webhooks == []


def _models() -> list[type[BaseModel]]:
    return [v for v in vars(settings).values()
            if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == settings.__name__]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description(model: type[BaseModel]) -> None:
    assert model.__doc__
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"


@pytest.mark.parametrize(
    ("yaml", "fragment"),
    [
        ("alerts:\n  rules:\n    air: {warning_aqi: 201, critical_aqi: 151}\n", "critical_aqi"),
        ("alerts:\n  notifications:\n    webhooks: [{name: t, url: 'https://api.telegram.org/x', format: "
            "telegram}]\n",
         "chat_id"),
        ("alerts:\n  rules:\n    flod: {}\n", "flood"),
        ("alerts:\n  escalation:\n    after_min: {urgent: 5}\n", "critical"),
    ],
)
def test_mistakes_are_explained(yaml: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(MINIMAL + yaml, "coc.yaml", ENV)
    assert fragment in str(err.value) and "coc.yaml:" in str(err.value)


def test_telegram_and_zalo_webhooks_validate() -> None:
    cfg = parse_config(MINIMAL + (
        "alerts:\n  notifications:\n    webhooks:\n"
        "      - {name: tg, url: 'https://api.telegram.org/botX/sendMessage', format: telegram, chat_id: "
        "'-100'}\n"
        "      - {name: zalo, url: 'https://openapi.zalo.me/v3.0/oa/message/cs', format: zalo, user_id: "
        "'42',\n"
        "         headers: {access_token: '${ZALO}'}, min_severity: major}\n"
    ), "coc.yaml", {**ENV, "ZALO": "secret"}).alerts
    assert [w.format for w in cfg.notifications.webhooks] == ["telegram", "zalo"]
    assert cfg.notifications.webhooks[1].headers == {"access_token": "secret"}
