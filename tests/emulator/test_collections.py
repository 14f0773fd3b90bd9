"""BYOC collections: create, list, get, update, delete, on both path styles."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import BYOC_PREFIXES, assert_error, assert_matches, byoc_client, new_collection

RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

BANDS = {
    "B1": {"bitDepth": 16, "sampleFormat": "UINT"},
    "B2": {"bitDepth": 16, "sampleFormat": "UINT", "source": "red", "bandIndex": 2},
}


def test_create_returns_201_with_the_stored_collection(byoc: httpx.Client) -> None:
    response = byoc.post("/collections", json={"name": "fresh", "s3Bucket": "bucket"})
    assert response.status_code == 201
    body = response.json()
    assert_matches("ByocCollectionEnvelope", body)
    data = body["data"]
    uuid.UUID(data["id"])
    uuid.UUID(data["accountId"])
    assert data["name"] == "fresh"
    assert data["s3Bucket"] == "bucket"
    assert data["isConfigured"] is False
    assert data["requiresMetadataUpdate"] is False
    assert RFC3339_Z.match(data["created"])
    assert data["additionalData"] == {"bands": {}}
    assert "noData" not in data


def test_create_with_bands_fills_in_source_and_band_index(byoc: httpx.Client) -> None:
    data = new_collection(byoc, additionalData={"bands": BANDS}, noData=0)
    assert data["isConfigured"] is True
    assert data["noData"] == 0
    assert data["additionalData"]["bands"] == {
        "B1": {"source": "B1", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
        "B2": {"source": "red", "bandIndex": 2, "bitDepth": 16, "sampleFormat": "UINT"},
    }


def test_create_ignores_read_only_and_unknown_fields(byoc: httpx.Client) -> None:
    data = new_collection(
        byoc,
        id="00000000-0000-0000-0000-000000000000",
        accountId="00000000-0000-0000-0000-000000000000",
        created="2000-01-01T00:00:00Z",
        isConfigured=True,
        requiresMetadataUpdate=True,
        somethingNew={"x": 1},
        additionalData={"extent": {"type": "Polygon", "coordinates": []}, "hasSensingTimes": "NO"},
    )
    assert data["id"] != "00000000-0000-0000-0000-000000000000"
    assert data["isConfigured"] is False
    assert "somethingNew" not in data
    assert not data["created"].startswith("2000")


def test_get_one(byoc: httpx.Client) -> None:
    created = new_collection(byoc, name="to read")
    response = byoc.get(f"/collections/{created['id']}")
    assert response.status_code == 200
    assert_matches("ByocCollectionEnvelope", response.json())
    assert response.json()["data"] == created


def test_get_accepts_upper_case_ids(byoc: httpx.Client) -> None:
    created = new_collection(byoc)
    assert byoc.get(f"/collections/{created['id'].upper()}").status_code == 200


def test_get_unknown_is_404(byoc: httpx.Client) -> None:
    assert_error(byoc.get(f"/collections/{uuid.uuid4()}"), 404, "COMMON_NOT_FOUND")


def test_get_bad_uuid_is_400_naming_the_parameter(byoc: httpx.Client) -> None:
    assert_error(byoc.get("/collections/nope"), 400, "COMMON_BAD_PAYLOAD", "collectionId")


def test_both_path_styles_serve_the_same_data(emulator: Emulator, token: str) -> None:
    with byoc_client(emulator, token, BYOC_PREFIXES[0]) as one:
        created = new_collection(one, name="seen twice")
    with byoc_client(emulator, token, BYOC_PREFIXES[1]) as other:
        assert other.get(f"/collections/{created['id']}").json()["data"] == created


def test_list_envelope(byoc: httpx.Client) -> None:
    created = new_collection(byoc, name="listed")
    response = byoc.get("/collections")
    assert response.status_code == 200
    body = response.json()
    assert_matches("ByocCollectionPage", body)
    assert created["id"] in [c["id"] for c in body["data"]]
    assert set(body["links"]) >= {"currentToken", "@id"}


def test_update_replaces_name_bucket_and_no_data(byoc: httpx.Client) -> None:
    created = new_collection(byoc, noData=5)
    cid = created["id"]
    response = byoc.put(f"/collections/{cid}", json={"name": "renamed", "s3Bucket": "other"})
    assert response.status_code == 204
    assert response.content == b""
    data = byoc.get(f"/collections/{cid}").json()["data"]
    assert (data["name"], data["s3Bucket"]) == ("renamed", "other")
    assert "noData" not in data  # left out, so dropped


def test_update_accepts_the_whole_object_back(byoc: httpx.Client) -> None:
    created = new_collection(byoc, additionalData={"bands": BANDS})
    sent_back = {**created, "name": "round trip", "unknownField": True}
    assert byoc.put(f"/collections/{created['id']}", json=sent_back).status_code == 204
    data = byoc.get(f"/collections/{created['id']}").json()["data"]
    assert data == {**created, "name": "round trip"}


def test_update_unknown_is_404(byoc: httpx.Client) -> None:
    response = byoc.put(f"/collections/{uuid.uuid4()}", json={"name": "x", "s3Bucket": "y"})
    assert_error(response, 404, "COMMON_NOT_FOUND")


def test_delete(byoc: httpx.Client) -> None:
    created = new_collection(byoc)
    byoc.post(f"/collections/{created['id']}/tiles", json={"path": "gone/(BAND).tif"})
    response = byoc.delete(f"/collections/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert_error(byoc.get(f"/collections/{created['id']}"), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.get(f"/collections/{created['id']}/tiles"), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.delete(f"/collections/{created['id']}"), 404, "COMMON_NOT_FOUND")


def test_unsupported_method_is_405_listing_the_allowed_ones(byoc: httpx.Client) -> None:
    created = new_collection(byoc)
    response = byoc.patch(f"/collections/{created['id']}", json={})
    assert_error(response, 405, "COMMON_METHOD_NOT_ALLOWED")
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PUT", "DELETE"}


def test_unknown_route_is_404_envelope(byoc: httpx.Client) -> None:
    assert_error(byoc.get("/nothing/here"), 404, "COMMON_NOT_FOUND")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("alpha", {"Alpha one", "alpha two"}),
        ("ALPHA", {"Alpha one", "alpha two"}),
        ("alpha|beta", {"Alpha one", "alpha two", "Beta three"}),
        ("alpha&two", {"alpha two"}),
        ("alpha&two|three", {"alpha two", "Beta three"}),
        ("gamma", set()),
        ("", {"Alpha one", "alpha two", "Beta three"}),
    ],
)
def test_search(emulator: Emulator, search: str, expected: set[str]) -> None:
    # A separate account, so that other tests' collections do not show up.
    emulator.add_client("searcher", "searcher-secret")
    with byoc_client(emulator, fetch_token(emulator, "searcher", "searcher-secret")) as client:
        names = {c["name"] for c in client.get("/collections").json()["data"]}
        for name in {"Alpha one", "alpha two", "Beta three"} - names:
            new_collection(client, name=name)
        found = client.get("/collections", params={"search": search}).json()["data"]
        assert {c["name"] for c in found} == expected


def test_search_matches_ids(api: httpx.Client) -> None:
    created = new_collection(api)
    found = api.get("/collections", params={"search": created["id"][:8]}).json()["data"]
    assert created["id"] in [c["id"] for c in found]
