"""Fuzz fixtures: the dashboard's real app and services (tests/dashboard) with a real ingester behind
/api/ingest, and the ingest pipeline on a real Mosquitto (tests/ingest)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.context import AppContext
from ingest.service import IngestService
from ingest.spool import Spool
from ingest.writer import BatchWriter
from tests.dashboard.conftest import API_TOKEN, config, ctx, environ, login  # noqa: F401 - fixtures reused

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
def fuzz_ctx(ctx: AppContext, tmp_path: Path) -> Iterator[AppContext]:  # noqa: F811 - the reused fixture
    """The dashboard's services plus a real writer and ingester (no broker needed for HTTP ingest)."""
    writer = BatchWriter(ctx.store, Spool(tmp_path / "spool"), 500, 0.05)
    writer.start()
    site = ctx.config
    ingest = IngestService(site.mqtt, site.sensors, [c.id for c in site.cameras], writer, ctx.live, ctx.state_db)
    yield replace(ctx, ingest=ingest, writer=writer)  # the context is frozen: a new one with these two parts
    writer.stop()


@pytest.fixture
def fuzz_app(fuzz_ctx: AppContext):
    return create_app(fuzz_ctx)


@pytest.fixture
def api(fuzz_app):
    """A test client of the real Flask server, authenticated with the admin API token."""
    client = fuzz_app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = AUTH["Authorization"]
    return client


@pytest.fixture
def admin_browser(fuzz_app):
    """A test client logged in as the admin with its CSRF token, as a browser posting Dash callbacks is."""
    client = fuzz_app.server.test_client()
    login(client, "admin")
    client.get("/admin")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    return client
