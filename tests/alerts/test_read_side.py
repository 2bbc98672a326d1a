"""One read side for the screens: the commune's alert service and the province's mirrors answer the same
`AlertsReadSide` (typed: mypy checks the assignments below), with the same alarms, history and people's actions."""

from __future__ import annotations

import json
from pathlib import Path

from alerts.messages import notice
from alerts.models import Action, Alert, AlertTransition, PersonAction, Status
from alerts.read_side import AlertsReadSide
from alerts.sections import AlertSections
from alerts.service import AlertService
from configfile.loader import parse_config
from province.alerts import MirroredAlerts, ProvinceAlerts
from sensors.models import Reading
from tests.alerts.conftest import FrozenClock

CONFIG = Path(__file__).resolve().parent.parent / "fixtures" / "alerts" / "config.yaml"
MEMBERS = ("list", "get", "active", "person_actions", "metrics", "channel_stats", "duty", "acknowledge", "resolve",
           "shelve")


class Relay:
    """The commune's MQTT channel as the mirror hears it: every transition becomes the alert message."""

    name = "relay"

    def __init__(self, mirror: MirroredAlerts) -> None:
        self.mirror = mirror

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def send(self, alert: Alert, transition: AlertTransition) -> None:
        self.mirror.on_message(alert.id, json.dumps(notice(alert, transition)).encode())

    def stats(self) -> dict[str, int]:
        return {"sent": 0, "failed": 0, "dropped": 0}


def commune_and_province(tmp_path: Path, clock: FrozenClock) -> tuple[AlertService, MirroredAlerts, ProvinceAlerts]:
    text = CONFIG.read_text(encoding="utf-8").replace("${PORT}", "1883")
    config = parse_config(text, "alerts.yaml", environ={"DIR": str(tmp_path)})
    sent: list[tuple[str, bytes]] = []
    mirror = MirroredAlerts("quang-tho", "Thành phố Huế", tmp_path / "mirror.sqlite",
                            lambda topic, body: sent.append((topic, body)), clock)
    service = AlertService(AlertSections.of(config), "coc/quang-tho", None, tmp_path / "state.sqlite", clock=clock,
                           channels=[Relay(mirror)])
    service.start(tick=False)
    return service, mirror, ProvinceAlerts({"quang-tho": mirror})


def test_the_commune_and_the_province_answer_the_same_read_side(tmp_path: Path, clock: FrozenClock) -> None:
    service, mirror, province = commune_and_province(tmp_path, clock)
    try:
        sides: dict[str, AlertsReadSide] = {"commune": service, "mirror": mirror, "province": province}
        assert all(callable(getattr(s, m)) for s in sides.values() for m in MEMBERS if m != "duty")
        service.on_readings([Reading("flood-01", "flood", clock(), {"water_level_cm": 260.0})])
        opened = service.active()
        assert [a.status for a in opened] == [Status.OPEN]
        clock.advance(minutes=2)
        service.acknowledge(opened[0].id, "vanhanh", "operator", "Đã cử người")
        for name, side in sides.items():
            [alert] = side.active()
            assert (name, alert.id, alert.status, alert.acknowledged_by) == (name, opened[0].id, Status.ACKNOWLEDGED,
                                                                              "vanhanh")
            detail = side.get(alert.id)
            assert detail is not None and [t.action for t in detail.history] == [Action.OPENED, Action.ACKNOWLEDGED]
            assert side.person_actions() == [PersonAction(detail.history[-1], alert.title_vi, alert.title_en)]
            by_severity = side.metrics()["coc_alerts_open"]
            assert isinstance(by_severity, dict) and {k: n for k, n in by_severity.items() if n} == {
                alert.severity.value: 1}
            assert side.list("acknowledged", former_unit="no-such-unit") == []
        assert service.duty is not None and mirror.duty is None and province.duty is None
        assert mirror.channel_stats() == {} == province.channel_stats()
        assert set(service.channel_stats()) == {"relay"}
    finally:
        service.stop()
        mirror.close()
