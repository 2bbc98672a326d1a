"""What a public wall screen (`web.public_screens`, seen without login) may carry: air, flood and the announced
risk level. Never camera, police, device or KPI content, nor who acknowledged what: applied on the server to the
data the page's callbacks return (dashboard.wall_snapshot leaves it out), not by hiding it in the browser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

PUBLIC_ALERT_SOURCES = frozenset({"air", "flood"})
PRIVATE_ALERT_FIELDS = ("_by", "_note", "_reason")  # who acknowledged, resolved or shelved, and their notes


JsonRow = Mapping[str, object]


def is_public_alert(alert: object) -> bool:
    return isinstance(alert, Mapping) and str(alert.get("source", "")).lower() in PUBLIC_ALERT_SOURCES


def public_alerts(alerts: Sequence[JsonRow]) -> list[JsonRow]:
    """The air and flood alerts, without the people and notes of the operations room."""
    return [{k: v for k, v in a.items() if not k.endswith(PRIVATE_ALERT_FIELDS)} for a in alerts if is_public_alert(a)]


def public_takeover(takeover: JsonRow | None) -> JsonRow | None:
    """A takeover (one alert, or {"alerts": cards, ...}) only when every alert in it is public."""
    if not isinstance(takeover, Mapping):
        return None
    listed = takeover.get("alerts")
    cards: list[JsonRow] = [c for c in listed if isinstance(c, Mapping)] if isinstance(listed, list) else [takeover]
    if not cards or not all(is_public_alert(c) for c in cards):
        return None
    if isinstance(listed, list):
        return {**takeover, "alerts": public_alerts(cards)}
    return public_alerts([takeover])[0]
