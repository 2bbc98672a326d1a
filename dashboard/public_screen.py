"""What a public wall screen (`web.public_screens`, seen without login) may carry: air, flood and the announced
risk level. Never camera, police, device or KPI content, nor who acknowledged what: applied on the server to the
data the page's callbacks return (dashboard.wall_snapshot leaves it out), not by hiding it in the browser. The
alarm views carry no people or notes onto the wall (its list shows title, age and state; a takeover card has none)."""

from __future__ import annotations

from collections.abc import Sequence

from alerts.models import Source
from dashboard.read.alerts import AlertView
from dashboard.read.takeover import TakeoverView

PUBLIC_ALERT_SOURCES = frozenset({Source.AIR, Source.FLOOD})


def public_alerts(alerts: Sequence[AlertView]) -> list[AlertView]:
    """The air and flood alarms."""
    return [a for a in alerts if a.alert.source in PUBLIC_ALERT_SOURCES]


def public_takeover(takeover: TakeoverView | None) -> TakeoverView | None:
    """A takeover only when every alarm on its cards is an air or flood one."""
    if takeover is None or not takeover.cards:
        return None
    public = {s.value for s in PUBLIC_ALERT_SOURCES}
    return takeover if all(c.source in public for c in takeover.cards) else None
