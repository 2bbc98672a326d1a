"""Which wall screen a screen id names, and whose data it shows."""

from __future__ import annotations

from dashboard import scope
from dashboard.context import ProvinceReads
from dashboard.read_model import ReadModel, read_model_of
from dashboard.settings import WallConfig


def resolve(rm: ReadModel, screen_id: str | None) -> tuple[ReadModel, WallConfig | None]:
    """(read model, wall screen) for a screen id: `overview` on a commune's COC; `<commune>/overview` at a province
    center (that commune's own wall, from the province's copy of its data). The screen is None when unknown."""
    commune = scope.commune_of_screen(screen_id)
    if commune is not None:
        view = rm.province
        commune_ctx = view.contexts.get(commune) if view is not None else None
        if commune_ctx is None:
            return rm, None
        rm, screen_id = read_model_of(commune_ctx), str(screen_id).split("/", 1)[1]
    return rm, next((w for w in rm.config.walls if w.id == screen_id), None)


def province_walls(view: ProvinceReads) -> dict[str, list[str]]:
    """commune id -> its wall screen ids, at a province center."""
    return {c: [w.id for w in ctx.config.walls] for c, ctx in view.contexts.items()}
