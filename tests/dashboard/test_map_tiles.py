"""The tile route /tiles/<z>/<x>/<y>.png over an MBTiles file and a z/x/y folder: the tile's bytes, 404 for a tile
the set lacks, 4xx (never 5xx) for addresses that cannot be tiles or try to leave the folder, the login unless a
public screen shows a map."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.conftest import login
from tests.dashboard.map_fixtures import ZOOM, config_with_map, demo_tiles, write_folder, write_mbtiles

TILES = demo_tiles()
SOME = sorted(TILES)[0]


@pytest.fixture(params=["mbtiles", "folder"])
def config(request, environ: dict[str, str], tmp_path: Path):
    """Overrides the dashboard fixture's configuration: the same, with the demo map and tiles of each kind."""
    if request.param == "mbtiles":
        source = write_mbtiles(tmp_path / "commune.mbtiles", TILES)
    else:
        source = write_folder(tmp_path / "tiles", TILES)
    return config_with_map(environ, source)


def test_a_logged_in_user_gets_the_tiles_and_404_for_a_missing_one(client) -> None:
    login(client, "operator")
    z, x, y = SOME
    response = client.get(f"/tiles/{z}/{x}/{y}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == TILES[SOME]
    assert "private" in response.headers["Cache-Control"]  # no public screen shows a map
    other = next((z, x + dx, y) for dx in range(1, 99) if (z, x + dx, y) not in TILES)
    missing = client.get(f"/tiles/{other[0]}/{other[1]}/{other[2]}.png")
    assert missing.status_code == 404
    assert client.get(f"/tiles/{ZOOM + 1}/{x * 2}/{y * 2}.png").status_code == 404  # a zoom the set lacks


@pytest.mark.parametrize("address", [
    "/tiles/14/abc/1.png", "/tiles/-1/0/0.png", "/tiles/14/0/-3.png", "/tiles/99/0/0.png", "/tiles/2/4/0.png",
    "/tiles/2/0/4.png", "/tiles/14/1/2.jpg", "/tiles/14/1/2", "/tiles/14/1/..png", "/tiles/1/0/0.png.png",
    "/tiles/١٤/1/2.png", "/tiles/14/1/99999999999999999999.png",
])
def test_addresses_that_cannot_be_tiles_answer_4xx(client, address: str) -> None:
    login(client, "operator")
    response = client.get(address)
    assert 400 <= response.status_code < 500, (address, response.status_code)


@pytest.mark.parametrize("address", [
    "/tiles/../../config/coc.yaml", "/tiles/14/..%2F..%2F..%2Fetc/passwd.png", "/tiles/%2e%2e/%2e%2e/x.png",
    "/tiles/14/../../../../etc/passwd", "/tiles/14/%2e%2e%2f%2e%2e/1.png",
])
def test_no_path_leaves_the_tile_folder(client, address: str) -> None:
    login(client, "operator")
    response = client.get(address)
    assert 400 <= response.status_code < 500, (address, response.status_code)
    assert b"root:" not in response.data and b"secret_key" not in response.data


def test_tiles_want_a_login_when_no_public_screen_shows_a_map(client) -> None:
    z, x, y = SOME
    response = client.get(f"/tiles/{z}/{x}/{y}.png")
    assert response.status_code == 401
    assert response.data != TILES[SOME]


def test_tiles_are_public_when_a_public_screen_shows_a_map(environ, tmp_path: Path) -> None:
    from dashboard.tiles import tiles_public

    source = write_mbtiles(tmp_path / "public.mbtiles", TILES)
    assert tiles_public(config_with_map(environ, source, public_map=True))
    assert not tiles_public(config_with_map(environ, source))


def test_a_public_map_screen_serves_tiles_without_login(environ, tmp_path: Path, ctx) -> None:
    from dataclasses import replace

    from dashboard.app import create_app

    public = replace(ctx, config=config_with_map(environ, write_folder(tmp_path / "pub", TILES), public_map=True))
    client = create_app(public).server.test_client()
    z, x, y = SOME
    response = client.get(f"/tiles/{z}/{x}/{y}.png")
    assert response.status_code == 200 and response.data == TILES[SOME]
    assert "public" in response.headers["Cache-Control"]
    assert client.get("/wall/overview").status_code == 302  # the rest stays behind the login
