"""Garbage the service would refuse is refused: a bbox beyond where its CRS is defined (400
naming the bbox), an Accept header naming no type the service answers in (406 naming Accept),
a band ``noData`` no band sample can hold (400 at BYOC create/update)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import assert_error
from tests.process_emulator.conftest import UTM_CRS, World, process_body

PROCESS = "/api/v1/process"
SCRIPT = """//VERSION=3
function setup() { return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@pytest.mark.parametrize(
    ("bbox", "crs"),
    [
        ((-1e308, -1e308, 1e308, 1e308), UTM_CRS),
        ((-1e300, -1e300, 1e300, 1e300), UTM_CRS),
        ((5e7, 5e7, 5.1e7, 5.1e7), UTM_CRS),
        ((-1e308, -1e308, 1e308, 1e308), CRS84),
        ((900.0, 10.0, 901.0, 11.0), CRS84),
    ],
)
def test_a_bbox_beyond_its_crs_is_400(world: World, bbox: tuple[float, ...], crs: str) -> None:
    body = process_body(SCRIPT, collection=world.main_id, bbox=bbox, crs=crs, size=(16, 16))
    with world.client() as client:
        response = client.post(PROCESS, json=body)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "input->bounds->bbox")


def test_a_geometry_beyond_its_crs_is_400(world: World) -> None:
    body = process_body(SCRIPT, collection=world.main_id, size=(16, 16))
    ring = [[-1e300, -1e300], [1e300, -1e300], [1e300, 1e300], [-1e300, -1e300]]
    body["input"]["bounds"] = {
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"crs": UTM_CRS},
    }
    with world.client() as client:
        response = client.post(PROCESS, json=body)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "input->bounds->geometry")


@pytest.mark.parametrize("accept", ["application/pdf", "text/html", "image/webp, text/*"])
def test_an_accept_header_naming_nothing_answerable_is_406(world: World, accept: str) -> None:
    body = process_body(SCRIPT, collection=world.main_id, size=(16, 16))
    with world.client() as client:
        response = client.post(PROCESS, json=body, headers={"Accept": accept})
    error = assert_error(response, 406, "COMMON_BAD_PAYLOAD", "Accept")
    assert "image/png" in error["message"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("*/*", "image/tiff"),
        ("image/*", "image/tiff"),
        ("text/html, */*;q=0.8", "image/tiff"),
        ("application/pdf, image/png", "image/png"),
    ],
)
def test_wildcards_and_one_answerable_type_are_fine(
    world: World, accept: str, media_type: str
) -> None:
    body = process_body(SCRIPT, collection=world.main_id, size=(16, 16))
    with world.client() as client:
        response = client.post(PROCESS, json=body, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type


def _collection(client: httpx.Client, **fields: Any) -> httpx.Response:
    return client.post("/collections", json={"name": "nodata", "s3Bucket": "data", **fields})


def _band(no_data: Any, **declared: Any) -> dict[str, Any]:
    return {"additionalData": {"bands": {"B1": {**declared, "noData": no_data}}}}


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        (_band(2**70, bitDepth=16, sampleFormat="UINT"), "additionalData->bands->B1->noData"),
        (_band(2**70, bitDepth=32, sampleFormat="INT"), "additionalData->bands->B1->noData"),
        (_band(1e300), "additionalData->bands->B1->noData"),
        ({"noData": 1e300}, "noData"),
        ({"noData": -1e39}, "noData"),
        (_band(256, bitDepth=8), "additionalData->bands->B1->noData"),
        (_band(-1, bitDepth=16), "additionalData->bands->B1->noData"),
        (_band(1.5, bitDepth=16, sampleFormat="UINT"), "additionalData->bands->B1->noData"),
        (_band(1e39, sampleFormat="FLOAT"), "additionalData->bands->B1->noData"),
    ],
)
def test_a_no_data_value_no_sample_can_hold_is_400(
    world: World, fields: dict[str, Any], parameter: str
) -> None:
    with world.client("/api/v1/byoc") as client:
        response = _collection(client, **fields)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


@pytest.mark.parametrize(
    "fields",
    [
        {"noData": 0},
        {"noData": -9999.5},
        {"noData": 3.0e38},
        # A 32-bit float sample holds 2**70 exactly: accepted while the format is not declared.
        {"noData": 2**70},
        _band(2**70),
        _band(2**70, bitDepth=32, sampleFormat="FLOAT"),
        _band(-(2**31), bitDepth=32, sampleFormat="INT"),
        _band(2**32 - 1, bitDepth=32, sampleFormat="UINT"),
        _band(255, bitDepth=8),
    ],
)
def test_no_data_values_a_sample_can_hold_are_accepted(
    world: World, fields: dict[str, Any]
) -> None:
    with world.client("/api/v1/byoc") as client:
        response = _collection(client, **fields)
        assert response.status_code == 201, response.text
        client.delete(f"/collections/{response.json()['data']['id']}")
