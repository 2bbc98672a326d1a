"""An alarm that returned to normal before anyone acknowledged it stays marked as such on the wall's alert list and
on the police desk, where it can still be acknowledged (ISA-18.2: cleared unacknowledged)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.models import Alert, Severity, Source, Status
from dashboard import ids
from dashboard.pages import camera_alerts, wall_panels
from dashboard.pages.camera_alerts import CameraAlert
from dashboard.read.alerts import AlertView
from dashboard.wall_snapshot import WallSnapshot


def rendered(component: Any) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_the_wall_marks_a_returned_alarm_until_it_is_acknowledged() -> None:
    now = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    returned = Alert("a1", "flood_level", Source.FLOOD, "flood-01", Severity.CRITICAL, Status.CLEARED,
                     "Báo động III tại Cầu Phò Nam", "", "", now - timedelta(seconds=120), now)
    dusty = Alert("a2", "air_pm25", Source.AIR, "pam-qt-01", Severity.WARNING, Status.OPEN, "Bụi PM2.5 cao", "", "",
                  now - timedelta(seconds=60), now)
    snap = WallSnapshot("overview", now=now,
                        alerts=(AlertView(returned, "07/12 21:03"), AlertView(dusty, "07/12 21:04")))
    text = rendered(wall_panels.alerts(snap, "vi"))
    assert "Đã trở lại bình thường, chờ tiếp nhận" in text and "is-returned" in text
    assert "Chưa tiếp nhận" in text or "is-open" in text  # the other one is still plainly open


def test_the_police_desk_can_acknowledge_a_returned_camera_alarm() -> None:
    at = datetime(2026, 12, 7, 14, 3, tzinfo=UTC)
    alert = Alert("t1", "camera_tamper", Source.CAMERA, "cam-01", Severity.MAJOR, Status.CLEARED, "Che camera", "",
                  "", at, at)
    rows = camera_alerts.camera_alert_rows([CameraAlert(AlertView(alert, "07/12 21:03"), None, "")], "vi")
    text = rendered(rows[0])
    assert "Đã trở lại bình thường, chờ tiếp nhận" in text
    ack = next(c for c in rows[0].children if getattr(c, "id", None) == {"type": ids.CAM_ACK, "alert": "t1"})
    assert ack.disabled is False
    closed = replace(alert, status=Status.CLOSED)
    closed_rows = camera_alerts.camera_alert_rows([CameraAlert(AlertView(closed, "07/12 21:03"), None, "")], "vi")
    assert ids.CAM_ACK not in rendered(closed_rows[0])  # nothing left to do on a closed alarm
