"""Which communes a request may read and write at a province center: the caller's `communes` (of their user or
token; empty: all), narrowed to the commune the request names. Decided once per request by the guard (`Scope`), then
carried by the request's context into every read and write (dashboard.scoped)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from dashboard.settings import ApiTokenConfig, AuthConfig, UserConfig


class OutOfScope(PermissionError):
    """A read or write that touches a commune outside the request's scope, or a province-level action by a caller
    who is not province-wide; answered 403 and nothing is changed."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The communes this request may see and change. `communes` None: every commune, and province-level actions
    (a province-wide caller naming no commune, or any caller at a commune's own COC)."""

    communes: frozenset[str] | None = None

    @property
    def whole(self) -> bool:
        return self.communes is None

    def sees(self, commune: object) -> bool:
        return self.communes is None or (isinstance(commune, str) and commune in self.communes)

    def within(self, communes: Iterable[str]) -> list[str]:
        """These communes, minus those outside the scope (order kept)."""
        return [c for c in communes if self.sees(c)]

    def require(self, communes: Iterable[object]) -> None:
        """OutOfScope unless every commune named (in a URL or a body) is in the scope."""
        outside = [c for c in communes if not self.sees(c)]
        if outside:
            raise OutOfScope("Không được ghi cho xã ngoài phạm vi / a commune named is outside your scope: "
                             f"{str(outside[0])[:64]}")

    def require_whole(self, what: str) -> None:
        """OutOfScope unless this request may act for the whole province."""
        if not self.whole:
            raise OutOfScope(f"Chỉ cán bộ cấp tỉnh / province-wide callers only: {what}")


EVERYTHING = Scope()


class Caller(Protocol):
    """Who calls (dashboard.auth.Principal): a user's or an API token's name, and by which way ("token", "session")."""

    @property
    def name(self) -> str: ...

    @property
    def via(self) -> str: ...


class WithAuth(Protocol):
    """The configuration's part that says who may see which commune (dashboard.site.SiteConfig has it)."""

    @property
    def auth(self) -> AuthConfig: ...


def communes_of(config: WithAuth, principal: Caller | None) -> frozenset[str] | None:
    """The communes this caller may see; None: every commune (province staff, and users added on /admin, who
    have no commune list)."""
    if principal is None:
        return frozenset()
    if principal.via == "token":
        entry: ApiTokenConfig | UserConfig | None = next(
            (e for e in config.auth.api_tokens if e.name == principal.name), None)
    else:
        entry = next((e for e in config.auth.users if e.username == principal.name), None)
    if entry is None or not entry.communes:
        return None
    return frozenset(entry.communes)


def may_see(config: WithAuth, principal: Caller | None, commune: str) -> bool:
    allowed = communes_of(config, principal)
    return allowed is None or commune in allowed


def decide(config: WithAuth, principal: Caller | None, named: str | None,
           former_units: dict[str, frozenset[str]]) -> Scope:
    """The scope of a request at a province: the caller's communes (with their former units, whose figures are
    kept under their own ids), narrowed to the one the request names (`named`, already checked visible)."""
    allowed = communes_of(config, principal)
    chosen = frozenset({named}) if named is not None else allowed
    if chosen is None:
        return EVERYTHING
    return Scope(chosen.union(*(former_units.get(c, frozenset()) for c in chosen)))


def commune_of_screen(screen_id: str | None) -> str | None:
    """`quang-tho/overview` (a commune's wall screen at a province) -> `quang-tho`; a plain screen id -> None."""
    if not screen_id or "/" not in screen_id:
        return None
    return screen_id.split("/", 1)[0]


def commune_of_page(path: str) -> str | None:
    """`/xa/quang-tho/wall/overview` -> `quang-tho`; other paths -> None."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) >= 2 and parts[0] == "xa" else None
