"""CRS, BBox and Geometry: parsing, the service's CRS URLs, errors, and sentinelhub-py's objects."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sentinelhub
import shapely.geometry
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.process import CRS, BBox, Geometry, SentinelHubRequest

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]]}


@pytest.mark.parametrize(
    ("value", "epsg"),
    [
        (4326, 4326),
        ("4326", 4326),
        ("EPSG:32633", 32633),
        ("epsg:3857", 3857),
        ("urn:ogc:def:crs:EPSG::3035", 3035),
        ("urn:ogc:def:crs:EPSG:6.6:32601", 32601),
        ("http://www.opengis.net/def/crs/EPSG/0/32760", 32760),
        ("CRS84", None),
        ("OGC:CRS84", None),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", None),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", None),
    ],
)
def test_crs_parses_the_usual_spellings(value: Any, epsg: int | None) -> None:
    assert CRS(value).epsg == epsg


def test_crs_is_written_as_the_service_expects() -> None:
    assert CRS(32633).opengis_string == "http://www.opengis.net/def/crs/EPSG/0/32633"
    assert CRS.CRS84.opengis_string == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert CRS.utm(33).epsg == 32633
    assert CRS.utm(1, south=True).epsg == 32701
    assert str(CRS.WGS84) == "EPSG:4326"
    assert repr(CRS.POP_WEB) == "CRS('EPSG:3857')"
    assert CRS(4326) == CRS.WGS84
    assert CRS.CRS84 != CRS.WGS84
    assert len({CRS(4326), CRS("EPSG:4326")}) == 1


@pytest.mark.parametrize("value", ["EPSG:abc", "", "WGS 84", 0, -5, True, 3.5, None])
def test_crs_refuses_what_it_cannot_read(value: Any) -> None:
    with pytest.raises(SentinelHubValidationError) as info:
        CRS(value)
    assert info.value.field == "crs"


def test_crs_accepts_sentinelhub_and_pyproj_objects() -> None:
    import pyproj

    assert CRS(sentinelhub.CRS.UTM_33N).epsg == 32633
    assert CRS(sentinelhub.CRS.WGS84).opengis_string == sentinelhub.CRS.WGS84.opengis_string
    assert CRS(pyproj.CRS.from_epsg(3035)).epsg == 3035
    assert CRS(pyproj.CRS("OGC:CRS84")).epsg is None
    with pytest.raises(ValueError, match="UTM zone"):
        CRS.utm(61)


def test_bbox_forms_and_properties() -> None:
    box = BBox((1, 2, 3, 4))
    assert list(box) == [1.0, 2.0, 3.0, 4.0]
    assert box.crs == CRS.CRS84
    assert BBox(((1, 2), (3, 4)), crs=32633) == BBox([1, 2, 3, 4], crs="EPSG:32633")
    assert box.lower_left == (1.0, 2.0)
    assert box.upper_right == (3.0, 4.0)
    assert (box.min_x, box.min_y, box.max_x, box.max_y) == (1.0, 2.0, 3.0, 4.0)
    assert box.geojson == {
        "type": "Polygon",
        "coordinates": [[[1.0, 2.0], [3.0, 2.0], [3.0, 4.0], [1.0, 4.0], [1.0, 2.0]]],
    }
    assert shapely.geometry.shape(box).area == 4.0  # __geo_interface__
    assert repr(box) == "BBox([1.0, 2.0, 3.0, 4.0], crs='OGC:CRS84')"
    assert BBox(box, crs=3857).crs == CRS(3857)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ((3, 2, 1, 4), "reversed"),
        ((1, 2, 1, 4), "empty"),
        ((1, 2, 3), "4 numbers"),
        ((1, 2, 3, float("nan")), "finite"),
        ((1, 2, "3", 4), "number"),
        ("1,2,3,4", "expected"),
    ],
)
def test_bbox_refuses_bad_boxes(value: Any, message: str) -> None:
    with pytest.raises(SentinelHubValidationError, match=message) as info:
        BBox(value)
    assert info.value.field == "bbox"


def test_bbox_from_sentinelhub_keeps_its_crs() -> None:
    theirs = sentinelhub.BBox((500000, 4600000, 500100, 4600060), crs=sentinelhub.CRS.UTM_33N)
    ours = BBox(theirs)
    assert list(ours) == list(theirs)
    assert ours.crs == CRS(32633)


def test_geometry_from_geojson_feature_string_wkt_and_shapely() -> None:
    expected = Geometry(SQUARE)
    assert expected.geojson == {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
    }
    assert expected.crs == CRS.CRS84
    assert Geometry({"type": "Feature", "properties": {}, "geometry": SQUARE}) == expected
    assert Geometry(json.dumps(SQUARE)) == expected
    assert Geometry("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))") == expected
    assert Geometry(shapely.geometry.shape(SQUARE)) == expected
    assert expected.bbox == BBox((0, 0, 2, 1))
    assert Geometry(BBox((0, 0, 2, 1))).geojson["type"] == "Polygon"


def test_geometry_crs_member_and_multipolygon() -> None:
    with_crs = {
        **SQUARE,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    }
    geometry = Geometry(with_crs)
    assert geometry.crs == CRS(32633)
    assert "crs" not in geometry.geojson
    assert geometry.get_geojson()["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    with pytest.raises(SentinelHubValidationError, match="differs"):
        Geometry(with_crs, crs=3857)
    multi = Geometry(
        {
            "type": "MultiPolygon",
            "coordinates": [SQUARE["coordinates"], [[[5, 5], [6, 5], [6, 6], [5, 5]]]],
        },
        crs=3857,
    )
    assert multi.bbox == BBox((0, 0, 6, 6), crs=3857)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "Polygon or a MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]}, "position"),
        ({"type": "Polygon", "coordinates": []}, "non-empty"),
        ({"type": "Feature", "geometry": None}, "no geometry"),
        ("POLYGON ((0 0, 1 0", "WKT"),
        ("{not json", "GeoJSON"),
        (42, "expected"),
    ],
)
def test_geometry_refuses_what_the_service_would(value: Any, message: str) -> None:
    with pytest.raises(SentinelHubValidationError, match=message) as info:
        Geometry(value)
    assert info.value.field.startswith("geometry")


def test_sentinelhub_geometry_objects_give_the_same_bounds_as_theirs() -> None:
    crs = sentinelhub.CRS.UTM_33N
    their_bbox = sentinelhub.BBox((500000, 4600000, 500100, 4600060), crs=crs)
    their_geometry = sentinelhub.Geometry(
        "POLYGON ((500010 4600010, 500090 4600010, 500090 4600050, 500010 4600010))", crs=crs
    )
    theirs = sentinelhub.SentinelHubRequest.bounds(bbox=their_bbox, geometry=their_geometry)
    # Their objects through our helper, and ours built from plain values: the same wire dict.
    mixed = SentinelHubRequest.bounds(bbox=their_bbox, geometry=their_geometry)
    ours = SentinelHubRequest.bounds(
        bbox=BBox((500000, 4600000, 500100, 4600060), crs=32633),
        geometry=Geometry(
            {
                "type": "Polygon",
                "coordinates": [
                    [[500010, 4600010], [500090, 4600010], [500090, 4600050], [500010, 4600010]]
                ],
            },
            crs=CRS.utm(33),
        ),
    )
    wire = json.loads(json.dumps(theirs))
    assert mixed == wire
    assert ours == wire
    assert wire["properties"]["crs"] == "http://www.opengis.net/def/crs/EPSG/0/32633"


def test_bounds_checks() -> None:
    with pytest.raises(SentinelHubValidationError, match="bbox and/or a geometry"):
        SentinelHubRequest.bounds()
    with pytest.raises(SentinelHubValidationError, match="differs") as info:
        SentinelHubRequest.bounds(BBox((0, 0, 1, 1), crs=32633), Geometry(SQUARE, crs=3857))
    assert info.value.field == "geometry"
    # CRS84 and EPSG:4326 are both longitude/latitude for the service: accepted together.
    both = SentinelHubRequest.bounds(BBox((0, 0, 2, 1), crs=4326), Geometry(SQUARE))
    assert both["properties"]["crs"] == "http://www.opengis.net/def/crs/EPSG/0/4326"
    only_geometry = SentinelHubRequest.bounds(geometry=SQUARE)
    assert set(only_geometry) == {"properties", "geometry"}
    assert only_geometry["properties"]["crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@pytest.mark.parametrize(
    "member",
    [
        {"type": "name"},
        {"type": "name", "properties": None},
        "EPSG:4326",
        {"properties": {"name": 5}},
    ],
)
def test_a_malformed_crs_member_is_refused(member: Any) -> None:
    with pytest.raises(SentinelHubValidationError) as info:
        Geometry({**SQUARE, "crs": member})
    assert info.value.field == "geometry.crs"
