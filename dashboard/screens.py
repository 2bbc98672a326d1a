"""Which wall screen a screen id names, and whose data it shows."""

from __future__ import annotations

from typing import Any

from dashboard import scope


def resolve(rm: Any, screen_id: str | None) -> tuple[Any, Any]:
    """(read model, wall screen) for a screen id: `overview` on a commune's COC; `<commune>/overview` at a province
    center (that commune's own wall, from the province's copy of its data). The screen is None when unknown."""
    commune = scope.commune_of_screen(screen_id)
    view = rm.ctx.province
    if commune is not None:
        if view is None or view.commune(commune) is None:
            return rm, None
        rm, screen_id = view.read_model(commune), str(screen_id).split("/", 1)[1]
    return rm, next((w for w in rm.ctx.config.walls if w.id == screen_id), None)


def province_walls(view: Any) -> dict[str, list[str]]:
    """commune id -> its wall screen ids, at a province center."""
    return {c: [w.id for w in ctx.config.walls] for c, ctx in view.contexts.items()}
