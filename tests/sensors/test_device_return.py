"""A device whose retained status says `offline` comes back online with its next fresh reading: the pure rule,
the live state, and the whole path through a real Mosquitto to /api/sensors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from ingest.live_state import LiveState
from sensors.health import connectivity, offline_status_holds
from sensors.models import Connectivity, DeviceKind, Reading
from sensors.settings import SensorConfig
from tests.sensors.test_air_flood_api import Running, publish_all, running, wait_for  # noqa: F401 - fixture

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "status_at", "reading_ts", "holds"),
    [
        ("offline", T0, None, True),  # no reading since
        ("offline", T0, T0 - timedelta(minutes=5), True),  # a late, buffered reading taken before the status
        ("offline", T0, T0, True),  # the same instant is not newer
        ("offline", T0, T0 + timedelta(seconds=1), False),  # a reading taken after it: back online
        ("offline", None, T0, True),  # no arrival time known: the status stands
        ("online", T0, None, False),
        (None, None, None, False),
    ],
)
def test_offline_status_holds(status: str | None, status_at: datetime | None, reading_ts: datetime | None,
                              holds: bool) -> None:
    assert offline_status_holds(status, status_at, reading_ts) is holds


def test_connectivity_with_a_reading_newer_than_the_offline_status() -> None:
    now = T0 + timedelta(seconds=30)
    assert connectivity(60, now, "offline", now, T0, T0 + timedelta(seconds=20)) is Connectivity.ONLINE
    assert connectivity(60, now, "offline", now, T0, T0 - timedelta(seconds=20)) is Connectivity.OFFLINE


def test_live_state_returns_online_only_for_a_reading_newer_than_the_status() -> None:
    clock = [T0]
    sensor = SensorConfig(id="flood-01", kind=DeviceKind.FLOOD, name="Cầu", interval_s=60,
                          alarm_levels_cm=(150, 250, 350))
    live = LiveState([sensor], clock=lambda: clock[0])
    live.apply([Reading("flood-01", DeviceKind.FLOOD, T0 - timedelta(seconds=10), {"water_level_cm": 10.0})])
    live.set_status("flood-01", "offline")
    clock[0] = T0 + timedelta(seconds=5)
    live.apply([Reading("flood-01", DeviceKind.FLOOD, T0 - timedelta(seconds=2), {"water_level_cm": 11.0})])
    assert not live.get("flood-01").online(clock[0])  # taken before the status arrived: still offline
    live.apply([Reading("flood-01", DeviceKind.FLOOD, T0 + timedelta(seconds=4), {"water_level_cm": 12.0})])
    state = live.get("flood-01")
    assert state.status == "online" and state.online(clock[0])


def test_retained_offline_then_a_reading_over_mosquitto_shows_online(running: Running) -> None:  # noqa: F811
    status_topic = "coc/quang-tho/flood/flood-01/status"
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", running.port)
    client.loop_start()
    client.publish(status_topic, b"offline", qos=1, retain=True).wait_for_publish(10)  # as `simulate` leaves it
    client.disconnect()
    client.loop_stop()
    assert wait_for(lambda: running.ctx.live.get("flood-01").status == "offline")
    assert running.sensors()["flood-01"]["online"] is False
    reading = orjson.dumps({"ts": datetime.now(UTC).isoformat(), "water_level_cm": 42.0})
    publish_all(running.port, [("coc/quang-tho/flood/flood-01/state", reading)])
    assert wait_for(lambda: running.sensors()["flood-01"]["online"] is True)
    row = running.sensors()["flood-01"]
    assert row["values"]["water_level_cm"] == 42.0 and row["status"] == "online"
