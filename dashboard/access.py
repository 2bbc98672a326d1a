"""Who may open which page and run which callback: the role table, read by the server-side guard and
the router."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dashboard.settings import Role

A, OP, P, L = Role.ADMIN, Role.OPERATOR, Role.POLICE, Role.LEADER

# First path segment -> roles allowed to open the page (public wall screens are handled apart).
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "admin": frozenset({A}),
    "wall": frozenset({A, OP, L}),
    "cameras": frozenset({A, OP, P}),
    "kpi": frozenset({A, OP, L}),
    "alerts": frozenset({A, OP, L}),
    "sensors": frozenset({A, OP}),
    "province": frozenset({A, OP, L}),  # a province center's wall of its communes
    "xa": frozenset({A, OP, L}),  # /xa/<commune>/wall/<screen>: a commune's wall at the province
}

PROVINCE_FAMILIES = frozenset({"province", "xa"})  # pages only a province center has
# Pages and callback families that act for the whole province at a province center (its users, sessions, settings):
# refused to callers limited to some communes.
PROVINCE_WIDE_FAMILIES = frozenset({"admin"})

# Component id family (text before the first "-") of a callback's outputs -> roles allowed to run it.
# Families that change state (…ack) are narrower than the pages that show them: leaders only read.
CALLBACK_ROLES: dict[str, frozenset[Role]] = {
    "app": frozenset(Role),
    "wall": PAGE_ROLES["wall"],
    "wallack": frozenset({A, OP}),
    "cam": PAGE_ROLES["cameras"],
    "camack": frozenset({A, OP, P}),
    "kpi": PAGE_ROLES["kpi"],
    "alerts": PAGE_ROLES["alerts"],
    "alertack": frozenset({A, OP}),
    "sensor": PAGE_ROLES["sensors"],
    "admin": PAGE_ROLES["admin"],
    "prov": PAGE_ROLES["province"],
}
# Families an anonymous caller may run when the callback names a public wall screen.
PUBLIC_FAMILIES = frozenset({"app", "wall"})

HOME: dict[Role, str] = {A: "/admin", OP: "/wall/{wall}", P: "/cameras", L: "/kpi"}


def page_family(path: str) -> str:
    """The first path segment: "/wall/overview" -> "wall", "/" -> ""."""
    return path.strip("/").split("/", 1)[0]


def wall_screen_of(path: str) -> str | None:
    """The screen id of a wall path, or None for other paths."""
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) == 2 and parts[0] == "wall" and parts[1] else None


def page_allowed(path: str, role: Role | None, public_screens: Iterable[str]) -> bool:
    """May this role (None: not logged in) open this page path?"""
    if wall_screen_of(path) in set(public_screens):
        return True
    roles = PAGE_ROLES.get(page_family(path))
    if role is None:
        return False
    return roles is None or role in roles  # unknown paths: any logged-in user gets the "not found" page


def page_exists(path: str, walls: Iterable[str], sensors: Iterable[str]) -> bool:
    """Is there a page at this path? (The router shows the 404 page with the menu for the others.)"""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return True
    family, rest = parts[0], parts[1:]
    if family == "wall":
        return len(rest) == 1 and rest[0] in set(walls)
    if family == "sensors":
        return not rest or (len(rest) == 1 and rest[0] in set(sensors))
    if family == "cameras":  # the desk, its event review, one camera full screen, one hamlet's wall
        return not rest or rest == ["review"] or (len(rest) == 2 and rest[0] in ("live", "hamlet"))
    return family in PAGE_ROLES and family not in PROVINCE_FAMILIES and not rest


def province_page_exists(path: str, walls: Mapping[str, Iterable[str]]) -> bool:
    """At a province center: `/province`, and `/xa/<commune>/wall/<screen>` for its communes' wall screens."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts == ["province"]:
        return True
    return (len(parts) == 4 and parts[0] == "xa" and parts[2] == "wall" and parts[1] in walls
            and parts[3] in set(walls[parts[1]]))


def home_path(role: Role, walls: Iterable[str], province: bool = False) -> str:
    """Where `/` sends this role (at a province center: the province wall, except for the police, whose camera
    desk stays at the commune)."""
    if province and role in PAGE_ROLES["province"]:
        return "/province"
    ids = list(walls)
    wall = "overview" if "overview" in ids or not ids else ids[0]
    return HOME[role].format(wall=wall)


def id_family(component_id: object) -> str:
    """The family of a component id: "wall-air" -> "wall"; a pattern id {"type": "camack-btn"} -> "camack"."""
    name = str(component_id.get("type", "")) if isinstance(component_id, Mapping) else str(component_id)
    return name.split("-", 1)[0]


def callback_families(body: Mapping[str, object]) -> set[str]:
    """The id families of every output of a Dash callback request body."""
    outputs = body.get("outputs")
    items = outputs if isinstance(outputs, list) else [outputs]
    families: set[str] = set()
    for item in items:
        if isinstance(item, list):  # ALL / ALLSMALLER outputs come as a list per output
            families.update(id_family(x.get("id")) for x in item if isinstance(x, Mapping))
        elif isinstance(item, Mapping):
            families.add(id_family(item.get("id")))
    if not families:
        families.add("?")  # a body without outputs matches no rule and is refused
    return families


def callback_screen(body: Mapping[str, object], screen_id: str) -> str | None:
    """The wall screen a callback request names through its `screen_id` store (input or state)."""
    for group in ("inputs", "state"):
        items = body.get(group)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and item.get("id") == screen_id:
                value = item.get("value")
                return value if isinstance(value, str) else None
    return None


def callback_allowed(families: set[str], role: Role | None, public_screen: bool) -> bool:
    """May this role (None: not logged in) run a callback with outputs in these families? A public screen's wall
    callbacks run for anyone who may open it (a police officer too, logged in or not)."""
    if public_screen and families <= PUBLIC_FAMILIES:
        return True
    if role is None:  # the router ("app") checks the path itself
        return families <= {"app"}
    return all(role in CALLBACK_ROLES.get(f, frozenset()) for f in families)
