"""Former units (communes merged into this one since 1 July 2025): sensors, cameras and wall screens name them, every
reference is checked with its place and fix, and a commune without them (or without a district) stays valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from configfile.loader import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
MERGED = """commune:
  id: quang-tho
  name: "Xã Quảng Thọ"
  former_units:
    - {id: quang-tho-cu, name: "Xã Quảng Thọ (cũ)", location: {lat: 16.57, lon: 107.53}, merged_on: 2025-07-01}
    - {id: quang-phuoc, name: "Xã Quảng Phước (cũ)", merged_on: 2025-07-01}
web: {secret_key: 0123456789abcdef}
sensors:
  - {id: pam-01, kind: air, name: A, former_unit: quang-tho-cu}
  - {id: flood-01, kind: flood, name: F, alarm_levels_cm: [1, 2, 3], former_unit: SENSOR_UNIT}
cameras:
  - {id: cam-01, name: C, url: "synthetic:", former_unit: CAMERA_UNIT}
  - {id: cam-02, name: D, url: "synthetic:"}
walls:
  - {id: overview, title: T, panels: [map]}
  - {id: phuoc, title: P, panels: [map, alerts], former_unit: WALL_UNIT}
"""


def merged(sensor: str = "quang-phuoc", camera: str = "quang-phuoc", wall: str = "quang-phuoc") -> str:
    return MERGED.replace("SENSOR_UNIT", sensor).replace("CAMERA_UNIT", camera).replace("WALL_UNIT", wall)


def problems(text: str) -> list:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "coc.yaml", environ={})
    return info.value.problems


def test_sensors_cameras_and_wall_screens_belong_to_former_units() -> None:
    config = parse_config(merged(), "coc.yaml", environ={})
    assert config.commune.former_unit("quang-phuoc").name == "Xã Quảng Phước (cũ)"
    assert config.sensor("pam-01").former_unit == "quang-tho-cu"
    assert config.sensor_units() == {"pam-01": "quang-tho-cu", "flood-01": "quang-phuoc"}
    assert config.camera_units() == {"cam-01": "quang-phuoc"}  # cam-02 belongs to none
    assert [w.former_unit for w in config.walls] == [None, "quang-phuoc"]


@pytest.mark.parametrize(("sensor", "camera", "wall", "key", "line", "label"), [
    ("quang-an", "quang-phuoc", "quang-phuoc", "sensors[1].former_unit", 10, "sensor 'flood-01'"),
    ("quang-phuoc", "quang-an", "quang-phuoc", "cameras[0].former_unit", 12, "camera 'cam-01'"),
    ("quang-phuoc", "quang-phuoc", "quang-an", "walls[1].former_unit", 16, "wall screen 'phuoc'"),
])
def test_an_unknown_former_unit_names_its_key_line_and_the_fix(sensor: str, camera: str, wall: str, key: str,
                                                              line: int, label: str) -> None:
    [p] = problems(merged(sensor, camera, wall))
    assert (p.file, p.key, p.line) == ("coc.yaml", key, line)
    assert f"{label} names former unit 'quang-an'" in p.message
    assert p.fix == "use one of ['quang-tho-cu', 'quang-phuoc'] or add it under commune.former_units"


def test_a_commune_without_former_units_refuses_any_reference() -> None:
    text = ('commune: {id: quang-tho, name: "Xã Quảng Thọ"}\nweb: {secret_key: 0123456789abcdef}\n'
            "sensors:\n  - {id: pam-01, kind: air, name: A, former_unit: quang-phuoc}\n")
    [p] = problems(text)
    assert (p.key, p.line) == ("sensors[0].former_unit", 4)
    assert "use one of [] or add it under commune.former_units" in p.fix


def test_a_badly_written_unit_id_is_refused_at_its_key() -> None:
    [p] = problems(merged(sensor="Quảng Phước"))
    assert p.key == "sensors[1].former_unit" and p.line == 10


def test_former_unit_ids_are_unique_and_not_the_communes_own() -> None:
    text = merged().replace("id: quang-phuoc, name", "id: quang-tho, name")
    [p] = problems(text.replace("former_unit: quang-phuoc", "former_unit: quang-tho-cu"))
    assert p.key == "commune" and "'quang-tho' is used twice (or is the commune's own id)" in p.message


def test_district_is_optional_and_the_demo_is_a_merger_without_one() -> None:
    config = parse_config(merged(), "coc.yaml", environ={})
    assert config.commune.district is None
    demo = load_config(ROOT / "config/demo.yaml", environ={})
    assert demo.commune.district is None
    assert [u.id for u in demo.commune.former_units] == ["quang-tho-cu", "quang-phuoc"]
    assert all(u.location is not None for u in demo.commune.former_units)
    assert set(demo.sensor_units().values()) == {"quang-tho-cu", "quang-phuoc"}
    assert 0 < len(demo.camera_units()) < len(demo.cameras)  # the provincial road's cameras belong to no unit
    assert [w.id for w in demo.walls if w.former_unit == "quang-phuoc"] == ["quang-phuoc"]


def test_the_readme_documents_the_former_unit_keys() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("former_units", "sensors[].former_unit", "cameras[].former_unit", "walls[].former_unit"):
        assert needle in text, needle
