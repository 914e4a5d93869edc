"""The municipality boundaries for the map (`D/reference/municipalities_2pct.geojson`)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.core.errors import InputError

MAX_GEOJSON_BYTES = 20 * 1024 * 1024


def load_features(path: Path, codes: list[str]) -> dict[str, dict]:
    """The boundary geometry (GeoJSON Polygon or MultiPolygon) of each municipality, by code."""
    if not path.is_file():
        raise InputError(path, "the municipality boundaries (GeoJSON) are missing")
    if path.stat().st_size > MAX_GEOJSON_BYTES:
        raise InputError(path, f"the GeoJSON is larger than {MAX_GEOJSON_BYTES} bytes")
    try:
        document = json.loads(path.read_bytes())
        features = document["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(path, f"not a GeoJSON FeatureCollection ({error})") from None
    geometry: dict[str, dict] = {}
    for number, feature in enumerate(features, start=1):
        try:
            code = str(feature["properties"]["id"])
            shape = feature["geometry"]
            kind = shape["type"]
        except (KeyError, TypeError):
            raise InputError(path, "every feature has properties.id and a geometry",
                             line=None, column=f"features[{number - 1}]") from None
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

