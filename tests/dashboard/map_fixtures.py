"""A wall configuration with the demo's GeoJSON layers and tiles of our own making (an MBTiles file or a z/x/y
folder, PNGs written with the standard library), for the map tests."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path

from configfile.loader import parse_config
from dashboard.map_layers import tile_of
from tests.dashboard.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
DEMO_MAP = ROOT / "config" / "demo-map"
LAYERS = (("boundary.geojson", "boundary", "Ranh giới xã"), ("former-communes.geojson", "former_boundary",
          "Ranh giới xã cũ"), ("river.geojson", "river", "Sông"), ("roads.geojson", "road", "Đường"),
          ("hamlets.geojson", "hamlet", "Thôn"), ("evacuation.geojson", "evacuation", "Điểm sơ tán"))
ZOOM = 14


def png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A plain PNG, one colour with a faint grid line on two edges (so tile seams are visible in a screenshot)."""
    edge = bytes(min(255, c + 18) for c in rgb)
    row = bytes(rgb) * (size - 1) + edge
    raw = b"".join(b"\x00" + (edge * size if y == size - 1 else row) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def demo_tiles() -> dict[tuple[int, int, int], bytes]:
    """Dark tiles over the demo commune at ZOOM (x, y counted from the top, as in the URL); the wall's view is
    wider, so the map must ask only for the tiles the set holds."""
    (x0, y0), (x1, y1) = tile_of(107.500, 16.600, ZOOM), tile_of(107.565, 16.540, ZOOM)
    return {(ZOOM, x, y): png((22 + (x + y) % 2 * 6, 30, 42)) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}


def write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png")])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()])
    db.close()
    return path


def write_folder(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    for (z, x, y), data in tiles.items():
        (path / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (path / str(z) / str(x) / f"{y}.png").write_bytes(data)
    return path


def map_section(tiles: Path | None) -> str:
    layers = "\n".join(f'    - {{file: "{DEMO_MAP / f}", kind: {k}, label: "{label}"}}' for f, k, label in LAYERS)
    return f"\nmap:\n  tiles: {f'{chr(34)}{tiles}{chr(34)}' if tiles else 'null'}\n  tiles_zoom: {ZOOM}\n" \
           f"  layers:\n{layers}\n"


STREET = "{id: street, title: \"Chất lượng không khí\", panels: [air, flood]"


def config_with_map(environ: dict[str, str], tiles: Path | None, public_map: bool = False) -> object:
    """The dashboard fixture's configuration with the map section; `public_map`: the public street screen shows
    the map too."""
    text = (FIXTURES / "coc.yaml").read_text(encoding="utf-8")
    assert STREET in text
    if public_map:
        text = text.replace(STREET, STREET.replace("[air, flood]", "[map, air, flood]"))
    return parse_config(text + map_section(tiles), "coc.yaml", environ)
