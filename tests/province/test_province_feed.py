"""The province feed's own health against a real cluster: a feed whose event loop stops running (as nats-py before
2.12 starved it, spinning on a connection closed while it reconnected) reports itself dead, so the supervisor
restarts it, and running again once its loop runs."""

from __future__ import annotations

import time
from pathlib import Path

from ingest.province_feed import FeedSettings, ProvinceFeed
from supervision.part import PartHealth, PartState
from tests.province.cluster import INGEST_PASSWORD, INGEST_USER, NatsCluster


def wait_health(feed: ProvinceFeed, state: PartState, timeout_s: float = 20) -> PartHealth:
    deadline = time.monotonic() + timeout_s
    health = feed.health()
    while health.state is not state and time.monotonic() < deadline:
        time.sleep(0.1)
        health = feed.health()
    return health


def test_a_feed_whose_loop_does_not_run_reports_itself_dead(tmp_path: Path) -> None:
    cluster = NatsCluster(tmp_path / "nats", []).start()
    feed = ProvinceFeed(FeedSettings(tuple(cluster.urls), INGEST_USER, INGEST_PASSWORD, starved_after_s=2), {})
    try:
        feed.start()
        assert feed.wait_ready(30), feed.counters.errors
        assert wait_health(feed, PartState.RUNNING).state is PartState.RUNNING
        assert feed._loop is not None
        feed._loop.call_soon_threadsafe(time.sleep, 5)  # the loop's own thread blocked, as a spinning client does
        dead = wait_health(feed, PartState.DEAD)
        assert dead.state is PartState.DEAD and "has not run" in (dead.detail or ""), dead
        assert wait_health(feed, PartState.RUNNING).state is PartState.RUNNING  # its loop runs again
    finally:
        feed.stop()
        cluster.stop()
