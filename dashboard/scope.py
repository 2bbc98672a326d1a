"""Which communes a caller may see at a province center: `communes` of their user or token (empty: all)."""

from __future__ import annotations

from typing import Any


def communes_of(config: Any, principal: Any) -> frozenset[str] | None:
    """The communes this caller may see; None: every commune (province staff, and users added on /admin, who
    have no commune list)."""
    if principal is None:
        return frozenset()
    entries = config.auth.api_tokens if principal.via == "token" else config.auth.users
    key = "name" if principal.via == "token" else "username"
    entry = next((e for e in entries if getattr(e, key) == principal.name), None)
    if entry is None or not entry.communes:
        return None
    return frozenset(entry.communes)


def may_see(config: Any, principal: Any, commune: str) -> bool:
    allowed = communes_of(config, principal)
    return allowed is None or commune in allowed


def commune_of_screen(screen_id: str | None) -> str | None:
    """`quang-tho/overview` (a commune's wall screen at a province) -> `quang-tho`; a plain screen id -> None."""
    if not screen_id or "/" not in screen_id:
        return None
    return screen_id.split("/", 1)[0]


def commune_of_page(path: str) -> str | None:
    """`/xa/quang-tho/wall/overview` -> `quang-tho`; other paths -> None."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) >= 2 and parts[0] == "xa" else None
