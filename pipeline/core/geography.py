"""The municipality boundaries (`data/reference/municipalities_2pct.geojson`) and their projection
to SVG path data: the one map of Sweden that the site's choropleth and the variants memo draw.

Projection: equirectangular with the longitude scaled by cos(62.5°) (the middle of Sweden), y
pointing down, in a view box 1000 units high; coordinates are written with one decimal as
relative moves, which keeps the 290 paths near 200 kB.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import InputError

MAX_GEOJSON_BYTES = 20 * 1024 * 1024
# Every map drawn from the boundaries cites them (data/reference/README.md).
BOUNDARIES_SOURCE = "Kommungränser: Valmyndigheten via okfse/sweden-geojson"
HEIGHT = 1000.0
LATITUDE = 62.5


def load_features(path: Path, codes: list[str]) -> dict[str, dict]:
    """The boundary geometry (GeoJSON Polygon or MultiPolygon) of each municipality, by code."""
    if not path.is_file():
        raise InputError(path, "the municipality boundaries (GeoJSON) are missing")
    if path.stat().st_size > MAX_GEOJSON_BYTES:
        raise InputError(path, f"the GeoJSON is larger than {MAX_GEOJSON_BYTES} bytes")
    try:
        document = json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON ({error.msg})", line=error.lineno,
                         column=f"character {error.colno}") from None
    except ValueError as error:  # not UTF-8 (or UTF-16/32, which JSON also allows)
        raise InputError(path, f"not valid JSON ({error})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise InputError(path, "not a GeoJSON FeatureCollection: no list of features",
                         column="features")
    geometry: dict[str, dict] = {}
    for number, feature in enumerate(features, start=1):
        try:
            code = str(feature["properties"]["id"])
            shape = feature["geometry"]
            kind = shape["type"]
        except (KeyError, TypeError):
            raise InputError(path, "every feature has properties.id and a geometry",
                             column=f"features[{number - 1}]") from None
        if kind not in ("Polygon", "MultiPolygon"):
            raise InputError(path, "a municipality is a Polygon or MultiPolygon",
                             column=f"features[{number - 1}]", value=kind)
        if code in geometry:
            raise InputError(path, "each municipality appears once",
                             column="properties.id", value=code)
        geometry[code] = shape
    if set(geometry) != set(codes):
        missing = sorted(set(codes) - set(geometry))
        unknown = sorted(set(geometry) - set(codes))
        raise InputError(path, "the features must be exactly the register's municipalities "
                         f"(missing {missing[:5]}, unknown {unknown[:5]})")
    return geometry


@dataclass(frozen=True)
class Projected:
    paths: dict[str, str]
    width: float
    height: float


def project(features: dict[str, dict]) -> Projected:
    """Every municipality's geometry as SVG path data in one shared frame."""
    scale_x = math.cos(math.radians(LATITUDE))
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    min_x = min_y = math.inf
    max_x = max_y = -math.inf
    for code, geometry in features.items():
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        shapes = []
        for polygon in polygons:
            for ring in polygon:
                points = [(lon * scale_x, -lat) for lon, lat, *_ in ring]
                for x, y in points:
                    min_x, max_x = min(min_x, x), max(max_x, x)
                    min_y, max_y = min(min_y, y), max(max_y, y)
                shapes.append(points)
        rings[code] = shapes
    factor = HEIGHT / (max_y - min_y)
    width = round((max_x - min_x) * factor, 1)
    paths = {code: _path_data(shapes, min_x, min_y, factor) for code, shapes in rings.items()}
    return Projected(paths=paths, width=width, height=HEIGHT)


def _path_data(rings: list[list[tuple[float, float]]], min_x: float, min_y: float,
               factor: float) -> str:
    parts = []
    for ring in rings:
        scaled = [(round((x - min_x) * factor * 10), round((y - min_y) * factor * 10))
                  for x, y in ring]
        first_x, first_y = scaled[0]
        moves = []
        last_x, last_y = first_x, first_y
        for x, y in scaled[1:]:
            if (x, y) != (last_x, last_y):
                moves.append(f"{_tenths(x - last_x)} {_tenths(y - last_y)}")
                last_x, last_y = x, y
        parts.append(f"M{_tenths(first_x)} {_tenths(first_y)}l{' '.join(moves)}z")
    return "".join(parts)


def _tenths(value: int) -> str:
    whole, tenth = divmod(abs(value), 10)
    text = f"{whole}.{tenth}" if tenth else str(whole)
    return ("-" if value < 0 else "") + text
