"""The municipality boundaries (GeoJSON) and their projection to SVG paths: each refusal names
the file, the place and the value; a tiny map of two squares projects to paths worked out by
hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.core.geography import MAX_GEOJSON_BYTES, load_features, project


def square(west: float, south: float, *, height: float | None = None) -> dict:
    ring = [[west, south], [west + 1, south], [west + 1, south + 1], [west, south + 1],
            [west, south]]
    if height is not None:  # a third coordinate (height) is allowed and ignored
        ring = [[*point, height] for point in ring]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: object, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": {"id": code}, "geometry": geometry}


def written(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def refusal(path: Path, codes: list[str]) -> InputError:
    with pytest.raises(InputError) as raised:
        load_features(path, codes)
    assert raised.value.file == str(path)
    return raised.value


def test_each_municipality_is_read_by_its_code(tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [square(0, 0)["coordinates"],
                                                     square(5, 5)["coordinates"]]}
    path = written(tmp_path, collection(feature("0114", square(0, 0)), feature(1280, multi)))
    # a numeric id is read as its text; codes keep their leading zero
    assert load_features(path, ["0114", "1280"]) == {"0114": square(0, 0), "1280": multi}


def test_a_missing_file_is_refused(tmp_path):
    error = refusal(tmp_path / "absent.geojson", [])
    assert error.rule == "the municipality boundaries (GeoJSON) are missing"


def test_a_file_above_the_size_limit_is_refused_and_one_at_it_is_read(tmp_path):
    path = written(tmp_path, collection(feature("0114", square(0, 0))))
    with path.open("a") as handle:
        handle.write(" " * (MAX_GEOJSON_BYTES - path.stat().st_size))
    assert list(load_features(path, ["0114"])) == ["0114"]
    with path.open("a") as handle:
        handle.write(" ")
    error = refusal(path, ["0114"])
    assert error.rule == f"the GeoJSON is larger than {MAX_GEOJSON_BYTES} bytes"


def test_broken_json_is_refused_naming_its_line_and_character(tmp_path):
    path = tmp_path / "boundaries.geojson"
    path.write_text('{"type": "FeatureCollection",\n  "features": [,]}', encoding="utf-8")
    error = refusal(path, [])
    assert (error.line, error.column) == (2, "character 16")
    assert error.rule == "not valid JSON (Expecting value)"


def test_a_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "boundaries.geojson"
    path.write_bytes(b'{"features": "\xff"}')
    assert refusal(path, []).rule.startswith("not valid JSON (")


@pytest.mark.parametrize("document", [[], {"type": "FeatureCollection"},
                                      {"features": {"0114": {}}}, "features"])
def test_a_document_without_a_list_of_features_is_refused(tmp_path, document):
    error = refusal(written(tmp_path, document), [])
    assert (error.column, error.rule) == (
        "features", "not a GeoJSON FeatureCollection: no list of features")


@pytest.mark.parametrize("broken", [
    {"type": "Feature", "geometry": square(0, 0)},
    {"type": "Feature", "properties": {}, "geometry": square(0, 0)},
    {"type": "Feature", "properties": {"id": "0115"}},
    feature("0115", None),
    feature("0115", {"coordinates": []}),
    "0115",
])
def test_a_feature_without_its_code_or_geometry_is_refused_naming_it(tmp_path, broken):
    error = refusal(written(tmp_path, collection(feature("0114", square(0, 0)), broken)),
                    ["0114", "0115"])
    assert (error.line, error.column, error.rule) == (
        None, "features[1]", "every feature has properties.id and a geometry")


def test_a_feature_that_is_no_area_is_refused_naming_it_and_its_kind(tmp_path):
    point = {"type": "Point", "coordinates": [15.0, 60.0]}
    error = refusal(written(tmp_path, collection(feature("0114", point))), ["0114"])
    assert (error.column, error.value, error.rule) == (
        "features[0]", "Point", "a municipality is a Polygon or MultiPolygon")


def test_a_municipality_drawn_twice_is_refused(tmp_path):
    path = written(tmp_path, collection(feature("0114", square(0, 0)),
                                        feature("0114", square(1, 0))))
    error = refusal(path, ["0114"])
    assert (error.column, error.value, error.rule) == (
        "properties.id", "0114", "each municipality appears once")


def test_the_features_must_be_the_registers_municipalities(tmp_path):
    path = written(tmp_path, collection(*(feature(code, square(0, 0)) for code in (
        "0114", "9906", "9901", "9902", "9903", "9904", "9905"))))
    codes = ["0114", "0115", "0117", "0120", "0123", "0125", "0126"]
    error = refusal(path, codes)
    # at most five of each are named, in order
    assert error.rule == ("the features must be exactly the register's municipalities (missing "
                          "['0115', '0117', '0120', '0123', '0125'], unknown ['9901', '9902', "
                          "'9903', '9904', '9905'])")
    error = refusal(written(tmp_path, collection(feature("0114", square(0, 0)),
                                                 feature("9901", square(0, 0)))), ["0114"])
    assert error.rule.endswith("(missing [], unknown ['9901'])")


def test_two_squares_project_to_paths_worked_out_by_hand():
    # x = longitude * cos(62.5°) = 0.4617486..., y = -latitude; the frame's height (1 degree of
    # latitude) is 1000 units, so a degree of longitude is 461.7486 units wide; points are kept
    # in tenths: 0.4617486 * 10000 = 4617.486 -> 4617, twice that 9234.97 -> 9235
    west = square(0, 0, height=12.0)
    east = square(1, 0)
    # a point repeated is no move
    east["coordinates"][0].insert(1, east["coordinates"][0][0])
    projected = project({"0114": west, "0115": east})
    assert (projected.width, projected.height) == (923.5, 1000.0)
    assert projected.paths == {
        "0114": "M0 1000l461.7 0 0 -1000 -461.7 0 0 1000z",
        "0115": "M461.7 1000l461.8 0 0 -1000 -461.8 0 0 1000z",
    }


def test_every_ring_of_a_multipolygon_is_drawn():
    multi = {"type": "MultiPolygon", "coordinates": [square(0, 0)["coordinates"],
                                                     square(0, 1)["coordinates"]]}
    # two rings, one above the other: the frame is 2 degrees high, so a degree is 500 units
    assert project({"0114": multi}).paths["0114"] == (
        "M0 1000l230.9 0 0 -500 -230.9 0 0 500z"
        "M0 500l230.9 0 0 -500 -230.9 0 0 500z")


def test_the_map_does_not_depend_on_where_sweden_lies():
    # the same two squares 15 degrees east and 60 north: the same paths (each point is measured
    # from the frame's west and north edges) and the same width
    west, east = square(15, 60), square(16, 60)
    projected = project({"0114": west, "0115": east})
    assert (projected.width, projected.height) == (923.5, 1000.0)
    assert projected.paths == {
        "0114": "M0 1000l461.7 0 0 -1000 -461.7 0 0 1000z",
        "0115": "M461.7 1000l461.8 0 0 -1000 -461.8 0 0 1000z",
    }
    # the width has one decimal: one degree of longitude is 461.7486 units, written 461.7
    assert project({"0114": square(15, 60)}).width == 461.7
