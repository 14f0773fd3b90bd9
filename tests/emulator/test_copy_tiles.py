"""copyTiles: only INGESTED tiles, only missing paths, only into compatible collections."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import assert_error, byoc_client, new_collection

BANDS: dict[str, dict[str, Any]] = {
    "B1": {"source": "B1", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
}


@pytest.fixture
def source(emulator: Emulator, api: httpx.Client) -> dict[str, Any]:
    collection = new_collection(api, additionalData={"bands": BANDS})
    store = emulator.store
    store.create_tiles(
        collection["id"],
        [("a", None, "2024-01-01T00:00:00.000000Z"), ("b", None, None), ("c", None, None)],
        status="INGESTED",
    )
    store.create_tiles(collection["id"], [("failed", None, None)], status="FAILED")
    return collection


def paths(client: httpx.Client, collection: dict[str, Any]) -> list[str]:
    tiles = client.get(f"/collections/{collection['id']}/tiles").json()["data"]
    return [t["path"] for t in tiles]


def copy(client: httpx.Client, source: dict[str, Any], target_id: str) -> httpx.Response:
    return client.post(f"/collections/{source['id']}/copyTiles", params={"toCollection": target_id})


def test_copies_ingested_tiles_into_a_collection_without_bands(
    byoc: httpx.Client, source: dict[str, Any]
) -> None:
    target = new_collection(byoc)
    response = copy(byoc, source, target["id"])
    assert response.status_code == 204
    assert response.content == b""
    assert paths(byoc, target) == ["a", "b", "c"]
    tiles = byoc.get(f"/collections/{target['id']}/tiles").json()["data"]
    assert all(t["status"] == "INGESTED" for t in tiles)
    assert tiles[0]["sensingTime"] == "2024-01-01T00:00:00Z"
    data = byoc.get(f"/collections/{target['id']}").json()["data"]
    assert data["additionalData"]["bands"] == BANDS
    assert data["isConfigured"] is True
    assert data["additionalData"]["hasSensingTimes"] == "PARTIALLY"
    assert paths(byoc, source) == ["a", "b", "c", "failed"]  # the source keeps its tiles


def test_skips_paths_the_target_has(
    emulator: Emulator, api: httpx.Client, source: dict[str, Any]
) -> None:
    target = new_collection(api, additionalData={"bands": BANDS})
    emulator.store.create_tiles(target["id"], [("b", None, None)], status="FAILED")
    assert copy(api, source, target["id"]).status_code == 204
    assert paths(api, target) == ["b", "a", "c"]
    assert copy(api, source, target["id"]).status_code == 204  # again: nothing new
    assert len(paths(api, target)) == 3


@pytest.mark.parametrize(
    "target_bands",
    [
        {"B1": {"bitDepth": 8, "sampleFormat": "UINT"}},
        {"B1": {"bitDepth": 16, "sampleFormat": "INT"}},
        {"other": {"bitDepth": 16, "sampleFormat": "UINT"}},
        {**BANDS, "B2": {"bitDepth": 16, "sampleFormat": "UINT"}},
    ],
)
def test_refuses_a_target_with_other_bands(
    api: httpx.Client, source: dict[str, Any], target_bands: dict[str, Any]
) -> None:
    target = new_collection(api, additionalData={"bands": target_bands})
    assert_error(copy(api, source, target["id"]), 400, "COMMON_BAD_PAYLOAD", "toCollection")
    assert paths(api, target) == []


def test_unknown_target_is_404(api: httpx.Client, source: dict[str, Any]) -> None:
    assert_error(copy(api, source, str(uuid.uuid4())), 404, "COMMON_NOT_FOUND")


def test_unknown_source_is_404(api: httpx.Client) -> None:
    target = new_collection(api)
    assert_error(copy(api, {"id": str(uuid.uuid4())}, target["id"]), 404, "COMMON_NOT_FOUND")


def test_target_of_another_account_is_403(
    emulator: Emulator, api: httpx.Client, source: dict[str, Any]
) -> None:
    emulator.add_client("copier", "copier-secret")
    with byoc_client(emulator, fetch_token(emulator, "copier", "copier-secret")) as other:
        foreign = new_collection(other)
    assert_error(copy(api, source, foreign["id"]), 403, "COMMON_INSUFFICIENT_PERMISSIONS")


@pytest.mark.parametrize("target", ["", "not-a-uuid"])
def test_bad_target_is_400(api: httpx.Client, source: dict[str, Any], target: str) -> None:
    assert_error(copy(api, source, target), 400, "COMMON_BAD_PAYLOAD", "toCollection")


def test_missing_target_is_400(api: httpx.Client, source: dict[str, Any]) -> None:
    response = api.post(f"/collections/{source['id']}/copyTiles")
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "toCollection")


def test_copy_into_itself_is_400(api: httpx.Client, source: dict[str, Any]) -> None:
    assert_error(copy(api, source, source["id"]), 400, "COMMON_BAD_PAYLOAD", "toCollection")
