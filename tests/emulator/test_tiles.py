"""BYOC tiles: create, list (filters, sort), get, update, delete, reingest."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from .conftest import assert_error, assert_matches, new_collection


def new_tile(client: httpx.Client, collection_id: str, **fields: Any) -> dict[str, Any]:
    body = {"path": f"tiles/{uuid.uuid4().hex}/(BAND).tif", **fields}
    response = client.post(f"/collections/{collection_id}/tiles", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert isinstance(data, dict)
    return data


@pytest.fixture
def collection(byoc: httpx.Client) -> dict[str, Any]:
    # The bucket does not exist, so tiles fail ingestion quickly and predictably.
    return new_collection(byoc, s3Bucket="no-such-bucket")


def test_create_returns_201_waiting(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    response = byoc.post(
        f"/collections/{collection['id']}/tiles",
        json={"path": "a/b_(BAND).tif", "sensingTime": "2024-03-04T05:06:07.250+01:00"},
    )
    assert response.status_code == 201
    body = response.json()
    assert_matches("ByocTileEnvelope", body)
    tile = body["data"]
    uuid.UUID(tile["id"])
    assert tile["path"] == "a/b_(BAND).tif"
    assert tile["status"] == "WAITING"
    assert tile["sensingTime"] == "2024-03-04T04:06:07.250000Z"
    assert tile["created"].endswith("Z")


def test_create_keeps_the_cover_geometry(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    cover = {"type": "Polygon", "coordinates": [[[15, 45], [15.1, 45], [15.1, 45.1], [15, 45]]]}
    tile = new_tile(byoc, collection["id"], coverGeometry=cover)
    assert tile["coverGeometry"] == cover


def test_duplicate_path_is_409(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    new_tile(byoc, collection["id"], path="same/(BAND).tif")
    response = byoc.post(f"/collections/{collection['id']}/tiles", json={"path": "same/(BAND).tif"})
    assert_error(response, 409, "COMMON_UNIQUE_KEY_VIOLATION", "path")


def test_same_path_in_two_collections_is_fine(byoc: httpx.Client) -> None:
    first, second = new_collection(byoc), new_collection(byoc)
    new_tile(byoc, first["id"], path="shared/(BAND).tif")
    new_tile(byoc, second["id"], path="shared/(BAND).tif")


@pytest.mark.parametrize(
    "path", ["/abs/x.tif", "trailing/", "double//slash", "../up.tif", "a/../b"]
)
def test_bad_path_is_400(byoc: httpx.Client, collection: dict[str, Any], path: str) -> None:
    response = byoc.post(f"/collections/{collection['id']}/tiles", json={"path": path})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "path")


def test_tile_in_unknown_collection_is_404(byoc: httpx.Client) -> None:
    response = byoc.post(f"/collections/{uuid.uuid4()}/tiles", json={"path": "x"})
    assert_error(response, 404, "COMMON_NOT_FOUND")


def test_get_one(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    tile = new_tile(byoc, collection["id"])
    response = byoc.get(f"/collections/{collection['id']}/tiles/{tile['id']}")
    assert response.status_code == 200
    assert_matches("ByocTileEnvelope", response.json())
    assert response.json()["data"]["id"] == tile["id"]


def test_get_unknown_or_foreign_tile_is_404(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    other = new_collection(byoc)
    tile = new_tile(byoc, other["id"])
    base = f"/collections/{collection['id']}/tiles"
    assert_error(byoc.get(f"{base}/{uuid.uuid4()}"), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.get(f"{base}/{tile['id']}"), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.get(f"{base}/bad-id"), 400, "COMMON_BAD_PAYLOAD", "tileId")


def test_update_sensing_time(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    tile = new_tile(byoc, collection["id"])
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    response = byoc.put(url, json={"sensingTime": "2020-01-01T00:00:00Z", "path": "ignored"})
    assert response.status_code == 204
    assert response.content == b""
    data = byoc.get(url).json()["data"]
    assert data["sensingTime"] == "2020-01-01T00:00:00Z"
    assert data["path"] == tile["path"]
    assert byoc.put(url, json={"sensingTime": None}).status_code == 204
    assert byoc.get(url).json()["data"]["sensingTime"] is None


def test_update_accepts_the_whole_tile_back(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    tile = new_tile(byoc, collection["id"], sensingTime="2021-05-05T10:00:00Z")
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    assert byoc.put(url, json={**tile, "status": "INGESTED", "extra": 1}).status_code == 204
    assert byoc.get(url).json()["data"]["sensingTime"] == "2021-05-05T10:00:00Z"


def test_update_unknown_tile_is_404(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    url = f"/collections/{collection['id']}/tiles/{uuid.uuid4()}"
    assert_error(byoc.put(url, json={}), 404, "COMMON_NOT_FOUND")


def test_delete(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    tile = new_tile(byoc, collection["id"])
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    response = byoc.delete(url)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(byoc.get(url), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.delete(url), 404, "COMMON_NOT_FOUND")


def test_reingest(emulator: Emulator, byoc: httpx.Client, collection: dict[str, Any]) -> None:
    tile = new_tile(byoc, collection["id"])
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    emulator.wait_for_ingestion()
    assert byoc.get(url).json()["data"]["status"] == "FAILED"
    response = byoc.post(url + "/reingest")
    assert response.status_code == 204
    assert response.content == b""
    assert byoc.get(url).json()["data"]["status"] in ("WAITING", "QUEUED", "INGESTING", "FAILED")
    emulator.wait_for_ingestion()
    assert byoc.get(url).json()["data"]["status"] == "FAILED"


def test_reingest_of_a_pending_tile_is_400(emulator: Emulator, byoc: httpx.Client) -> None:
    collection = new_collection(byoc)
    [tile] = emulator.store.create_tiles(collection["id"], [("p", None, None)], status="QUEUED")
    response = byoc.post(f"/collections/{collection['id']}/tiles/{tile.id}/reingest")
    assert_error(response, 400, "COMMON_BAD_PAYLOAD")
    emulator.wait_for_ingestion()


def test_reingest_unknown_tile_is_404(byoc: httpx.Client, collection: dict[str, Any]) -> None:
    url = f"/collections/{collection['id']}/tiles/{uuid.uuid4()}/reingest"
    assert_error(byoc.post(url), 404, "COMMON_NOT_FOUND")


@pytest.fixture(scope="module")
def seeded(emulator: Emulator, api: httpx.Client) -> dict[str, Any]:
    """A collection with tiles in every state, seeded directly (the worker skips final states)."""
    collection = new_collection(api, s3Bucket="no-such-bucket")
    store = emulator.store
    store.create_tiles(
        collection["id"], [(f"ingested/{i}", None, None) for i in range(3)], status="INGESTED"
    )
    store.create_tiles(
        collection["id"], [(f"failed/{i}", None, None) for i in range(2)], status="FAILED"
    )
    return collection


def _list(client: httpx.Client, collection: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/collections/{collection['id']}/tiles", params=params)
    assert response.status_code == 200, response.text
    assert_matches("ByocTilePage", response.json())
    data = response.json()["data"]
    assert isinstance(data, list)
    return data


def test_list_all_in_creation_order(byoc: httpx.Client, seeded: dict[str, Any]) -> None:
    paths = [t["path"] for t in _list(byoc, seeded)]
    assert paths == ["ingested/0", "ingested/1", "ingested/2", "failed/0", "failed/1"]
    assert [t["path"] for t in _list(byoc, seeded, sort="created:asc")] == paths
    assert [t["path"] for t in _list(byoc, seeded, sort="created:desc")] == paths[::-1]


@pytest.mark.parametrize(("status", "count"), [("INGESTED", 3), ("FAILED", 2), ("WAITING", 0)])
def test_list_by_status(
    byoc: httpx.Client, seeded: dict[str, Any], status: str, count: int
) -> None:
    found = _list(byoc, seeded, status=status)
    assert len(found) == count
    assert all(t["status"] == status for t in found)


def test_list_by_json_quoted_status(byoc: httpx.Client, seeded: dict[str, Any]) -> None:
    assert len(_list(byoc, seeded, status='"FAILED"')) == 2


def test_list_by_exact_path(byoc: httpx.Client, seeded: dict[str, Any]) -> None:
    assert [t["path"] for t in _list(byoc, seeded, path="failed/1")] == ["failed/1"]
    assert _list(byoc, seeded, path="failed") == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort": "created"}, "sort"),
        ({"sort": "path:asc"}, "sort"),
        ({"status": "DONE"}, "status"),
        ({"count": "0"}, "count"),
    ],
)
def test_list_bad_parameters_are_400(
    byoc: httpx.Client, seeded: dict[str, Any], params: dict[str, str], parameter: str
) -> None:
    response = byoc.get(f"/collections/{seeded['id']}/tiles", params=params)
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("0242-10-07T18:07:42Z", "0242-10-07T18:07:42Z"),
        ("2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00Z"),
        ("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"),
        ("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000Z"),
    ],
)
def test_sensing_times_are_normalised_to_utc(
    byoc: httpx.Client, collection: dict[str, Any], sent: str, stored: str
) -> None:
    tile = new_tile(byoc, collection["id"], sensingTime=sent)
    assert tile["sensingTime"] == stored
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    assert byoc.get(url).json()["data"]["sensingTime"] == stored
