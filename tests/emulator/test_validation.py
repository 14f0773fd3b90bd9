"""Bad input is a 400 COMMON_BAD_PAYLOAD that names the parameter, and never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import assert_error, new_collection

GOOD_BAND = {"bitDepth": 16, "sampleFormat": "UINT"}


@pytest.fixture(scope="module")
def collection(api: httpx.Client) -> dict[str, Any]:
    return new_collection(api, s3Bucket="no-such-bucket")


@pytest.mark.parametrize(
    ("content", "parameter"),
    [
        (b'{"name": "n", "s3Bucket": "b", "noData": 1e400}', "body"),
        (b'{"name": "n", "s3Bucket": "b", "noData": NaN}', "body"),
        (b'{"name": "n", "s3Bucket": "b", "noData": -Infinity}', "body"),
        (b"", "body"),
        (b"   ", "body"),
        (b"{", "body"),
        (b"\xff\xfe", "body"),
        (b"[]", "body"),
        (b'"text"', "body"),
        (b"null", "body"),
    ],
)
def test_unreadable_bodies(api: httpx.Client, content: bytes, parameter: str) -> None:
    response = api.post(
        "/collections", content=content, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"s3Bucket": "b"}, "name"),
        ({"name": "n"}, "s3Bucket"),
        ({"name": 5, "s3Bucket": "b"}, "name"),
        ({"name": "  ", "s3Bucket": "b"}, "name"),
        ({"name": "n", "s3Bucket": ["b"]}, "s3Bucket"),
        ({"name": "n", "s3Bucket": "b", "noData": "zero"}, "noData"),
        ({"name": "n", "s3Bucket": "b", "additionalData": []}, "additionalData"),
        ({"name": "n", "s3Bucket": "b", "additionalData": {"bands": []}}, "additionalData->bands"),
        (
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"B1": {"bitDepth": "x"}}}},
            "additionalData->bands->B1->bitDepth",
        ),
        (
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"B1": {"bitDepth": 12}}}},
            "additionalData->bands->B1->bitDepth",
        ),
        (
            {
                "name": "n",
                "s3Bucket": "b",
                "additionalData": {"bands": {"B1": {**GOOD_BAND, "sampleFormat": "DOUBLE"}}},
            },
            "additionalData->bands->B1->sampleFormat",
        ),
        (
            {
                "name": "n",
                "s3Bucket": "b",
                "additionalData": {"bands": {"B1": {**GOOD_BAND, "bandIndex": 0}}},
            },
            "additionalData->bands->B1->bandIndex",
        ),
        (
            {
                "name": "n",
                "s3Bucket": "b",
                "additionalData": {"bands": {"B1": {**GOOD_BAND, "source": "a/b"}}},
            },
            "additionalData->bands->B1->source",
        ),
        (
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"1st": GOOD_BAND}}},
            "additionalData->bands->1st",
        ),
        (
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"var": GOOD_BAND}}},
            "additionalData->bands->var",
        ),
        (
            {
                "name": "n",
                "s3Bucket": "b",
                "additionalData": {"bands": {f"B{i}": GOOD_BAND for i in range(101)}},
            },
            "additionalData->bands",
        ),
    ],
)
def test_bad_collection_bodies(api: httpx.Client, body: dict[str, Any], parameter: str) -> None:
    error = assert_error(api.post("/collections", json=body), 400, "COMMON_BAD_PAYLOAD", parameter)
    assert all(set(e) == {"parameter", "violation"} for e in error["errors"])


def test_several_violations_are_all_reported(api: httpx.Client) -> None:
    error = assert_error(
        api.post("/collections", json={"name": 1, "s3Bucket": 2}), 400, "COMMON_BAD_PAYLOAD"
    )
    assert {e["parameter"] for e in error["errors"]} == {"name", "s3Bucket"}


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({}, "path"),
        ({"path": 3}, "path"),
        ({"path": ""}, "path"),
        ({"path": "x", "sensingTime": "yesterday"}, "sensingTime"),
        ({"path": "x", "sensingTime": "2024-01-01"}, "sensingTime"),
        ({"path": "x", "sensingTime": 5}, "sensingTime"),
        ({"path": "x", "sensingTime": "9999-12-31T23:59:59-01:00"}, "sensingTime"),
        ({"path": "x", "sensingTime": "0001-01-01T00:00:00+01:00"}, "sensingTime"),
        ({"path": "x", "coverGeometry": 5}, "coverGeometry"),
        (
            {"path": "x", "coverGeometry": {"type": "Point", "coordinates": [1, 2]}},
            "coverGeometry->type",
        ),
        (
            {"path": "x", "coverGeometry": {"type": "Polygon", "coordinates": "x"}},
            "coverGeometry->coordinates",
        ),
        ({"path": "x", "coverGeometry": {"type": "Polygon"}}, "coverGeometry->coordinates"),
    ],
)
def test_bad_tile_bodies(
    api: httpx.Client, collection: dict[str, Any], body: dict[str, Any], parameter: str
) -> None:
    response = api.post(f"/collections/{collection['id']}/tiles", json=body)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_bad_tile_update_body(api: httpx.Client, collection: dict[str, Any]) -> None:
    tile = api.post(f"/collections/{collection['id']}/tiles", json={"path": "upd"}).json()["data"]
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    assert_error(
        api.put(url, json={"sensingTime": "soon"}), 400, "COMMON_BAD_PAYLOAD", "sensingTime"
    )
    assert_error(api.put(url, content=b"nope"), 400, "COMMON_BAD_PAYLOAD", "body")


def test_bad_ids_in_paths(api: httpx.Client, collection: dict[str, Any]) -> None:
    cid = collection["id"]
    cases = [
        ("GET", "/collections/123", "collectionId"),
        ("PUT", "/collections/123", "collectionId"),
        ("DELETE", "/collections/123", "collectionId"),
        ("POST", "/collections/123/copyTiles", "collectionId"),
        ("POST", "/collections/123/tiles", "collectionId"),
        ("GET", "/collections/123/tiles", "collectionId"),
        ("GET", f"/collections/{cid}/tiles/xyz", "tileId"),
        ("PUT", f"/collections/{cid}/tiles/xyz", "tileId"),
        ("DELETE", f"/collections/{cid}/tiles/xyz", "tileId"),
        ("POST", f"/collections/{cid}/tiles/xyz/reingest", "tileId"),
    ]  # the file routes document no 400: a malformed id is a 404 there (see test_files)
    for method, path, parameter in cases:
        response = api.request(method, path, json={"name": "n", "s3Bucket": "b", "path": "p"})
        assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_oversized_body_is_413(api: httpx.Client) -> None:
    response = api.post("/collections", content=b" " * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_collection_like = st.fixed_dictionaries(
    {},
    optional={
        "name": _json,
        "s3Bucket": st.sampled_from(["b", "x/../y", ""]) | _json,
        "noData": _json,
        "additionalData": st.fixed_dictionaries(
            {}, optional={"bands": st.dictionaries(st.text(max_size=5), _json, max_size=3) | _json}
        )
        | _json,
    },
)
_tile_like = st.fixed_dictionaries(
    {},
    optional={
        "path": st.text(max_size=12) | _json,
        "sensingTime": st.text(max_size=25) | _json,
        "coverGeometry": st.fixed_dictionaries(
            {"type": st.sampled_from(["Polygon", "MultiPolygon", "Point"])},
            optional={"coordinates": _json, "crs": _json},
        )
        | _json,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_collection_like | _json)
def test_random_collection_bodies_never_fail_the_server(api: httpx.Client, body: Any) -> None:
    response = api.post("/collections", content=json.dumps(body).encode())
    assert response.status_code in (201, 400), response.text
    if response.status_code == 201:
        collection_id = response.json()["data"]["id"]
        put = api.put(f"/collections/{collection_id}", content=json.dumps(body).encode())
        assert put.status_code in (204, 400), put.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_tile_like | _json)
def test_random_tile_bodies_never_fail_the_server(
    api: httpx.Client, collection: dict[str, Any], body: Any
) -> None:
    url = f"/collections/{collection['id']}/tiles"
    response = api.post(url, content=json.dumps(body).encode())
    assert response.status_code in (201, 400, 409), response.text
    tile_id = response.json()["data"]["id"] if response.status_code == 201 else str(uuid.uuid4())
    put = api.put(f"{url}/{tile_id}", content=json.dumps(body).encode())
    assert put.status_code in (204, 400, 404), put.text
