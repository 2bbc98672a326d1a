"""The commune's own base map on the wall and province maps, offline: GeoJSON layers (boundaries, rivers, roads as
lines; hamlets and evacuation points as labelled marks that join the label placement) and, when configured,
raster tiles served by COC at /tiles/<z>/<x>/<y>.png, drawn as images under the plotted plane (x: longitude,
y: latitude)."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboard.json_types import JsonObject, JsonValue
from dashboard.settings import MapConfig, MapLayerConfig

Box = tuple[float, float, float, float]  # x, y, width, height in degrees
MAX_TILES = 48  # tiles drawn at most under one map (more: the zoom is lowered)

# how each kind of line is drawn on the dark wall: (colour, width in font sizes, dash, fill)
LINE_STYLES: dict[str, tuple[str, float, str, str | None]] = {
    "boundary": ("#ced4da", 0.22, "solid", "rgba(206,212,218,0.05)"),
    "former_boundary": ("#c9b8ff", 0.14, "dash", None),
    "river": ("#4dabf7", 0.45, "solid", None),
    "road": ("#8d8f94", 0.24, "solid", None),
}
LEGEND_MARKS = {"river": "━", "hamlet": "●", "evacuation": "▲"}  # roads and boundaries read without one
POINT_STYLES: dict[str, tuple[str, str, float]] = {  # colour, symbol, size in font sizes
    "hamlet": ("#adb5bd", "circle", 0.6),
    "evacuation": ("#38d9a9", "triangle-up", 1.1),
}


@dataclass(frozen=True)
class Feature:
    """One GeoJSON feature reduced to what the map draws: its lines (or its point) and its name."""

    kind: str
    name: str
    unit: str | None  # a former commune's id (former_boundary features), else None
    lines: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat) rings and line strings
    point: tuple[float, float] | None  # (lon, lat)


_CACHE: dict[tuple[str, float], tuple[Feature, ...]] = {}


def load_layer(layer: MapLayerConfig) -> tuple[Feature, ...]:
    """The features of one layer file, read again only when the file changes; an unreadable file draws nothing."""
    path = Path(layer.file)
    try:
        key = (f"{path.resolve()}:{layer.kind}", path.stat().st_mtime)
    except OSError:
        return ()
    if key not in _CACHE:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ()
        _CACHE[key] = tuple(parse_features(data, layer.kind))
    return _CACHE[key]


def parse_features(data: JsonValue, kind: str) -> Iterable[Feature]:
    """GeoJSON (a FeatureCollection, a Feature or a bare geometry) as features of `kind`."""
    if not isinstance(data, dict):
        return
    if data.get("type") == "FeatureCollection":
        for item in data.get("features") or []:
            yield from parse_features(item, kind)
        return
    props: JsonObject = {}
    geometry = data
    if data.get("type") == "Feature":
        props = data.get("properties") or {}
        geometry = data.get("geometry") or {}
    name = str(props.get("name") or "")
    unit = props.get("unit")
    lines: list[tuple[tuple[float, float], ...]] = []
    points: list[tuple[float, float]] = []
    _collect(geometry, lines, points)
    if lines:
        yield Feature(kind, name, unit, tuple(lines), None)
    for point in points:
        yield Feature(kind, name, unit, (), point)


def _collect(geometry: JsonValue, lines: list[tuple[tuple[float, float], ...]],
             points: list[tuple[float, float]]) -> None:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            points.append((float(coords[0]), float(coords[1])))
        elif kind == "MultiPoint":
            points.extend((float(c[0]), float(c[1])) for c in coords)
        elif kind == "LineString":
            lines.append(tuple((float(c[0]), float(c[1])) for c in coords))
        elif kind in ("MultiLineString", "Polygon"):
            lines.extend(tuple((float(c[0]), float(c[1])) for c in part) for part in coords)
        elif kind == "MultiPolygon":
            lines.extend(tuple((float(c[0]), float(c[1])) for c in ring) for poly in coords for ring in poly)
        elif kind == "GeometryCollection":
            for part in geometry.get("geometries") or []:
                _collect(part, lines, points)
    except (TypeError, ValueError, IndexError):
        return


def features(config: MapConfig) -> list[tuple[MapLayerConfig, tuple[Feature, ...]]]:
    return [(layer, load_layer(layer)) for layer in config.layers]


def extent(layers: Sequence[tuple[MapLayerConfig, Sequence[Feature]]], unit: str | None) -> Box | None:
    """The area the map should show: the commune's boundary, or one former commune's when the screen is that
    unit's; None without such a layer."""
    coords = [
        c
        for layer, items in layers
        for f in items
        if (layer.kind == "boundary" and unit is None) or (layer.kind == "former_boundary" and unit and f.unit == unit)
        for line in f.lines
        for c in line
    ]
    if not coords:
        return None
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def point_markers(layers: Sequence[tuple[MapLayerConfig, Sequence[Feature]]]) -> list[JsonObject]:
    """Hamlets and evacuation points as map markers (group = their kind) that take part in label placement."""
    out = []
    for layer, items in layers:
        if layer.kind not in POINT_STYLES:
            continue
        for f in items:
            if f.point:
                out.append({"group": layer.kind, "lon": f.point[0], "lat": f.point[1], "label": f.name,
                            "colour": POINT_STYLES[layer.kind][0], "hover": f"{layer.label}: {f.name}"})
    return out


def line_traces(layers: Sequence[tuple[MapLayerConfig, Sequence[Feature]]], font_px: int) -> list[JsonObject]:
    """Boundaries, rivers and roads as line traces (one per layer, parts separated by gaps), drawn in the order
    boundary, former boundary, road, river so that water reads over the roads."""
    order = ("boundary", "former_boundary", "road", "river")
    traces = []
    for kind in order:
        for layer, items in layers:
            if layer.kind != kind:
                continue
            colour, width, dash, fill = LINE_STYLES[kind]
            xs: list[float | None] = []
            ys: list[float | None] = []
            for f in items:
                for line in f.lines:
                    xs.extend([c[0] for c in line] + [None])
                    ys.extend([c[1] for c in line] + [None])
            if not xs:
                continue
            trace: JsonObject = {
                "type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
                "line": {"color": colour, "width": max(1.0, round(width * font_px, 1)), "dash": dash},
                "name": layer.label,
            }
            if fill:
                trace.update(fill="toself", fillcolor=fill)
            traces.append(trace)
    return traces


def has_tiles(source: Path, wanted: Sequence[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    """Which of the `wanted` (z, x, y) tiles an MBTiles file or a z/x/y folder holds (the map asks only for
    those, so that a tile set smaller than the view costs no failed requests)."""
    if source.suffix.lower() != ".mbtiles":
        return {t for t in wanted if any((source / str(t[0]) / str(t[1]) / f"{t[2]}{ext}").is_file()
                                         for ext in (".png", ".jpg", ".jpeg", ".webp"))}
    try:
        with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as db:
            return {t for t in wanted if db.execute(
                "SELECT 1 FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (t[0], t[1], 2 ** t[0] - 1 - t[2])).fetchone()}
    except sqlite3.Error:
        return set()


def tile_images(bounds: Box, zoom: int, source: Path | None = None) -> list[JsonObject]:
    """Plotly layout images for the Web Mercator tiles covering `bounds` (those `source` holds, when given), each
    stretched over its own lon/lat box (over a commune, a few km, latitude and Mercator y are proportional to far
    less than a pixel)."""
    x0, y0, width, height = bounds
    while zoom > 0:
        (tx0, ty0), (tx1, ty1) = tile_of(x0, y0 + height, zoom), tile_of(x0 + width, y0, zoom)
        if (tx1 - tx0 + 1) * (ty1 - ty0 + 1) <= MAX_TILES:
            break
        zoom -= 1
    (tx0, ty0), (tx1, ty1) = tile_of(x0, y0 + height, zoom), tile_of(x0 + width, y0, zoom)
    wanted = [(zoom, tx, ty) for tx in range(tx0, tx1 + 1) for ty in range(ty0, ty1 + 1)]
    held = has_tiles(source, wanted) if source is not None else set(wanted)
    images = []
    for _, tx, ty in wanted:
        if (zoom, tx, ty) in held:
            west, north = tile_corner(tx, ty, zoom)
            east, south = tile_corner(tx + 1, ty + 1, zoom)
            images.append({"source": f"/tiles/{zoom}/{tx}/{ty}.png", "xref": "x", "yref": "y", "x": west,
                           "y": north, "sizex": east - west, "sizey": north - south, "sizing": "stretch",
                           "layer": "below", "opacity": 0.85, "xanchor": "left", "yanchor": "top"})
    return images


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile (x, y from the top) holding a point."""
    n = 2**zoom
    lat = max(-85.0511, min(85.0511, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_corner(x: int, y: int, zoom: int) -> tuple[float, float]:
    """The north-west corner (lon, lat) of an XYZ tile."""
    n = 2**zoom
    return x / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def fit_aspect(box: Box, aspect: float, lat: float) -> Box:
    """`box` widened in one direction so that a panel `aspect` times wider than high shows it without
    stretching (a degree of longitude is cos(latitude) of a degree of latitude on the ground)."""
    x0, y0, width, height = box
    k = math.cos(math.radians(lat))
    if width * k < height * aspect:
        new = height * aspect / k
        return x0 - (new - width) / 2, y0, new, height
    new = width * k / aspect
    return x0, y0 - (new - height) / 2, width, new


@dataclass(frozen=True)
class BaseMap:
    """What the map draws under the devices: line traces, labelled points, the area to show, the tiles' zoom."""

    lines: tuple[JsonObject, ...]
    points: tuple[JsonObject, ...]
    area: Box | None
    tiles_zoom: int | None  # None: no tiles configured
    tiles: Path | None = None  # the MBTiles file or folder
    legend: tuple[tuple[str, str, str], ...] = ()  # (kind, mark, colour) of each kind drawn, in drawing order


def base_map(config: MapConfig, unit: str | None, font_px: int) -> BaseMap | None:
    """The configured base layer for a map of the whole commune (unit None) or of one former commune."""
    if not config.layers and config.tiles is None:
        return None
    layers = features(config)
    drawn = {layer.kind for layer, items in layers if items}
    legend = tuple((kind, LEGEND_MARKS[kind], (LINE_STYLES.get(kind) or POINT_STYLES[kind])[0])
                   for kind in LEGEND_MARKS if kind in drawn)
    return BaseMap(tuple(line_traces(layers, font_px)), tuple(point_markers(layers)), extent(layers, unit),
                   config.tiles_zoom if config.tiles is not None else None, config.tiles, legend)
