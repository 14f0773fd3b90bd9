"""Longitude/latitude sanity of `BBox` and `Geometry` in CRS84 / EPSG:4326: coordinates off the
globe are refused naming the likely mix-up; coordinates on it are never questioned, and nothing
warns (the rule is in the docstring of ``sentinelhub_client.process.geometry``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.process import CRS, BBox, Geometry
from sentinelhub_client.process.builders import check_payload

from .conftest import COLLECTION_ID, EVALSCRIPT

UTM = (500_000.0, 5_000_000.0, 510_000.0, 5_010_000.0)  # zone 33N, near Trieste
WEB_MERCATOR = (1_447_000.0, 5_620_000.0, 1_458_000.0, 5_630_000.0)
SWAPPED = (40.0, -105.3, 40.1, -105.2)  # Boulder, Colorado, written (lat, lon)


def polygon(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def refused(make: Callable[[], object]) -> SentinelHubValidationError:
    with pytest.raises(SentinelHubValidationError) as caught:
        make()
    assert isinstance(caught.value, ValueError)
    return caught.value


def quietly(make: Callable[[], object]) -> object:
    """``make()``, checking that it warns nothing."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        made = make()
    assert seen == [], [str(w.message) for w in seen]
    return made


# -- valid boxes: no error, no warning ----------------------------------------------------------


@pytest.mark.parametrize(
    ("coords", "crs"),
    [
        ((13.0, 45.0, 13.1, 45.1), None),
        ((13.0, 45.0, 13.1, 45.1), CRS.WGS84),
        ((13.0, 45.0, 13.1, 45.1), CRS.CRS84),
        ((13.0, 45.0, 13.1, 45.1), "EPSG:4326"),
        ((45.0, 13.0, 45.1, 13.1), None),  # perhaps swapped, but valid either way: accepted
        ((-180.0, -90.0, 180.0, 90.0), None),  # the whole globe
        ((170.0, -89.5, 180.0, -85.0), 4326),
        ((-180.0000000001, 89.0, -179.0, 90.0000000001), None),  # rounding of a transform
        ((-105.3, 40.0, -105.2, 40.1), None),
        (UTM, CRS.utm(33)),
        (UTM, "EPSG:32633"),
        (WEB_MERCATOR, CRS.POP_WEB),
        ((-20_000_000.0, -20_000_000.0, 20_000_000.0, 20_000_000.0), 3857),
    ],
)
def test_valid_boxes_pass_without_a_warning(
    coords: tuple[float, float, float, float], crs: Any
) -> None:
    box = quietly(lambda: BBox(coords, crs=crs))
    assert isinstance(box, BBox)
    assert list(box) == list(coords)
    shape = quietly(lambda: Geometry(polygon(*coords), crs=crs))
    assert isinstance(shape, Geometry)


def test_a_geometry_with_its_own_projected_crs_member_passes() -> None:
    shape = {
        **polygon(*UTM),
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    }
    made = quietly(lambda: Geometry(shape))
    assert isinstance(made, Geometry)
    assert made.crs == CRS.utm(33)


# -- projected metres labelled WGS84 ---------------------------------------------------------


def test_utm_metres_without_a_crs_name_the_mix_up() -> None:
    error = refused(lambda: BBox(UTM))
    message = str(error)
    assert error.field == "bbox"
    assert message.startswith("bbox: x 500000..510000, y 5000000..5010000 is not on the globe")
    assert "no crs was given, so CRS84 (longitude, latitude in degrees) is assumed" in message
    assert "look like UTM metres (easting, northing) labelled WGS84" in message
    assert "crs=CRS.utm(33)" in message
    assert "'EPSG:32633'" in message
    assert "or transform them to longitude/latitude" in message


@pytest.mark.parametrize("crs", [CRS.WGS84, 4326, "EPSG:4326", CRS.CRS84])
def test_utm_metres_labelled_wgs84_name_the_crs_given(crs: Any) -> None:
    message = str(refused(lambda: BBox(UTM, crs=crs)))
    assert f"crs {CRS(crs)} is longitude, latitude in degrees" in message
    assert "UTM metres" in message


@pytest.mark.parametrize(
    "coords",
    [WEB_MERCATOR, (-8_240_000.0, 4_970_000.0, -8_230_000.0, 4_980_000.0), (0.0, 0.0, 400.0, 1.0)],
)
def test_other_projected_numbers_point_to_their_crs(
    coords: tuple[float, float, float, float],
) -> None:
    message = str(refused(lambda: BBox(coords)))
    assert "look like projected coordinates (metres or feet) labelled WGS84" in message
    assert "crs=3857 for Web Mercator" in message


# -- latitude first ----------------------------------------------------------------------------


def test_a_latitude_longitude_box_off_the_globe_is_called_swapped() -> None:
    error = refused(lambda: BBox(SWAPPED))
    message = str(error)
    assert "y -105.3..-105.2" in message
    assert "look like (latitude, longitude) pairs" in message
    assert "(longitude, latitude), x first; swap the numbers of each pair" in message
    swapped_back = BBox((SWAPPED[1], SWAPPED[0], SWAPPED[3], SWAPPED[2]))
    assert swapped_back.lower_left == (-105.3, 40.0)


def test_corner_pairs_given_latitude_first_are_called_swapped() -> None:
    message = str(refused(lambda: BBox(((40.0, 120.0), (41.0, 121.0)), crs=CRS.WGS84)))
    assert "(latitude, longitude) pairs" in message


# -- longitudes in 0..360, and the rest ---------------------------------------------------------


def test_longitudes_0_to_360_are_named() -> None:
    message = str(refused(lambda: BBox((200.0, 10.0, 201.0, 11.0))))
    assert "longitudes in 0..360? give them in -180..180" in message


@pytest.mark.parametrize(
    "coords",
    [(-200.0, -10.0, -199.0, -9.0), (-190.0, 95.0, -185.0, 100.0), (10.0, 80.0, 20.0, 200.0)],
)
def test_anything_else_gets_the_plain_ranges(coords: tuple[float, float, float, float]) -> None:
    message = str(refused(lambda: BBox(coords)))
    assert "longitude (x) must be within -180..180 and latitude (y) within -90..90" in message


# -- Geometry, payloads and boxes made from other objects --------------------------------------


def test_a_geometry_is_checked_like_a_box() -> None:
    error = refused(lambda: Geometry(polygon(*UTM)))
    assert error.field == "geometry"
    assert "UTM metres" in str(error)
    swapped = refused(lambda: Geometry(polygon(*SWAPPED), crs=CRS.WGS84))
    assert "(latitude, longitude) pairs" in str(swapped)


def test_a_multipolygon_is_checked_over_every_position() -> None:
    shape = {
        "type": "MultiPolygon",
        "coordinates": [
            polygon(13.0, 45.0, 13.1, 45.1)["coordinates"],
            polygon(*UTM)["coordinates"],
        ],
    }
    message = str(refused(lambda: Geometry(shape)))
    assert "x 13..510000, y 45..5010000" in message
    assert "projected coordinates (metres or feet)" in message


def test_relabelling_a_projected_box_as_wgs84_is_refused() -> None:
    box = BBox(UTM, crs=CRS.utm(33))
    assert "UTM metres" in str(refused(lambda: BBox(box, crs=CRS.WGS84)))
    assert "UTM metres" in str(refused(lambda: Geometry(box, crs=CRS.WGS84)))


class TheirBBox:
    """sentinelhub-py's BBox, as far as we read it."""

    def __init__(self, coords: tuple[float, float, float, float], crs: Any) -> None:
        self.lower_left = coords[:2]
        self.upper_right = coords[2:]
        self.crs = crs


def test_sentinelhub_py_boxes_are_checked_in_their_crs() -> None:
    assert isinstance(quietly(lambda: BBox(TheirBBox(UTM, CRS.utm(33)))), BBox)
    assert "UTM metres" in str(refused(lambda: BBox(TheirBBox(UTM, CRS.WGS84))))


def payload(bounds: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": {"bounds": bounds, "data": [{"type": f"byoc-{COLLECTION_ID}"}]},
        "evalscript": EVALSCRIPT,
        "output": {"width": 10, "height": 10},
    }


def test_a_raw_payload_is_checked_before_sending() -> None:
    check_payload(payload({"bbox": [13.0, 45.0, 13.1, 45.1]}))
    check_payload(
        payload(
            {
                "bbox": list(UTM),
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            }
        )
    )
    assert "UTM metres" in str(refused(lambda: check_payload(payload({"bbox": list(UTM)}))))
    outside = payload(
        {
            "geometry": polygon(*SWAPPED),
            "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
        }
    )
    assert "(latitude, longitude) pairs" in str(refused(lambda: check_payload(outside)))
