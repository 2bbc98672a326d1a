"""Camera credentials never shown: /api/cameras and the log mask passwords holding "/", "@", ":", "%", "?", "#"."""

from __future__ import annotations

import logging
import sys

import pytest

from camera.hub import CameraHub
from camera.urls import mask_url
from dashboard.app import create_app
from dashboard.context import AppContext
from ingest.redact import RedactingFormatter, redact
from tests.security.conftest import TOKEN, make_config

PASSWORDS = ["s3cret", "pa/ss", "p@ss", "pa:ss", "50%off", "a/b@c:d%2F", "q?x#y", "//@@::"]
HOSTS = ["192.168.1.64:554", "cam-01.local", "[fe80::1]:8554", "10.0.0.2"]


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("host", HOSTS)
def test_mask_url_hides_user_and_password(password: str, host: str) -> None:
    url = f"rtsp://admin:{password}@{host}/Streaming/Channels/102"
    masked = mask_url(url)
    assert masked == f"rtsp://***:***@{host}/Streaming/Channels/102"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("rtsp://admin:pa/ss@cam.local", "rtsp://***:***@cam.local"),
        ("rtsp://admin:pa/ss@cam.local:554", "rtsp://***:***@cam.local:554"),
        ("rtsps://u:p@ss/w@10.0.0.9:322/live?a=1", "rtsps://***:***@10.0.0.9:322/live?a=1"),
        ("http://cam.local/video.mjpg?user=admin&password=pa/ss", "http://cam.local/video.mjpg?user=***&password=***"),
        ("rtsp://10.0.0.3/live", "rtsp://10.0.0.3/live"),
        ("synthetic:?seed=3", "synthetic:?seed=3"),
    ],
)
def test_mask_url_table(url: str, masked: str) -> None:
    assert mask_url(url) == masked


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("quote", ["", "'", '"', "("])
def test_log_lines_never_carry_the_password(password: str, quote: str) -> None:
    close = {"(": ")"}.get(quote, quote)
    line = f"camera cam-01: cannot open {quote}rtsp://admin:{password}@192.168.1.64:554/live{close}, retrying"
    out = redact(line)
    assert password not in out.replace("***", "")
    assert "admin" not in out
    assert f"{quote}rtsp://***:***@192.168.1.64:554/live{close}, retrying" in out


def test_the_log_formatter_masks_urls_in_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter("%(message)s")
    try:
        raise OSError("rtsp://admin:pa/ss@10.0.0.2/live refused")
    except OSError:
        record = logging.LogRecord("coc", logging.WARNING, __file__, 1, "opening %s", ("rtsp://u:x/y@h/a",),
                                   sys.exc_info())
    text = formatter.format(record)
    assert "pa/ss" not in text and "x/y" not in text and "admin" not in text
    assert "rtsp://***:***@h/a" in text and "rtsp://***:***@10.0.0.2/live refused" in text


@pytest.mark.parametrize("password", ["pa/ss", "p@ss", "pa:ss", "50%off", "a/b@c:d%2F"])
def test_api_cameras_shows_the_masked_url(tmp_path, password_hash: str, password: str) -> None:
    url = f"rtsp://admin:{password}@192.168.1.64:554/Streaming/Channels/102"
    config = make_config(tmp_path, password_hash, cam_url=url)
    ctx = AppContext(config=config, cameras=CameraHub(config.cameras, config.camera))
    client = create_app(ctx).server.test_client()
    response = client.get("/api/cameras", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert password not in text and "admin:" not in text
    assert response.get_json()["cameras"][0]["url"] == "rtsp://***:***@192.168.1.64:554/Streaming/Channels/102"
