"""The phone page's camera snapshot: shown to a person whose role may see cameras (the camera whose flood_point is
the alarm's point, its latest frame from the camera runtime folder), never to another role, and only through a
valid link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from alerts.sections import AlertSections
from alerts.service import AlertService
from camera.hub import CameraHub
from dashboard.app import create_server
from dashboard.context import AppContext
from sensors.models import Reading
from tests.alerts.test_duty_chain import duty_config


def test_the_snapshot_is_shown_to_a_role_that_may_see_cameras_only(tmp_path: Path) -> None:
    config = duty_config(tmp_path, "/none", "http://127.0.0.1:9/x", sms=False)
    ok, jpeg = cv2.imencode(".jpg", np.full((36, 64, 3), (160, 90, 30), np.uint8))
    assert ok
    frame = jpeg.tobytes()
    (tmp_path / "camera-run" / "cam-01").mkdir(parents=True)
    (tmp_path / "camera-run" / "cam-01" / "latest.jpg").write_bytes(frame)
    service = AlertService(AlertSections.of(config), "coc/quang-tho", None, config.storage.state_path, None)
    try:
        hub = CameraHub(config.cameras, config.camera, config.commune.timezone)
        client = create_server(AppContext(config=config, alerts=service, cameras=hub)).test_client()
        service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
        alert_id = service.active()[0].id
        police = service.duty.links.make(alert_id, "congan", datetime.now(UTC), 60)
        leader = service.duty.links.make(alert_id, "chutich", datetime.now(UTC), 60)
        expired = service.duty.links.make(alert_id, "congan", datetime.now(UTC) - timedelta(hours=2), 60)

        page = client.get(f"/p/{police}").get_data(as_text=True)
        assert f'src="/p/{police}/snapshot.jpg"' in page
        shot = client.get(f"/p/{police}/snapshot.jpg")
        assert shot.status_code == 200 and shot.data == frame and shot.mimetype == "image/jpeg"

        assert "phone-snapshot" not in client.get(f"/p/{leader}").get_data(as_text=True)
        assert client.get(f"/p/{leader}/snapshot.jpg").status_code == 404
        assert client.get(f"/p/{expired}/snapshot.jpg").status_code == 404
        assert client.get("/api/cameras/cam-01/snapshot.jpg").status_code == 401  # the link opens nothing else
    finally:
        service.stop()
