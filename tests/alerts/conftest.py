"""Fixtures for the alerts tests: a clock held still by the test, sensor configs, a fresh alert store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts.store import AlertStore
from sensors.settings import SensorConfig

T0 = datetime(2025, 10, 28, 1, 0, tzinfo=UTC)


@dataclass
class FrozenClock:
    """A clock that moves only when the test says so."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 0, seconds: float = 0) -> datetime:
        self.now += timedelta(minutes=minutes, seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def flood_point() -> SensorConfig:
    return SensorConfig(id="flood-01", kind="flood", name="Cầu Phò Nam", interval_s=300,
                        alarm_levels_cm=(150, 250, 350))


@pytest.fixture
def air_point() -> SensorConfig:
    return SensorConfig(id="pam-qt-01", kind="air", name="Trung tâm xã", interval_s=60)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AlertStore]:
    s = AlertStore(tmp_path / "state.sqlite")
    yield s
    s.close()
