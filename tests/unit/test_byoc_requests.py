"""The exact request of every BYOC method (method, path, query, body, headers), sync and async."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    SHConfig,
    TileStatus,
)

from .conftest import (
    BYOC,
    COLLECTION_ID,
    OTHER_COLLECTION_ID,
    TILE_ID,
    Twin,
    envelope,
    load,
    make_twin,
    page,
    tile_json,
)

pytestmark = pytest.mark.anyio

COLLECTION = f"{BYOC}/collections/{COLLECTION_ID}"
TILE = f"{COLLECTION}/tiles/{TILE_ID}"


def only_call(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1, route.calls
    return route.calls.last.request


def assert_json_body(request: httpx.Request, expected: dict[str, Any]) -> None:
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == expected


def assert_no_body(request: httpx.Request) -> None:
    assert request.content == b""
    assert "content-type" not in request.headers


def assert_common(request: httpx.Request) -> None:
    assert request.headers["authorization"] == "Bearer token-1"
    assert request.headers["user-agent"].startswith("sentinelhub-client/")


async def test_iter_collections(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{BYOC}/collections").mock(return_value=page([load("collection.json")]))
    items = await byoc.collect(await byoc.call("iter_collections", "land|cover", count=10))
    request = only_call(route)
    assert_common(request)
    assert request.method == "GET"
    assert dict(request.url.params) == {"count": "10", "search": "land|cover"}
    assert_no_body(request)
    assert [c.name for c in items] == ["land cover 2020"]
    assert isinstance(items[0], ByocCollection)


async def test_get_collection(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(COLLECTION).mock(return_value=envelope(load("collection.json")))
    collection = await byoc.call("get_collection", COLLECTION_ID)
    request = only_call(route)
    assert_common(request)
    assert request.url.query == b""
    assert collection.collection_id == COLLECTION_ID
    assert collection.additional_data.bands["B02"].bit_depth == 16


async def test_create_collection_sends_the_writable_fields(
    byoc: Twin, api: respx.MockRouter
) -> None:
    stored = {"id": COLLECTION_ID, "name": "n", "s3Bucket": "bucket", "isConfigured": True}
    route = api.post(f"{BYOC}/collections").mock(return_value=envelope(stored, 201))
    collection = ByocCollection(
        "n",
        "bucket",
        additional_data=ByocCollectionAdditionalData(
            bands={"B1": ByocCollectionBand(source="b1", bit_depth=16)}
        ),
    )
    created = await byoc.call("create_collection", collection)
    request = only_call(route)
    assert_common(request)
    assert_json_body(
        request,
        {
            "name": "n",
            "s3Bucket": "bucket",
            "additionalData": {
                "bands": {
                    "B1": {"source": "b1", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"}
                }
            },
        },
    )
    assert created.collection_id == COLLECTION_ID
    assert created.is_configured is True


async def test_create_collection_from_a_fetched_one_drops_read_only_fields(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BYOC}/collections").mock(
        return_value=envelope(load("collection.json"), 201)
    )
    await byoc.call("create_collection", load("collection.json"))
    body = json.loads(only_call(route).content)
    for read_only in ("id", "accountId", "created", "isConfigured", "requiresMetadataUpdate"):
        assert read_only not in body
    assert body["location"] == {"id": "aws-eu-central-1"}  # unknown members go back flat
    assert body["additionalData"]["storageClass"] == "STANDARD"


async def test_update_collection_sends_the_put_body(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.put(COLLECTION).mock(return_value=httpx.Response(204))
    collection = ByocCollection.from_dict(load("collection.json"))
    collection.name = "renamed"
    assert await byoc.call("update_collection", collection) is None
    request = only_call(route)
    assert_common(request)
    body = json.loads(request.content)
    assert request.headers["content-type"] == "application/json"
    assert set(body) == {"name", "s3Bucket", "noData", "additionalData", "location"}
    assert body["name"] == "renamed"
    assert body["noData"] == 0
    assert body["additionalData"]["bands"]["lulc"] == {
        "bitDepth": 8,
        "source": "lulc_reference",
        "bandIndex": 1,
    }


async def test_delete_collection(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.delete(COLLECTION).mock(return_value=httpx.Response(204))
    assert await byoc.call("delete_collection", {"id": COLLECTION_ID}) is None
    request = only_call(route)
    assert_common(request)
    assert_no_body(request)


async def test_copy_tiles(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{COLLECTION}/copyTiles").mock(return_value=httpx.Response(204))
    source = ByocCollection("a", "b", collection_id=COLLECTION_ID)
    assert await byoc.call("copy_tiles", source, OTHER_COLLECTION_ID) is None
    request = only_call(route)
    assert_common(request)
    assert dict(request.url.params) == {"toCollection": OTHER_COLLECTION_ID}
    assert_no_body(request)


async def test_iter_tiles_with_every_filter(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{COLLECTION}/tiles").mock(return_value=page([load("tile.json")]))
    tiles = await byoc.collect(
        await byoc.call(
            "iter_tiles",
            COLLECTION_ID,
            sort="created:desc",
            path="maps/si_(BAND).tiff",
            status=TileStatus.INGESTED,
            count=5,
        )
    )
    request = only_call(route)
    assert_common(request)
    assert dict(request.url.params) == {
        "count": "5",
        "sort": "created:desc",
        "path": "maps/si_(BAND).tiff",
        "status": "INGESTED",
    }
    assert [t.tile_id for t in tiles] == [TILE_ID]
    assert tiles[0].status is TileStatus.INGESTED


async def test_get_tile(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILE).mock(return_value=envelope(load("tile.json")))
    tile = await byoc.call("get_tile", {"id": COLLECTION_ID}, ByocTile("p", tile_id=TILE_ID))
    assert_common(only_call(route))
    assert tile.path == "maps/si_(BAND).tiff"
    assert tile.sensing_time == dt.datetime(2019, 10, 21, 14, 51, tzinfo=dt.UTC)


async def test_create_tile(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{COLLECTION}/tiles").mock(
        return_value=envelope(tile_json("2024/x_(BAND).tif"), 201)
    )
    cover = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    tile = ByocTile(
        "2024/x_(BAND).tif",
        status="INGESTED",  # type: ignore[arg-type]  # a str is converted; read-only: not sent
        cover_geometry=cover,
        sensing_time=dt.datetime(2019, 10, 21, 14, 51),  # naive: taken as UTC
        other_data={"customField": 1},
    )
    created = await byoc.call("create_tile", COLLECTION_ID, tile)
    request = only_call(route)
    assert_common(request)
    assert_json_body(
        request,
        {
            "path": "2024/x_(BAND).tif",
            "coverGeometry": cover,
            "sensingTime": "2019-10-21T14:51:00+00:00",
            "customField": 1,
        },
    )
    assert created.status is TileStatus.WAITING
    assert created.tile_id == TILE_ID


async def test_update_tile_sends_path_cover_and_sensing_time_only(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.put(TILE).mock(return_value=httpx.Response(204))
    fixture = load("tile.json")
    assert await byoc.call("update_tile", COLLECTION_ID, fixture) is None
    request = only_call(route)
    assert_common(request)
    assert_json_body(
        request,
        {
            "path": fixture["path"],
            "coverGeometry": fixture["coverGeometry"],
            "sensingTime": "2019-10-21T14:51:00Z",
        },
    )


async def test_delete_tile(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.delete(TILE).mock(return_value=httpx.Response(204))
    assert await byoc.call("delete_tile", COLLECTION_ID, TILE_ID) is None
    request = only_call(route)
    assert_common(request)
    assert_no_body(request)


async def test_reingest_tile(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{TILE}/reingest").mock(return_value=httpx.Response(204))
    assert await byoc.call("reingest_tile", COLLECTION_ID, load("tile.json")) is None
    request = only_call(route)
    assert_common(request)
    assert_no_body(request)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_byoc_base_path_is_configurable(kind: str, api: respx.MockRouter) -> None:
    config = SHConfig(sh_client_id="i", sh_client_secret="s", byoc_base_path="byoc/v1/")
    route = api.get(f"/byoc/v1/collections/{COLLECTION_ID}/tiles/{TILE_ID}").mock(
        return_value=envelope(tile_json())
    )
    twin = make_twin(kind, config)
    try:
        await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert route.call_count == 1


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_pre_issued_token_is_sent_as_is(kind: str, api: respx.MockRouter) -> None:
    route = api.get(TILE).mock(return_value=envelope(tile_json()))
    twin = make_twin(kind, SHConfig(sh_token="pre-issued"))
    try:
        await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert only_call(route).headers["authorization"] == "Bearer pre-issued"
    assert api.routes["token"].call_count == 0


def test_a_user_http_client_is_used_and_left_open(config: SHConfig, api: respx.MockRouter) -> None:
    seen: list[str] = []
    user_client = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]})
    route = api.get(TILE).mock(return_value=envelope(tile_json()))
    from sentinelhub_client import SentinelHubBYOC

    with SentinelHubBYOC(config, http_client=user_client) as byoc:
        byoc.get_tile(COLLECTION_ID, TILE_ID)
    assert route.call_count == 1
    assert TILE in seen
    assert not user_client.is_closed
    user_client.close()


async def test_an_async_user_http_client_is_used(config: SHConfig, api: respx.MockRouter) -> None:
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(request.url.path)

    from sentinelhub_client import AsyncSentinelHubBYOC

    async with httpx.AsyncClient(event_hooks={"request": [hook]}) as user_client:
        api.get(TILE).mock(return_value=envelope(tile_json()))
        async with AsyncSentinelHubBYOC(config, http_client=user_client) as byoc:
            await byoc.get_tile(COLLECTION_ID, TILE_ID)
        assert TILE in seen
        assert not user_client.is_closed
