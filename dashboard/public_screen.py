"""What a public wall screen (`web.public_screens`, seen without login) may carry: air, flood and the announced
risk level. Never camera, police, device or KPI content, nor who acknowledged what: applied on the server to the
data the page's callbacks return, not by hiding it in the browser."""

from __future__ import annotations

from typing import Any

PUBLIC_ALERT_SOURCES = frozenset({"air", "flood"})
PRIVATE_KEYS = ("camera", "kpi", "event", "snapshot", "police")  # snapshot keys starting with these are dropped
PRIVATE_ALERT_FIELDS = ("_by", "_note", "_reason")  # who acknowledged, resolved or shelved, and their notes


def is_public_alert(alert: Any) -> bool:
    return isinstance(alert, dict) and str(alert.get("source", "")).lower() in PUBLIC_ALERT_SOURCES


def public_alerts(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The air and flood alerts, without the people and notes of the operations room."""
    return [{k: v for k, v in a.items() if not k.endswith(PRIVATE_ALERT_FIELDS)} for a in alerts if is_public_alert(a)]


def public_takeover(takeover: Any) -> Any:
    """A takeover (one alert, or {"alerts": cards, ...}) only when every alert in it is public."""
    if not isinstance(takeover, dict):
        return None
    cards = takeover.get("alerts") if isinstance(takeover.get("alerts"), list) else [takeover]
    if not cards or not all(is_public_alert(c) for c in cards):
        return None
    if cards is takeover.get("alerts"):
        return {**takeover, "alerts": public_alerts(cards)}
    return public_alerts([takeover])[0]


def public_view(snap: dict[str, Any]) -> dict[str, Any]:
    """A wall snapshot as a public screen may show it."""
    out = {k: v for k, v in snap.items() if not k.lower().startswith(PRIVATE_KEYS)}
    out["alerts"] = public_alerts(snap.get("alerts") or [])
    out["takeover"] = public_takeover(snap.get("takeover"))
    return out
