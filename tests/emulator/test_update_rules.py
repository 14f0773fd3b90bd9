"""The rules of PUT collection: bucket, bands, sample format, noData."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from .conftest import assert_error, new_collection

BANDS: dict[str, dict[str, Any]] = {
    "B1": {"source": "B1", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
    "B2": {"source": "B2", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
}


@pytest.fixture
def empty(api: httpx.Client) -> dict[str, Any]:
    return new_collection(api, s3Bucket="rules", additionalData={"bands": BANDS})


@pytest.fixture
def with_tile(emulator: Emulator, empty: dict[str, Any]) -> dict[str, Any]:
    emulator.store.create_tiles(empty["id"], [("t/(BAND).tif", None, None)], status="INGESTED")
    return empty


def put(client: httpx.Client, collection: dict[str, Any], **changes: Any) -> httpx.Response:
    body = {"name": collection["name"], "s3Bucket": collection["s3Bucket"], **changes}
    return client.put(f"/collections/{collection['id']}", json=body)


def bands_of(client: httpx.Client, collection: dict[str, Any]) -> dict[str, Any]:
    data = client.get(f"/collections/{collection['id']}").json()["data"]
    bands = data["additionalData"]["bands"]
    assert isinstance(bands, dict)
    return bands


def test_bucket_changes_while_empty(api: httpx.Client, empty: dict[str, Any]) -> None:
    assert put(api, empty, s3Bucket="elsewhere").status_code == 204


def test_bucket_is_fixed_once_a_tile_exists(api: httpx.Client, with_tile: dict[str, Any]) -> None:
    error = assert_error(
        put(api, with_tile, s3Bucket="elsewhere"), 400, "COMMON_BAD_PAYLOAD", "s3Bucket"
    )
    assert "no tiles" in error["message"]
    assert put(api, with_tile).status_code == 204  # the same bucket is fine


def test_bad_bucket_name_is_400(api: httpx.Client, empty: dict[str, Any]) -> None:
    for bucket in ("../escape", "a/b", ""):
        assert_error(put(api, empty, s3Bucket=bucket), 400, "COMMON_BAD_PAYLOAD", "s3Bucket")
        response = api.post("/collections", json={"name": "x", "s3Bucket": bucket})
        assert_error(response, 400, "COMMON_BAD_PAYLOAD", "s3Bucket")


def test_omitted_additional_data_keeps_bands(api: httpx.Client, with_tile: dict[str, Any]) -> None:
    assert put(api, with_tile, name="renamed").status_code == 204
    assert bands_of(api, with_tile) == BANDS


def test_bands_can_be_added_while_empty(api: httpx.Client, empty: dict[str, Any]) -> None:
    bands = {**BANDS, "B3": {"bitDepth": 8, "sampleFormat": "UINT"}}
    assert put(api, empty, additionalData={"bands": bands}).status_code == 204
    assert set(bands_of(api, empty)) == {"B1", "B2", "B3"}


def test_no_band_can_be_added_once_a_tile_exists(
    api: httpx.Client, with_tile: dict[str, Any]
) -> None:
    bands = {**BANDS, "B3": {"bitDepth": 16, "sampleFormat": "UINT"}}
    response = put(api, with_tile, additionalData={"bands": bands})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands->B3")
    assert bands_of(api, with_tile) == BANDS


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"bitDepth": 8}, "additionalData->bands->B1->bitDepth"),
        ({"bandIndex": 2}, "additionalData->bands->B1"),
        ({"source": "other"}, "additionalData->bands->B1"),
    ],
)
def test_band_layout_is_frozen_once_a_tile_exists(
    api: httpx.Client, with_tile: dict[str, Any], change: dict[str, Any], parameter: str
) -> None:
    bands = {**BANDS, "B1": {**BANDS["B1"], **change}}
    response = put(api, with_tile, additionalData={"bands": bands})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_layout_changes_while_empty(api: httpx.Client, empty: dict[str, Any]) -> None:
    bands = {**BANDS, "B1": {**BANDS["B1"], "bitDepth": 8, "bandIndex": 3}}
    assert put(api, empty, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, empty)["B1"]["bitDepth"] == 8


def test_rename_keeps_source(api: httpx.Client, with_tile: dict[str, Any]) -> None:
    bands = {"red": BANDS["B1"], "B2": BANDS["B2"]}
    assert put(api, with_tile, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, with_tile) == bands


def test_band_no_data_can_be_set(api: httpx.Client, with_tile: dict[str, Any]) -> None:
    bands = {**BANDS, "B1": {**BANDS["B1"], "noData": 0}}
    assert put(api, with_tile, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, with_tile)["B1"]["noData"] == 0


def test_left_out_bit_depth_is_kept_once_a_tile_exists(
    api: httpx.Client, with_tile: dict[str, Any]
) -> None:
    bands = {name: {"source": name} for name in BANDS}
    assert put(api, with_tile, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, with_tile) == BANDS


@pytest.mark.parametrize("fixture", ["empty", "with_tile"])
def test_sample_format_is_fixed_once_set(
    api: httpx.Client, fixture: str, request: pytest.FixtureRequest
) -> None:
    collection = request.getfixturevalue(fixture)
    bands = {**BANDS, "B1": {**BANDS["B1"], "sampleFormat": "INT"}}
    response = put(api, collection, additionalData={"bands": bands})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands->B1->sampleFormat")


def test_sample_format_can_be_set_when_unset(api: httpx.Client) -> None:
    collection = new_collection(api, additionalData={"bands": {"B1": {"bitDepth": 8}}})
    bands = {"B1": {"bitDepth": 8, "sampleFormat": "UINT"}}
    assert put(api, collection, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, collection)["B1"]["sampleFormat"] == "UINT"


def test_some_bands_can_be_removed(api: httpx.Client, with_tile: dict[str, Any]) -> None:
    bands = {"B2": BANDS["B2"]}
    assert put(api, with_tile, additionalData={"bands": bands}).status_code == 204
    assert bands_of(api, with_tile) == bands


@pytest.mark.parametrize("additional", [{}, {"bands": {}}])
def test_removing_all_bands_needs_an_empty_collection(
    api: httpx.Client, emulator: Emulator, additional: dict[str, Any]
) -> None:
    collection = new_collection(api, additionalData={"bands": BANDS})
    assert put(api, collection, additionalData=additional).status_code == 204
    data = api.get(f"/collections/{collection['id']}").json()["data"]
    assert data["additionalData"]["bands"] == {}
    assert data["isConfigured"] is False

    assert put(api, collection, additionalData={"bands": BANDS}).status_code == 204
    emulator.store.create_tiles(collection["id"], [("t", None, None)], status="FAILED")
    response = put(api, collection, additionalData=additional)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands")


def test_no_data_is_dropped_when_left_out(api: httpx.Client, empty: dict[str, Any]) -> None:
    assert put(api, empty, noData=7).status_code == 204
    assert api.get(f"/collections/{empty['id']}").json()["data"]["noData"] == 7
    assert put(api, empty).status_code == 204
    assert "noData" not in api.get(f"/collections/{empty['id']}").json()["data"]


def test_no_data_on_collection_and_band_is_400(api: httpx.Client, empty: dict[str, Any]) -> None:
    bands = {**BANDS, "B2": {**BANDS["B2"], "noData": 1}}
    response = put(api, empty, noData=0, additionalData={"bands": bands})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands->B2->noData")
    response = api.post(
        "/collections",
        json={"name": "x", "s3Bucket": "y", "noData": 0, "additionalData": {"bands": bands}},
    )
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "additionalData->bands->B2->noData")
