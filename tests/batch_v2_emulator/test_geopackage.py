# ruff: noqa: E501
"""batch_v2/geopackage: reading a Batch v2 GeoPackage input (real .gpkg files, pyogrio)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import pytest
import shapely
from sentinelhub_emulator.batch_v2.geopackage import (
    FeatureDefaults,
    GeopackageError,
    parse_defaults,
    read_features,
)


def write(
    path: Path,
    geometries: list[Any],
    columns: dict[str, list[Any]],
    *,
    crs: str = "EPSG:4326",
    layer: str = "tiles",
    **options: Any,
) -> Path:
    wkb = np.array([None if g is None else shapely.to_wkb(g) for g in geometries], dtype=object)
    names = list(columns)
    data = [
        np.array(
            values, dtype=object if any(isinstance(v, str) or v is None for v in values) else None
        )
        for values in columns.values()
    ]
    pyogrio.raw.write(
        str(path),
        wkb,
        data,
        names,
        crs=crs,
        geometry_type="Unknown",
        driver="GPKG",
        layer=layer,
        **options,
    )
    return path


def test_valid_package_with_two_crs_layers(tmp_path: Path) -> None:
    path = tmp_path / "f.gpkg"
    multi = shapely.MultiPolygon(
        [shapely.box(14.0, 46.0, 14.1, 46.1), shapely.box(14.2, 46.0, 14.3, 46.1)]
    )
    write(
        path,
        [shapely.box(13.0, 45.0, 13.1, 45.05), multi],
        {"id": [10, 20], "identifier": ["a", "b"], "width": [100, 300], "height": [50, 100]},
    )
    write(
        path,
        [shapely.box(500000, 5000000, 510000, 5002000)],
        {"identifier": ["utm"], "resolution": [10.0]},
        crs="EPSG:32633",
        layer="utm",
        append=True,
        layer_options={"FID": "id"},
    )
    features = read_features(path)
    assert [(f.identifier, f.id, f.layer, f.epsg) for f in features] == [
        ("a", 10, "tiles", 4326),
        ("b", 20, "tiles", 4326),
        ("utm", 1, "utm", 32633),
    ]
    a, b, utm = features
    assert a.bounds == (13.0, 45.0, 13.1, 45.05)
    assert (a.width, a.height) == (100, 50)
    assert b.geometry.geom_type == "MultiPolygon"
    assert b.wgs84_geometry.equals(b.geometry)
    assert (utm.width, utm.height) == (1000, 200)
    assert utm.resolution == (10.0, 10.0)
    minx, miny, _maxx, _maxy = utm.wgs84_geometry.bounds
    assert 14.9 < minx < 15.1
    assert 45.1 < miny < 45.2
    assert utm.crs_url.endswith("/32633")


def test_defaults_fill_missing_sizes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.gpkg",
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 3, 1)],
        {"id": [1, 2], "identifier": ["a", "b"], "resolution": [np.nan, 0.5]},
    )
    a, b = read_features(path, {"width": 16, "height": 8})
    assert (a.width, a.height, b.width, b.height) == (16, 8, 4, 2)
    assert parse_defaults({"resolution": 2}) == FeatureDefaults(resolution=2.0)


@pytest.mark.parametrize(
    ("columns", "geometries", "message"),
    [
        (
            {"identifier": ["a"], "width": [1], "height": [1]},
            None,
            "Layer 'tiles' has no column 'id'; add the column 'id' (a unique integer per feature)",
        ),
        (
            {"id": [1], "width": [1], "height": [1]},
            None,
            "Layer 'tiles' has no column 'identifier'",
        ),
        (
            {"id": [1, 2], "identifier": ["a", "a"], "width": [1, 1], "height": [1, 1]},
            2,
            "Feature 'a' (FID 2 of layer 'tiles') repeats the identifier 'a' of feature 'a' (FID 1 of layer 'tiles'); give every feature a unique identifier",
        ),
        (
            {"id": [7, 7], "identifier": ["a", "b"], "width": [1, 1], "height": [1, 1]},
            2,
            "repeats the id 7",
        ),
        (
            {"id": [1], "identifier": ["a/b"], "width": [1], "height": [1]},
            None,
            "cannot name an output",
        ),
        (
            {"id": [1], "identifier": ["a"], "width": [1], "height": [1]},
            [shapely.Point(0, 0)],
            "Feature 'a' (FID 1 of layer 'tiles') is a Point; only Polygon and MultiPolygon features are allowed",
        ),
        (
            {"id": [1], "identifier": ["a"], "width": [1], "height": [1]},
            [shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])],
            "has an invalid geometry (Self-intersection",
        ),
        ({"id": [1], "identifier": ["a"], "width": [1], "height": [1]}, [None], "has no geometry"),
        ({"id": [1], "identifier": ["a"]}, None, "has no output size"),
        (
            {"id": [1], "identifier": ["a"], "width": [4000], "height": [1]},
            None,
            "set an integer from 1 to 3500",
        ),
        (
            {"id": [1], "identifier": ["a"], "width": [5], "resolution": [0.1]},
            None,
            "sets both resolution and width/height",
        ),
        (
            {"id": [1], "identifier": ["a"], "resolution": [0.0001]},
            None,
            "gives a width of 10000 pixels",
        ),
        (
            {"id": [1.5], "identifier": ["a"], "width": [1], "height": [1]},
            None,
            "Column 'id' of layer 'tiles' is of type OFTReal",
        ),
    ],
)
def test_refusals(
    tmp_path: Path, columns: dict[str, list[Any]], geometries: Any, message: str
) -> None:
    count = len(next(iter(columns.values())))
    if not isinstance(geometries, list):
        geometries = [shapely.box(i, 0, i + 1, 1) for i in range(count)]
    path = write(tmp_path / "bad.gpkg", geometries, columns)
    with pytest.raises(GeopackageError) as caught:
        read_features(path)
    assert message in caught.value.message
    assert caught.value.field == "input->features"


def test_file_level_refusals(tmp_path: Path) -> None:
    text = tmp_path / "text.gpkg"
    text.write_text("hello")
    with pytest.raises(GeopackageError, match=r"'text.gpkg' is not a GeoPackage GDAL can read"):
        read_features(text)
    with pytest.raises(GeopackageError, match="does not exist"):
        read_features(tmp_path / "missing.gpkg")
    boxes = [shapely.box(i, 0, i + 1, 1) for i in range(3)]
    many = write(
        tmp_path / "many.gpkg",
        boxes,
        {"id": [1, 2, 3], "identifier": ["a", "b", "c"], "width": [1] * 3, "height": [1] * 3},
    )
    with pytest.raises(GeopackageError, match="has 3 features, more than the 2 allowed"):
        read_features(many, max_features=2)
    empty = write(
        tmp_path / "empty.gpkg",
        [],
        {"id": np.array([], dtype=np.int64), "identifier": np.array([], dtype=object)},
    )
    with pytest.raises(GeopackageError, match="has no features"):
        read_features(empty)
    geocentric = write(
        tmp_path / "ecef.gpkg",
        boxes[:1],
        {"id": [1], "identifier": ["a"], "width": [1], "height": [1]},
        crs="EPSG:4978",
    )
    with pytest.raises(GeopackageError, match="not a 2D geographic or projected CRS"):
        read_features(geocentric)


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (
            {"width": 10, "resolution": 5},
            "input->defaults->resolution",
            "Only width and height or resolution",
        ),
        ({"width": 10}, "input->defaults->height", "without height"),
        ({"width": 0, "height": 1}, "input->defaults->width", "integer from 1 to 3500"),
        ({"resolution": -1}, "input->defaults->resolution", "greater than 0"),
        ({"size": 1}, "input->defaults->size", "unknown field(s) size"),
    ],
)
def test_defaults_refusals(raw: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(GeopackageError) as caught:
        parse_defaults(raw)
    assert caught.value.field == field
    assert message in caught.value.message
