"""Zero console errors and zero refused callbacks on every page for every role, on a wall screen (1920×1080), a
4K one (3840×2160) and a phone (390×844; its layout is checked by tests/dashboard/test_phone.py), in a real
headless Chromium; and one language on each page: at 1920×1080 every page is read once in Vietnamese and once in
English for words of the other language (the word checks are tests/dashboard/test_language.py's). The pages come
from the app's own registry (dashboard.pages.LAYOUTS, access.page_exists), the roles from the configuration's
users. One browser, one login per role; every console error, uncaught page error and answer of 400 or more (a
refused /_dash-update-component) fails the test with its page and text, as does a word of the other language."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import access
from tests.browser import logged_in_page, wait_js
from tests.dashboard.conftest import USERS, password_of
from tests.dashboard.test_language import TEXT_JS, english_words, in_context, names_of, vietnamese_words
from tests.dashboard.test_phone import role_pages
from tests.dashboard.test_wall_console_browser import Console

SIZES = ((1920, 1080), (3840, 2160), (390, 844))
DASH_READY = ("document.querySelector('#app-page') && document.querySelector('#app-page').children.length > 0"
              " && !document.querySelector('[data-dash-is-loading=\"true\"]')")


def paths_of(config: Any, role: str) -> list[str]:
    return [p for r, p in role_pages(config) if r == role]


def show(page: Any, url: str, settle_ms: int = 750) -> None:
    """Open a page and wait until it has drawn (its router and first callbacks answered)."""
    page.goto(url)
    wait_js(page, DASH_READY, 20_000)
    page.wait_for_timeout(settle_ms)  # the page's first callbacks (tables, lists) and a refresh have run


def test_a_public_screens_wall_callbacks_run_for_a_role_without_walls():
    """The police may open the public screen (/wall/street); its refreshes were refused 403 with the officer logged
    in (as they were not for nobody logged in); another wall's stay refused."""
    police = access.Role("police")
    assert access.callback_allowed({"wall", "app"}, police, public_screen=True)
    assert access.callback_allowed({"wall"}, None, public_screen=True)
    assert not access.callback_allowed({"wall"}, police, public_screen=False)
    assert not access.callback_allowed({"wall", "kpi"}, police, public_screen=True)
    assert not access.callback_allowed({"wall"}, None, public_screen=False)


@pytest.mark.parametrize("role", sorted(USERS))  # every role of the configuration (test_phone checks they match)
def test_every_page_of_every_role_logs_no_error_and_speaks_one_language_on_a_wall_a_4k_screen_and_a_phone(
        browser, served, config, role):
    page = logged_in_page(browser, served.url, USERS[role], password_of(USERS[role]))
    console = Console(page)
    page.wait_for_url(lambda url: "/login" not in url)
    names = names_of(config)
    found: dict[str, list[str]] = {}
    other_language: dict[str, list[str]] = {}
    assert paths_of(config, role)
    walks = [("vi", size) for size in SIZES] + [("en", SIZES[0])]  # the English walk at the wall's size
    for lang, (width, height) in walks:
        page.goto(f"{served.url}/lang/{lang}?next=/")
        page.set_viewport_size({"width": width, "height": height})
        read_words = (width, height) == SIZES[0]
        for path in paths_of(config, role):
            before = len(console.problems)
            show(page, f"{served.url}{path}", 1000 if read_words else 750)
            if len(console.problems) > before:
                found[f"{lang} {width}x{height} {path}"] = console.problems[before:]
            if read_words:
                text = str(page.evaluate(TEXT_JS))
                words = english_words(text) if lang == "vi" else vietnamese_words(text, names)
                if words:
                    other_language[f"{lang} {role} {path}"] = in_context(text, sorted(set(words)))
    page.context.close()
    assert not found, found
    assert not other_language, other_language
