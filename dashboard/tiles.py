"""The commune's own raster tiles at /tiles/<z>/<x>/<y>.png, read from the configured MBTiles file (SQLite, TMS
rows) or z/x/y folder (config `map.tiles`), so that the maps need no internet. Behind the login like the wall,
except when a public wall screen (`web.public_screens`) shows a map: then the tiles are public too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from dashboard.wall_snapshot import screen_panels

blueprint = Blueprint("tiles", __name__)
MAX_ZOOM = 24
PREFIX = "/tiles/"
FORMATS = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"RIFF", "image/webp"))


def tiles_public(config: object) -> bool:
    """Does a public wall screen show a map (and so need the tiles without login)?"""
    public = set(config.web.public_screens)  # type: ignore[attr-defined]
    return any("map" in page for w in config.walls if w.id in public for page in screen_panels(w))  # type: ignore[attr-defined]


def tile_address(z: str, x: str, y: str) -> tuple[int, int, int] | None:
    """z, x, y as a tile that can exist (0 <= x, y < 2^z, z <= MAX_ZOOM), or None."""
    if not (z.isascii() and z.isdigit() and x.isascii() and x.isdigit() and y.isascii() and y.isdigit()):
        return None
    if len(z) > 2 or len(x) > 9 or len(y) > 9:
        return None
    zi, xi, yi = int(z), int(x), int(y)
    if zi > MAX_ZOOM or xi >= 2**zi or yi >= 2**zi:
        return None
    return zi, xi, yi


def read_tile(source: Path, z: int, x: int, y: int) -> bytes | None:
    """One tile's bytes from an MBTiles file or a z/x/y folder (.png, else .jpg, .webp), or None."""
    if source.suffix.lower() == ".mbtiles":
        try:
            with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as db:
                row = db.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (z, x, 2**z - 1 - y),  # MBTiles rows count from the south (TMS)
                ).fetchone()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row and row[0] else None
    for ext in (".png", ".jpg", ".jpeg", ".webp"):
        path = source / str(z) / str(x) / f"{y}{ext}"  # built from integers only: no way out of the folder
        if path.is_file():
            return path.read_bytes()
    return None


def _error(status: int, vi: str, en: str) -> tuple[Response, int]:
    return jsonify(error="not_found" if status == 404 else "bad_request", message=f"{vi} / {en}"), status


@blueprint.get("/tiles/<z>/<x>/<name>")
def tile(z: str, x: str, name: str) -> Response | tuple[Response, int]:
    config = current_app.config["COC_CONTEXT"].config
    stem, dot, ext = name.rpartition(".")
    address = tile_address(z, x, stem) if dot and ext.lower() == "png" else None
    if address is None:
        return _error(400, "Địa chỉ ô bản đồ không hợp lệ", "invalid tile address (z/x/y.png)")
    if config.map.tiles is None:
        return _error(404, "Chưa cấu hình ô bản đồ", "no tiles configured")
    data = read_tile(Path(config.map.tiles), *address)
    if data is None:
        return _error(404, "Không có ô bản đồ này", "no such tile")
    mimetype = next((m for magic, m in FORMATS if data.startswith(magic)), "application/octet-stream")
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = ("public" if tiles_public(config) else "private") + ", max-age=86400"
    return response
