"""The exact request of every batch client method (method, path, query, body, headers), and what
it returns, sync and async."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import NotFoundError, SentinelHubValidationError
from sentinelhub_client._core.errors import APIError
from sentinelhub_client.batch import (
    BatchCollection,
    BatchCollectionBatchData,
    BatchRequest,
    BatchRequestStatus,
    BatchTile,
    BatchTileStatus,
    SentinelHubBatch,
    TilingGrid,
)

from .conftest import (
    BATCH,
    COLLECTION_ID,
    PROCESS,
    PROCESS_PAYLOAD,
    REQUEST_ID,
    Twin,
    body_of,
    only_call,
    page,
    request_json,
)

pytestmark = pytest.mark.anyio

COLLECTION = f"{BATCH}/collections/{COLLECTION_ID}"


def assert_common(request: httpx.Request) -> None:
    assert request.headers["authorization"] == "Bearer token-1"
    assert request.headers["user-agent"].startswith("sentinelhub-client/")


class FakeSentinelHubRequest:
    """What our (or any) SentinelHubRequest exposes: the payload as ``body``."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body


# -- creating -------------------------------------------------------------------------------------


async def test_create_posts_the_payload_and_returns_the_request(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json(valueEstimate=None))
    created = await batch.call(
        "create",
        PROCESS_PAYLOAD,
        SentinelHubBatch.tiling_grid(1, 10, buffer=(5, 7)),
        output=SentinelHubBatch.output(default_tile_path="s3://b/out", cog_output=True),
        description="fields",
        customMember={"a": 1},
    )
    request = only_call(route)
    assert_common(request)
    assert request.url.query == b""
    assert body_of(request) == {
        "processRequest": PROCESS_PAYLOAD,
        "tilingGrid": {"id": 1, "resolution": 10, "bufferX": 5, "bufferY": 7},
        "output": {"defaultTilePath": "s3://b/out", "cogOutput": True},
        "description": "fields",
        "customMember": {"a": 1},
    }
    assert isinstance(created, BatchRequest)
    assert created.request_id == REQUEST_ID
    assert created.status is BatchRequestStatus.CREATED
    assert created.tile_count == 4
    assert created.value_estimate is None


async def test_create_takes_a_request_object_with_a_body(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    await batch.call(
        "create",
        FakeSentinelHubRequest(PROCESS_PAYLOAD),
        {"id": 0, "resolution": 60},
        bucket_name="my-bucket",
    )
    assert body_of(only_call(route)) == {
        "processRequest": PROCESS_PAYLOAD,
        "tilingGrid": {"id": 0, "resolution": 60},
        "bucketName": "my-bucket",
    }


class PyRequest:
    """sentinelhub-py's SentinelHubRequest: the payload is ``download_list[0].post_values``."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.download_list = [type("DownloadRequest", (), {"post_values": payload})()]


async def test_create_takes_a_sentinelhub_py_request(batch: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    await batch.call(
        "create", PyRequest(PROCESS_PAYLOAD), {"id": 1, "resolution": 10}, bucket_name="out"
    )
    assert body_of(only_call(route)) == {
        "processRequest": PROCESS_PAYLOAD,
        "tilingGrid": {"id": 1, "resolution": 10},
        "bucketName": "out",
    }


async def test_create_takes_the_real_request_classes(batch: Twin, api: respx.MockRouter) -> None:
    """Our `SentinelHubRequest` and sentinelhub-py's, not stand-ins: ``body`` is a static helper
    on both and must not be called."""
    import sentinelhub
    from sentinelhub_client.process import BBox, SentinelHubRequest

    ours = SentinelHubRequest(
        evalscript="//VERSION=3\nfunction setup() {}\n",
        input_data=[
            SentinelHubRequest.input_data("byoc-" + "1" * 8 + "-1111-1111-1111-" + "1" * 12)
        ],
        responses=[SentinelHubRequest.output_response("default", "tiff")],
        bbox=BBox((0, 0, 1, 1), crs=4326),
        size=(10, 10),
    )
    theirs = sentinelhub.SentinelHubRequest(
        evalscript="//VERSION=3\nfunction setup() {}\n",
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc("1" * 8 + "-1111-1111-1111-" + "1" * 12)
            )
        ],
        responses=[sentinelhub.SentinelHubRequest.output_response("default", "tiff")],
        bbox=sentinelhub.BBox((0, 0, 1, 1), crs=sentinelhub.CRS.WGS84),
        size=(10, 10),
        config=sentinelhub.SHConfig(sh_client_id="x", sh_client_secret="y"),
    )
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    for request in (ours, theirs):
        await batch.call("create", request, {"id": 1, "resolution": 10}, bucket_name="out")
    sent = [body_of(call.request)["processRequest"] for call in route.calls]
    assert sent[0] == ours.payload
    assert sent[1] == theirs.download_list[0].post_values
    assert sent[0]["output"]["responses"] == sent[1]["output"]["responses"]


async def test_create_is_not_replayed_after_an_ambiguous_failure(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(500)
    with pytest.raises(APIError):
        await batch.call("create", PROCESS_PAYLOAD, {"id": 1, "resolution": 10}, bucket_name="b")
    assert route.call_count == 1


# -- listing and reading requests -----------------------------------------------------------------


async def test_iter_requests_sends_the_filters_and_follows_the_pages(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(f"{BATCH}/process").mock(
        side_effect=[page([request_json()], "tok-2"), page([request_json("DONE", id="x-2")])]
    )
    requests = await batch.collect(
        await batch.call(
            "iter_requests", "user-1", "fields", "created:desc", count=50, collectionId="c-9"
        )
    )
    assert route.call_count == 2
    first, second = (call.request for call in route.calls)
    assert_common(first)
    expected = {
        "count": "50",
        "search": "fields",
        "userid": "user-1",
        "sort": "created:desc",
        "collectionId": "c-9",
    }
    assert dict(first.url.params) == expected
    assert dict(second.url.params) == {**expected, "viewtoken": "tok-2"}
    assert body_of(first) is None
    assert [r.status for r in requests] == ["CREATED", "DONE"]
    assert requests[1].request_id == "x-2"


async def test_iter_requests_sends_nothing_until_iterated(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(f"{BATCH}/process").mock(return_value=page([]))
    paginator = await batch.call("iter_requests")
    assert route.call_count == 0
    assert await batch.collect(paginator) == []
    assert dict(only_call(route).url.params) == {"count": "100"}


async def test_get_latest_request_asks_for_one_sorted_by_creation(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(f"{BATCH}/process").mock(return_value=page([request_json()], "more"))
    latest = await batch.call("get_latest_request")
    assert dict(only_call(route).url.params) == {"count": "1", "sort": "created:desc"}
    assert latest.request_id == REQUEST_ID


async def test_get_latest_request_without_any(batch: Twin, api: respx.MockRouter) -> None:
    api.get(f"{BATCH}/process").mock(return_value=page([]))
    with pytest.raises(ValueError, match="no batch request is available"):
        await batch.call("get_latest_request")


@pytest.mark.parametrize(
    "given",
    [
        REQUEST_ID,
        {"id": REQUEST_ID},
        BatchRequest(REQUEST_ID, {}),
        pytest.param(type("PyRequest", (), {"request_id": REQUEST_ID})(), id="duck"),
    ],
    ids=["id", "dict", "model", "duck"],
)
async def test_get_request_takes_an_id_a_dict_or_an_object(
    batch: Twin, api: respx.MockRouter, given: Any
) -> None:
    route = api.get(PROCESS).respond(json=request_json("PROCESSING", userAction="START"))
    found = await batch.call("get_request", given)
    request = only_call(route)
    assert_common(request)
    assert request.url.query == b""
    assert found.status == "PROCESSING"
    assert found.user_action == "START"


async def test_get_request_not_found_is_typed(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(
        404, json={"error": {"status": 404, "reason": "Not Found", "message": "no such request"}}
    )
    with pytest.raises(NotFoundError, match="no such request"):
        await batch.call("get_request", REQUEST_ID)


async def test_update_request_puts_output_and_description(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.put(PROCESS).respond(204)
    result = await batch.call(
        "update_request", REQUEST_ID, output={"collectionId": COLLECTION_ID}, description="d2"
    )
    request = only_call(route)
    assert_common(request)
    assert body_of(request) == {"output": {"collectionId": COLLECTION_ID}, "description": "d2"}
    assert result is None


async def test_update_request_with_nothing_to_update_is_refused(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.put(PROCESS).respond(204)
    with pytest.raises(SentinelHubValidationError, match="nothing to update") as caught:
        await batch.call("update_request", REQUEST_ID)
    assert caught.value.field == "output"
    assert route.call_count == 0


async def test_delete_request(batch: Twin, api: respx.MockRouter) -> None:
    route = api.delete(PROCESS).respond(204)
    assert await batch.call("delete_request", {"id": REQUEST_ID}) is None
    request = only_call(route)
    assert_common(request)
    assert body_of(request) is None


@pytest.mark.parametrize(
    ("method", "segment"),
    [
        ("start_analysis", "analyse"),
        ("start_job", "start"),
        ("cancel_job", "cancel"),
        ("restart_job", "restartpartial"),
    ],
)
async def test_actions_post_without_a_body(
    batch: Twin, api: respx.MockRouter, method: str, segment: str
) -> None:
    route = api.post(f"{PROCESS}/{segment}").respond(204)
    assert await batch.call(method, BatchRequest(REQUEST_ID, {})) is None
    request = only_call(route)
    assert_common(request)
    assert request.url.query == b""
    assert body_of(request) is None


async def test_an_illegal_action_is_the_services_400(batch: Twin, api: respx.MockRouter) -> None:
    message = "Only requests with status PARTIAL can be restarted."
    api.post(f"{PROCESS}/restartpartial").respond(
        400, json={"error": {"status": 400, "message": message, "code": "COMMON_BAD_PAYLOAD"}}
    )
    with pytest.raises(APIError, match="Only requests with status PARTIAL") as caught:
        await batch.call("restart_job", REQUEST_ID)
    assert caught.value.status == 400


# -- tiles ----------------------------------------------------------------------------------------


async def test_iter_tiles_with_a_status_filter(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{PROCESS}/tiles").mock(
        side_effect=[
            page([{"id": 1, "name": "33TVM_0_0", "status": "FAILED"}], "t2"),
            page([{"id": 2, "status": "FAILED", "cost": 0.5}]),
        ]
    )
    tiles = await batch.collect(
        await batch.call("iter_tiles", REQUEST_ID, BatchTileStatus.FAILED, count=20)
    )
    first, second = (call.request for call in route.calls)
    assert_common(first)
    assert dict(first.url.params) == {"count": "20", "status": "FAILED"}
    assert dict(second.url.params) == {"count": "20", "status": "FAILED", "viewtoken": "t2"}
    assert [t.tile_id for t in tiles] == [1, 2]
    assert tiles[0]["name"] == "33TVM_0_0"
    assert tiles[1].cost == 0.5


async def test_iter_tiles_status_in_any_case_and_max_items(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(f"{PROCESS}/tiles").mock(
        return_value=page([{"id": i, "status": "PENDING"} for i in range(3)], "more")
    )
    tiles = await batch.collect(await batch.call("iter_tiles", REQUEST_ID, "pending", max_items=3))
    assert dict(only_call(route).url.params) == {"count": "3", "status": "PENDING"}
    assert [t.status for t in tiles] == [BatchTileStatus.PENDING] * 3


async def test_iter_tiles_without_a_filter(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{PROCESS}/tiles").mock(return_value=page([]))
    assert await batch.collect(await batch.call("iter_tiles", REQUEST_ID)) == []
    assert dict(only_call(route).url.params) == {"count": "100"}


async def test_get_tile(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{PROCESS}/tiles/2108082").respond(
        json={"id": 2108082, "name": "28PBB_2_6", "status": "PROCESSED", "futureField": [1]}
    )
    tile = await batch.call("get_tile", REQUEST_ID, 2108082)
    assert_common(only_call(route))
    assert isinstance(tile, BatchTile)
    assert tile.tile_id == 2108082
    assert tile.other_data == {"futureField": [1]}
    assert await batch.call("get_tile", REQUEST_ID, {"id": 2108082}) == tile
    assert await batch.call("get_tile", REQUEST_ID, tile) == tile


# -- tiling grids ---------------------------------------------------------------------------------


async def test_iter_tiling_grids(batch: Twin, api: respx.MockRouter) -> None:
    grid = {"id": 1, "name": "10km grid", "properties": {"tileWidth": 10000.0, "unit": "METRE"}}
    route = api.get(f"{BATCH}/tilinggrids").mock(return_value=page([grid]))
    grids = await batch.collect(await batch.call("iter_tiling_grids"))
    request = only_call(route)
    assert_common(request)
    assert dict(request.url.params) == {"count": "100"}
    assert grids == [TilingGrid(1, "10km grid", {"tileWidth": 10000.0, "unit": "METRE"})]
    assert grids[0]["properties"]["tileWidth"] == 10000.0


async def test_get_tiling_grid_zero_is_a_grid(batch: Twin, api: respx.MockRouter) -> None:
    one = api.get(f"{BATCH}/tilinggrids/0").respond(json={"id": 0, "name": "20km grid"})
    listing = api.get(f"{BATCH}/tilinggrids").respond(json={"data": []})
    grid = await batch.call("get_tiling_grid", 0)
    assert_common(only_call(one))
    assert listing.call_count == 0
    assert grid.grid_id == 0
    assert grid.name == "20km grid"


# -- batch collections ----------------------------------------------------------------------------


def collection_json(**extra: Any) -> dict[str, Any]:
    return {"id": COLLECTION_ID, "name": "fields", "s3Bucket": "my-bucket", **extra}


async def test_iter_collections(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{BATCH}/collections").mock(return_value=page([collection_json()]))
    found = await batch.collect(await batch.call("iter_collections", "fields", count=5))
    assert dict(only_call(route).url.params) == {"count": "5", "search": "fields"}
    assert [c.collection_id for c in found] == [COLLECTION_ID]


@pytest.mark.parametrize("wrapped", [True, False], ids=["enveloped", "bare"])
async def test_get_collection_reads_both_shapes(
    batch: Twin, api: respx.MockRouter, wrapped: bool
) -> None:
    data = collection_json(batchData={"tilingGridId": 0}, additionalData={"bands": {"B": {}}})
    route = api.get(COLLECTION).respond(json={"data": data} if wrapped else data)
    collection = await batch.call("get_collection", COLLECTION_ID)
    assert_common(only_call(route))
    assert collection.batch_data == BatchCollectionBatchData(tiling_grid_id=0)
    assert collection.additional_data.bands == {"B": {}}
    assert collection.data_type == f"batch-{COLLECTION_ID}"


async def test_create_collection_leaves_read_only_members_out(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/collections").respond(201, json={"data": collection_json()})
    created = await batch.call(
        "create_collection",
        BatchCollection("fields", "my-bucket", collection_id=COLLECTION_ID, no_data=0),
    )
    assert body_of(only_call(route)) == {"name": "fields", "s3Bucket": "my-bucket", "noData": 0}
    assert created.collection_id == COLLECTION_ID


async def test_update_collection_puts_it_at_its_id(batch: Twin, api: respx.MockRouter) -> None:
    route = api.put(COLLECTION).respond(204)
    given = {"id": COLLECTION_ID, "name": "renamed", "s3Bucket": "my-bucket", "userId": "u"}
    assert await batch.call("update_collection", given) is None
    assert body_of(only_call(route)) == {"name": "renamed", "s3Bucket": "my-bucket"}


async def test_update_collection_needs_an_id(batch: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(SentinelHubValidationError, match="has no id") as caught:
        await batch.call("update_collection", BatchCollection("n", "b"))
    assert caught.value.field == "collection"


async def test_delete_collection(batch: Twin, api: respx.MockRouter) -> None:
    route = api.delete(COLLECTION).respond(204)
    collection = BatchCollection("n", "b", collection_id=COLLECTION_ID)
    assert await batch.call("delete_collection", collection) is None
    assert body_of(only_call(route)) is None


# -- options --------------------------------------------------------------------------------------


async def test_with_options_keeps_the_token_and_changes_the_retries(
    batch: Twin, api: respx.MockRouter
) -> None:
    from sentinelhub_client import RetryPolicy

    route = api.get(PROCESS).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=request_json())]
    )
    once = Twin(batch.client.with_options(retry=RetryPolicy(max_attempts=1)))
    with pytest.raises(APIError):
        await once.call("get_request", REQUEST_ID)
    found = await batch.call("get_request", REQUEST_ID)
    assert found.request_id == REQUEST_ID
    assert route.call_count == 2
    assert api.routes["token"].call_count == 1
