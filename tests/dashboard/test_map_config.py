"""The `map:` section: the demo's and the example's layers load, and every mistake is named with its file, line
and key, and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from configfile.loader import ConfigError, load_config, parse_config
from dashboard.map_layers import base_map, load_layer
from tests.dashboard.conftest import FIXTURES
from tests.dashboard.map_fixtures import DEMO_MAP, ROOT, config_with_map

DEMO_ENV = {"COC_SECRET_KEY": "demo-only-secret-key-change-me-0123456789"}


def problems(environ: dict[str, str], section: str) -> str:
    text = (FIXTURES / "coc.yaml").read_text(encoding="utf-8") + section
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "coc.yaml", environ)
    return str(caught.value)


def test_the_demo_ships_every_kind_of_layer_marked_illustrative() -> None:
    config = load_config(ROOT / "config/demo.yaml", environ=DEMO_ENV)
    kinds = {layer.kind for layer in config.map.layers}
    assert kinds == {"boundary", "former_boundary", "hamlet", "river", "road", "evacuation"}
    counts = {layer.kind: len(load_layer(layer)) for layer in config.map.layers}
    assert counts["boundary"] == 1 and counts["former_boundary"] == 2 and counts["river"] >= 1
    assert counts["road"] == 2 and 4 <= counts["hamlet"] <= 6 and counts["evacuation"] == 2
    for path in DEMO_MAP.glob("*.geojson"):
        assert "Illustrative" in path.read_text(encoding="utf-8"), path
    units = {f.unit for layer in config.map.layers if layer.kind == "former_boundary" for f in load_layer(layer)}
    assert units == {u.id for u in config.commune.former_units}


def inside(point: tuple[float, float], ring: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting: is (lon, lat) inside the closed ring?"""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_every_demo_device_and_office_lies_inside_the_demo_boundary() -> None:
    config = load_config(ROOT / "config/demo.yaml", environ=DEMO_ENV)
    ring = next(f for layer in config.map.layers if layer.kind == "boundary" for f in load_layer(layer)).lines[0]
    places = [(s.id, s.location) for s in config.sensors] + [(c.id, c.location) for c in config.cameras]
    places += [(u.id, u.location) for u in config.commune.former_units]
    outside = [name for name, loc in places if loc is not None and not inside((loc.lon, loc.lat), ring)]
    assert outside == []
    base = base_map(config.map, None, 20)
    assert base is not None and base.area is not None and len(base.points) == 8


def test_the_fixture_with_a_map_loads(environ: dict[str, str]) -> None:
    config = config_with_map(environ, None)
    assert len(config.map.layers) == 6 and config.map.tiles is None


@pytest.mark.parametrize(("section", "wanted"), [
    ('\nmap:\n  layers:\n    - {file: "%s", kind: lake, label: "Hồ"}\n', ["map.layers[0].kind", "@3"]),
    ('\nmap:\n  layers:\n    - {file: "%s", kind: river, label: ""}\n', ["map.layers[0].label", "@3"]),
    ('\nmap:\n  layers:\n    - {file: "/nowhere/song.geojson", kind: river, label: "Sông"}\n',
     ["map.layers[0].file", "@3", "no file", "fix: give the path"]),
    ('\nmap:\n  layers:\n    - {file: "%s", kind: river, label: "Sông"}\n    - {file: "config/demo.yaml", kind: road, '
     'label: "Đường"}\n', ["map.layers[1].file", "@4", "not a GeoJSON file"]),
    ('\nmap:\n  tiles: /nowhere/commune.mbtiles\n', ["map.tiles", "@2", "no MBTiles file"]),
    ('\nmap:\n  tiles: "%s"\n', ["map.tiles", "@2", "neither an .mbtiles file nor a folder"]),
    ('\nmap:\n  tiles_zoom: 40\n', ["map.tiles_zoom", "@2"]),
    ('\nmap:\n  layer: []\n', ["map.layer", "@2"]),
])
def test_mistakes_are_named_with_their_line_and_key(environ: dict[str, str], section: str,
                                                    wanted: list[str]) -> None:
    river = DEMO_MAP / "river.geojson"
    text = problems(environ, section.replace("%s", str(river)))
    before = len((FIXTURES / "coc.yaml").read_text(encoding="utf-8").splitlines()) + 1  # and the blank line
    for part in wanted:  # "@k": the k-th line of the section ("map:" is the first)
        part = f"coc.yaml:{before + int(part[1:])}: " if part.startswith("@") else part
        assert part in text, text


def test_a_layer_file_that_breaks_later_draws_nothing_instead_of_failing(environ, tmp_path: Path) -> None:
    from dashboard.figures import map_figure

    broken = tmp_path / "song.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                      '{"type": "LineString", "coordinates": [[107.5, 16.5], [107.6, 16.6]]}}]}', encoding="utf-8")
    section = f'\nmap:\n  layers:\n    - {{file: "{broken}", kind: river, label: "Sông"}}\n'
    config = parse_config((FIXTURES / "coc.yaml").read_text(encoding="utf-8") + section, "coc.yaml", environ)
    assert len(base_map(config.map, None, 20).lines) == 1
    broken.write_text("{not json", encoding="utf-8")
    base = base_map(config.map, None, 20)
    assert base.lines == () and base.points == ()
    fig = map_figure([{"group": "sensor", "lat": 16.57, "lon": 107.53, "label": "A", "colour": "#fff"}], None, 20, base)
    assert [d["text"] for d in fig["data"] if "text" in d] == [["A"]]


def test_a_former_communes_wall_shows_that_commune_and_only_its_places(tmp_path: Path) -> None:
    from dashboard.figures import map_figure
    from dashboard.map_layers import tile_images, tile_of
    from tests.dashboard.map_fixtures import png, write_mbtiles

    config = load_config(ROOT / "config/demo.yaml", environ=DEMO_ENV)
    whole, north = base_map(config.map, None, 20).area, base_map(config.map, "quang-phuoc", 20).area
    assert north[1] > whole[1] and north[3] < whole[3] * 0.6  # the northern former commune: the upper part
    sensors = [{"group": "sensor", "lat": s.location.lat, "lon": s.location.lon, "label": s.name, "colour": "#fff"}
               for s in config.sensors if s.former_unit == "quang-phuoc"]
    fig = map_figure(sensors, None, 20, base_map(config.map, "quang-phuoc", 20))
    y0, y1 = fig["layout"]["yaxis"]["range"]
    hamlets = [n for d in fig["data"] if d.get("marker", {}).get("size") == 12 for n in d["hovertext"]]
    assert hamlets and all(y0 <= y <= y1 for d in fig["data"] if d.get("mode") == "markers+text" for y in d["y"])
    assert "Thôn: Phước Yên" not in hamlets  # the far south of the commune is not on the northern wall
    # tiles: only those the set holds are asked for
    x, y = tile_of(107.53, 16.57, 14)
    source = write_mbtiles(tmp_path / "one.mbtiles", {(14, x, y): png((1, 2, 3), 8)})
    images = tile_images((107.50, 16.55, 0.06, 0.04), 14, source)
    assert [i["source"] for i in images] == [f"/tiles/14/{x}/{y}.png"]
    assert len(tile_images((107.50, 16.55, 0.06, 0.04), 14)) > 1
