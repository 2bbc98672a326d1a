"""The wall map in a real headless Chromium at 1920×1080 and 3840×2160 with the commune's base layer: the demo's
GeoJSON layers (boundaries, river, roads, hamlets, evacuation points) and tiles from an MBTiles file served by COC,
every tile answered, no console error, no label on another or outside the map."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import wait_js
from tests.dashboard.conftest import USERS, password_of
from tests.dashboard.map_fixtures import config_with_map, demo_tiles, write_mbtiles
from tests.dashboard.test_wall_console_browser import MAP_LABELS, WAIT_MS, Console

LAYER_TRACES = """() => {  // the drawn traces of the map: line traces (base layer) and their points
  const plot = document.querySelector('.graph-map .js-plotly-plot');
  return plot ? plot.data.map(d => [d.mode, d.name || '', (d.x || []).length]) : [];
}"""
TILE_IMAGES = """() => Array.from(document.querySelectorAll('.graph-map image'))
  .map(i => i.getAttribute('href') || i.getAttribute('xlink:href'))"""


@pytest.fixture
def config(environ: dict[str, str], tmp_path: Path):
    """Overrides the dashboard fixture's configuration: the same, with the demo map and a small MBTiles file."""
    return config_with_map(environ, write_mbtiles(tmp_path / "commune.mbtiles", demo_tiles()))


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_the_wall_map_draws_the_base_layer_and_tiles_without_error(browser, served, size) -> None:
    from tests.browser import logged_in_page

    page = logged_in_page(browser, served.url, USERS["operator"], password_of(USERS["operator"]), *size)
    console = Console(page)
    tiles: list[int] = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/" in r.url else None)
    page.wait_for_url(f"{served.url}/wall/overview")
    expect(page.locator(".graph-map .js-plotly-plot")).to_be_visible(timeout=WAIT_MS)
    wait_js(page, "document.querySelectorAll('.graph-map .scatterlayer .trace').length >= 8", timeout=WAIT_MS)
    traces = page.evaluate(LAYER_TRACES)
    names = {name for mode, name, _ in traces if mode == "lines"}
    assert names == {"Ranh giới xã", "Ranh giới xã cũ", "Sông", "Đường"}, traces
    sources = page.evaluate(TILE_IMAGES)
    assert sources and all(s.startswith("/tiles/14/") for s in sources), sources
    wait_js(page, f"performance.getEntriesByType('resource').filter(e => e.name.includes('/tiles/')).length "
                  f">= {len(sources)}", timeout=WAIT_MS)
    page.wait_for_timeout(3_000)  # three more refreshes of every panel
    if os.environ.get("COC_MAP_SCREENSHOT") and size == (1920, 1080):  # a picture of the wall, for a look
        page.screenshot(path=os.environ["COC_MAP_SCREENSHOT"])
    assert tiles and set(tiles) == {200}, tiles
    assert console.problems == []
    labels, overlaps = page.evaluate(MAP_LABELS)
    assert overlaps == []
    texts = page.evaluate("Array.from(document.querySelectorAll('.graph-map .textpoint text')).map(t => t.textContent)")
    assert labels >= 4 and "Trung tâm xã" in texts, texts  # a device's name and the base layer's names
    assert {"La Vân Thượng", "Phước Yên", "Đông Xuyên", "Trường THCS Quảng Thọ"} & set(texts), texts
    page.context.close()
