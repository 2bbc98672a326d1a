"""The menu ('☰ Trang khác' on a wall, the page header elsewhere) leads to /duty and /loudspeakers for every
logged-in role (both pages open to any of them; sending on the loudspeakers stays with admins and operators), to
/loudspeakers only when the loudspeakers are enabled, and to neither for a caller not logged in."""

from __future__ import annotations

from pathlib import Path

from configfile.loader import parse_config
from dashboard.auth import hash_password
from dashboard.pages.shell import nav_links, wall_menu
from dashboard.settings import Role

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "loudspeakers" / "config.yaml"


def _config(tmp_path: Path, enabled: bool = True):  # noqa: ANN202 - the config schema's type
    text = FIXTURE.read_text(encoding="utf-8")
    if not enabled:
        text = text.replace("  enabled: true\n", "  enabled: false\n")
    return parse_config(text, "config.yaml", environ={"DIR": str(tmp_path), "ICECAST": "http://127.0.0.1:9",
                                                      "HASH": hash_password("mat-khau-123")})


def _hrefs(role: Role | None, config: object, lang: str = "vi") -> dict[str, str]:
    return {a.href: a.children for a in nav_links(role, config, lang)}


def test_every_role_finds_duty_and_loudspeakers_in_the_menu(tmp_path: Path) -> None:
    config = _config(tmp_path)
    for role in Role:
        links = _hrefs(role, config)
        assert links["/duty"] == "Trực ban" and links["/loudspeakers"] == "Loa truyền thanh", role
    assert _hrefs(Role.OPERATOR, config, "en")["/loudspeakers"] == "Loudspeakers"
    assert "/admin" not in _hrefs(Role.OPERATOR, config)  # the other entries keep their roles
    menu = wall_menu(Role.OPERATOR, config, "vi")
    assert menu is not None
    assert {a.href for a in menu.children[1].children} >= {"/duty", "/loudspeakers"}


def test_no_loudspeaker_entry_when_they_are_off_and_no_entry_for_anonymous_callers(tmp_path: Path) -> None:
    off = _config(tmp_path, enabled=False)
    assert "/loudspeakers" not in _hrefs(Role.OPERATOR, off) and "/duty" in _hrefs(Role.OPERATOR, off)
    assert _hrefs(None, _config(tmp_path)) == {}
