"""The emulator accepts what the service accepts: nulls for absent fields, read-only fields sent
back; and stays strict where the service is."""

from __future__ import annotations

import uuid

import httpx

from .conftest import assert_error, new_collection

NULL_BAND = {
    "source": None,
    "bandIndex": None,
    "bitDepth": 16,
    "sampleFormat": None,
    "noData": None,
}


def test_nulls_are_absent_at_every_depth(byoc: httpx.Client) -> None:
    response = byoc.post(
        "/collections",
        json={
            "name": "nulls",
            "s3Bucket": "bucket",
            "id": None,
            "userId": None,
            "created": None,
            "noData": None,
            "additionalData": {"bands": {"B1": NULL_BAND}, "maxMetersPerPixel": None},
        },
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert "noData" not in data
    assert data["additionalData"]["bands"] == {
        "B1": {"source": "B1", "bandIndex": 1, "bitDepth": 16}
    }


def test_null_additional_data_and_tile_fields(byoc: httpx.Client) -> None:
    collection = new_collection(byoc, additionalData=None, noData=None)
    assert collection["additionalData"]["bands"] == {}
    response = byoc.post(
        f"/collections/{collection['id']}/tiles",
        json={
            "path": "nulls/(BAND).tif",
            "id": None,
            "status": None,
            "tileGeometry": None,
            "coverGeometry": None,
            "sensingTime": None,
            "created": None,
            "ingestionStart": None,
            "additionalData": None,
        },
    )
    assert response.status_code == 201, response.text
    tile = response.json()["data"]
    assert tile["sensingTime"] is None
    assert "coverGeometry" not in tile


def test_read_only_fields_sent_back_are_ignored(byoc: httpx.Client) -> None:
    collection = new_collection(byoc, name="read-only")
    other_account = str(uuid.uuid4())
    echoed = {
        **collection,
        "name": "read-only renamed",
        "id": str(uuid.uuid4()),
        "accountId": other_account,
        "userId": "someone",
        "created": "not a date",
        "requiresMetadataUpdate": "garbage",
        "additionalData": {
            **collection["additionalData"],
            "maxMetersPerPixel": "x",
            "extent": 5,
            "hasSensingTimes": 7,
        },
    }
    response = byoc.put(f"/collections/{collection['id']}", json=echoed)
    assert response.status_code == 204, response.text
    stored = byoc.get(f"/collections/{collection['id']}").json()["data"]
    assert stored["name"] == "read-only renamed"
    assert stored["accountId"] == collection["accountId"] != other_account
    assert stored["created"] == collection["created"]

    response = byoc.post(
        f"/collections/{collection['id']}/tiles",
        json={"path": "ro/(BAND).tif", "status": "INGESTED", "id": "x", "created": 1},
    )
    assert response.status_code == 201, response.text
    tile = response.json()["data"]
    assert tile["status"] == "WAITING"
    assert tile["id"] != "x"


def test_still_strict_where_the_service_is(byoc: httpx.Client) -> None:
    response = byoc.post("/collections", json={"name": None, "s3Bucket": "bucket"})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "name")
    response = byoc.post(
        "/collections",
        json={
            "name": "n",
            "s3Bucket": "bucket",
            "additionalData": {"bands": {"B1": {"bandIndex": 0}}},
        },
    )
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands->B1->bandIndex")
    collection = new_collection(byoc)
    response = byoc.post(f"/collections/{collection['id']}/tiles", json={"path": None})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "path")
    response = byoc.post(
        f"/collections/{collection['id']}/tiles",
        json={"path": "p", "coverGeometry": {"type": "Polygon", "coordinates": [[[0, None]]]}},
    )
    assert response.status_code == 400, response.text
