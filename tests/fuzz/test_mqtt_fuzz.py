"""Fuzzing the ingester: 10,000 generated payloads through IngestService.handle and 1,000 through a real
Mosquitto, each followed by a known-good reading. Nothing may raise, every refusal is a dead letter with its
reason, and every good reading is stored."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from configfile.loader import parse_config
from ingest.sqlite_store import SqliteStore
from tests.fuzz.strategies import HUGE_NUMBERS, mutations, payloads, topics
from tests.ingest.conftest import CONFIG, Pipeline, Publisher, start_pipeline
from tests.polling import wait_until

PREFIX = "coc/quang-tho"
GOOD_DEVICE = "flood-good"
DEVICES = ["pam-qt-01", "flood-01", "cam-01", "nobody"]
DIRECT_BATCHES, BROKER_BATCHES, BATCH, SEEDS = 100, 10, 100, 10  # 10,000 payloads direct, 1,000 via the broker
FUZZ = settings(max_examples=DIRECT_BATCHES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck))


FAMILIES = {  # refusal families, by the words of their reasons (first match wins)
    "topic or device": ("topic is not", "unknown channel", "unknown device", "unknown camera", "configured as"),
    "nesting": ("nested",),
    "JSON": ("not valid JSON", "expected a JSON object", "must be a JSON object", "empty array"),
    "timestamp": ("ts ", "time ("),
    "number overflow": ("finite",),
    "range": ("outside", "impossible", "from 0 to 1"),
    "field": ("unknown field", "must be a number", "missing", "no measurement", "given twice", "must be text"),
    "status": ("status must be",),
    "size": ("over the 64 KiB",),
    "event": ("type must be", "relative path", "characters of A-Z", "without control characters"),
}


REACHED = ("topic or device", "nesting", "JSON", "timestamp", "number overflow", "field", "status")


def family(reason: str) -> str:
    return next((name for name, words in FAMILIES.items() if any(w in reason for w in words)), "other")


def fuzz_config(tmp_path: Path, port: int) -> Any:
    good = f'  - {{id: {GOOD_DEVICE}, kind: flood, name: "Tốt", interval_s: 60, alarm_levels_cm: [150, 250, 350]}}\n'
    text = CONFIG.replace("cameras:\n", good + "cameras:\n")
    text = text.replace('url: "synthetic:"}', 'url: "synthetic:", enabled: false}')
    assert GOOD_DEVICE in text and "enabled: false" in text  # cam-01 stays known to ingest, without video work
    env = {"PORT": str(port), "DIR": str(tmp_path), "BACKEND": "sqlite", "INFLUX_URL": "http://127.0.0.1:1",
           "INFLUX_DB": "coc", "CLIENT": "coc-fuzz"}
    return parse_config(text, "fuzz.yaml", environ=env)


class Run:
    """What was sent and what came back, for the final accounting."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.start = datetime.now(UTC) - timedelta(days=1)
        self.sent = Counter[str]()
        self.good = 0

    def good_reading(self) -> tuple[str, bytes]:
        """A reading that must be stored: its own time (one second apart) on the good device."""
        ts = (self.start + timedelta(seconds=self.good)).isoformat()
        self.good += 1
        return f"{PREFIX}/flood/{GOOD_DEVICE}/state", f'{{"ts": "{ts}", "water_level_cm": 123.5}}'.encode()


def test_ten_thousand_hostile_payloads_never_crash_ingest_and_lose_no_good_reading(
    mosquitto: Any, tmp_path: Path
) -> None:
    config = fuzz_config(tmp_path, mosquitto.port)
    pipeline = start_pipeline(config, SqliteStore(config.storage.sqlite.path))
    run = Run(pipeline)
    publisher = Publisher(mosquitto.port)
    try:
        direct(run)
        for info in through_broker(run, publisher):
            info.wait_for_publish(60)
        expected = sum(run.sent.values()) + run.good
        wait_until(lambda: pipeline.ingest.stats().messages == expected, "ingest to read every message", 60)
        wait_until(lambda: pipeline.store.count("flood", GOOD_DEVICE) == run.good, "every good reading stored", 60)
    finally:
        publisher.close()
        pipeline.stop()
    stats = pipeline.ingest.stats()
    dead = pipeline.ingest.state_db.dead_letter_count()
    letters = pipeline.ingest.state_db.dead_letters(100_000)
    by_family = Counter(family(letter.reason) for letter in letters)
    print(f"\nfuzz mqtt: {run.sent['direct']} payloads direct + {run.sent['broker']} through Mosquitto, "
          f"{run.good} good readings interleaved, {pipeline.store.count('flood', GOOD_DEVICE)} stored; "
          f"readings accepted {stats.readings}; refusals {stats.rejected}, dead letters {dead} "
          f"({len(stats.reject_reasons)} reason keys); by family: {dict(by_family.most_common())}; other: "
          f"{[letter.reason for letter in letters if family(letter.reason) == 'other'][:3]}")
    assert run.sent["direct"] >= 10_000 and run.sent["broker"] >= 1_000
    assert pipeline.store.count("flood", GOOD_DEVICE) == run.good
    assert stats.rejected == dead == sum(stats.reject_reasons.values()) > 0
    assert all(reason for reason in stats.reject_reasons)
    assert not any("internal error" in reason for reason in stats.reject_reasons)
    assert len(letters) == dead and all(letter.reason for letter in letters)
    assert all(by_family[name] > 0 for name in REACHED), by_family  # the fuzzer reached the decoder's checks


def direct(run: Run) -> None:
    """Most payloads go straight into IngestService.handle, the function paho's callback calls: per example,
    hypothesis draws 10 topics and payloads and a seed, and each payload is sent with 9 fast mutations of it."""

    @FUZZ
    @given(st.lists(st.tuples(topics(PREFIX, DEVICES), payloads), min_size=SEEDS, max_size=SEEDS),
           st.randoms(use_true_random=False))
    def batch(messages: list[tuple[str, bytes]], rng: random.Random) -> None:
        fast = random.Random(rng.getrandbits(64))
        for topic, payload in messages:
            for variant in [payload, *mutations(payload, fast, BATCH // SEEDS - 1)]:
                run.pipeline.ingest.handle(topic, variant)
                run.sent["direct"] += 1
                run.pipeline.ingest.handle(*run.good_reading())

    for topic, payload in seed_corpus():
        run.pipeline.ingest.handle(topic, payload)
        run.sent["direct"] += 1
    batch()


def seed_corpus() -> list[tuple[str, bytes]]:
    """A fuzzer's seed corpus: every edge number in each configured device's own field, so that the decoder's
    number checks are reached in every run, whatever hypothesis draws after them (its draws vary with the state
    left by earlier tests)."""
    fields = {"air/pam-qt-01": "pm25", "flood/flood-01": "water_level_cm"}
    return [(f"{PREFIX}/{device}/state", f'{{"{field}": {number}}}'.encode())
            for device, field in fields.items() for number in HUGE_NUMBERS]


def through_broker(run: Run, publisher: Publisher) -> list[Any]:
    """A slice through the real broker (MQTT topic rules, QoS 1, paho's callback thread); QoS 1 publishes are
    pipelined and the caller waits for their acknowledgements."""
    pending: list[Any] = []

    def send(topic: str, payload: bytes) -> None:
        pending.append(publisher.client.publish(topic, payload, qos=1))

    @settings(FUZZ, max_examples=BROKER_BATCHES)
    @given(st.lists(st.tuples(topics(PREFIX, DEVICES, broker_safe=True), payloads), min_size=SEEDS,
                    max_size=SEEDS), st.randoms(use_true_random=False))
    def batch(messages: list[tuple[str, bytes]], rng: random.Random) -> None:
        fast = random.Random(rng.getrandbits(64))
        for topic, payload in messages:
            for variant in [payload, *mutations(payload, fast, BATCH // SEEDS - 1)]:
                send(topic, variant)
                run.sent["broker"] += 1
                send(*run.good_reading())

    batch()
    return pending
