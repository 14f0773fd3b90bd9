"""Issue 24, items 2, 3, 7 and 8: malformed answers name the operation; the Async Process
running status tells "unknown" (404) from "finished" and never takes a garbled 200 as running;
`register_tiles` skips tiles that were there before it without the recovery time window;
`get_tiling_grid` refuses an answer that holds no grid."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIResponseValidationError,
    AsyncSentinelHubBatch,
    AsyncSentinelHubBYOC,
    AsyncSentinelHubProcess,
    SentinelHubBatch,
    SentinelHubBYOC,
    SentinelHubProcess,
    SHConfig,
    aget_async_running_status,
    get_async_running_status,
)
from sentinelhub_client.batch_v2 import AsyncBatchProcessClient, BatchProcessClient

from tests.support.twin import Twin
from tests.unit.conftest import BASE_URL, BYOC, COLLECTION_ID, page, tile_json

pytestmark = pytest.mark.anyio

ASYNC = "/api/v1/async/process"
REQUEST_ID = "4f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190"
TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"
DEEP = ("[" * 2000 + "]" * 2000).encode()


async def _call(client: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    return await Twin(client).call(name, *args, **kwargs)


async def _close(client: Any) -> None:
    result = client.close()
    if result is not None:
        await result


# -- item 2: malformed answers ---------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_deep_json_and_non_object_items_name_the_operation(
    flavour: str, api: respx.MockRouter, config: SHConfig
) -> None:
    cls = SentinelHubBYOC if flavour == "sync" else AsyncSentinelHubBYOC
    twin = Twin(cls(config))
    for body in (b'{"data": ' + DEEP + b"}", b'{"data": [1]}', b'{"data": ["x", {}]}'):
        api.get(f"{BYOC}/collections").respond(200, content=body)
        with pytest.raises(APIResponseValidationError) as info:
            await twin.collect(twin.client.iter_collections())
        assert f"GET {BASE_URL}{BYOC}/collections" in str(info.value)
    api.get(f"{BYOC}/collections/{COLLECTION_ID}").respond(200, content=DEEP)
    with pytest.raises(APIResponseValidationError, match="RecursionError"):
        await twin.call("get_collection", COLLECTION_ID)
    api.get(TILES).respond(200, content=b'{"data": [1]}')
    report_error = None
    try:
        await twin.call("register_tiles", COLLECTION_ID, [{"path": "a.tif"}], max_rounds=1)
    except APIResponseValidationError as exc:
        report_error = exc
    assert report_error is not None
    assert f"GET {BASE_URL}{TILES}" in str(report_error)
    await twin.close()


def test_a_non_string_next_token_is_refused_not_a_type_error(
    api: respx.MockRouter, config: SHConfig
) -> None:
    api.get(f"{BYOC}/collections").respond(
        200, json={"data": [{"id": COLLECTION_ID}], "links": {"nextToken": {"a": 1}}}
    )
    with SentinelHubBYOC(config) as client, pytest.raises(APIResponseValidationError):
        list(client.iter_collections())


# -- item 3: Async Process running status -----------------------------------------------------


@pytest.mark.parametrize("cls", [SentinelHubProcess, AsyncSentinelHubProcess])
async def test_404_is_unknown_and_a_garbled_200_is_never_running(
    cls: type, api: respx.MockRouter, config: SHConfig
) -> None:
    client = cls(config)
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(404)
    assert await _call(client, "get_async_running_status", [REQUEST_ID]) == {REQUEST_ID: None}
    for status, expected in (("RUNNING", True), ("DONE", False), ("FAILED", False)):
        api.get(f"{ASYNC}/{REQUEST_ID}").respond(json={"id": REQUEST_ID, "status": status})
        assert await _call(client, "get_async_running_status", [REQUEST_ID]) == {
            REQUEST_ID: expected
        }
    for garbled in (b'{"id": "' + REQUEST_ID.encode() + b'", "sta', b"<html>", b"[]", DEEP):
        api.get(f"{ASYNC}/{REQUEST_ID}").respond(200, content=garbled)
        with pytest.raises(APIResponseValidationError) as info:
            await _call(client, "get_async_running_status", [REQUEST_ID])
        assert f"GET {BASE_URL}{ASYNC}/{REQUEST_ID}" in str(info.value)
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(404)
    assert await _call(client, "wait_for_async", [REQUEST_ID], interval=0, timeout=5) == {
        REQUEST_ID: None
    }
    await _close(client)


async def test_the_module_functions_say_unknown_for_404(
    api: respx.MockRouter, config: SHConfig
) -> None:
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(404)
    assert get_async_running_status([REQUEST_ID], config) == {REQUEST_ID: None}
    assert await aget_async_running_status([REQUEST_ID], config) == {REQUEST_ID: None}
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(200, content=b'{"id": "x"')
    with pytest.raises(APIResponseValidationError):
        get_async_running_status([REQUEST_ID], config)


# -- item 7: register_tiles lists before its first create -------------------------------------


@pytest.mark.parametrize("cls", [SentinelHubBYOC, AsyncSentinelHubBYOC])
async def test_a_tile_made_a_second_before_the_run_is_skipped_without_a_create(
    cls: type, api: respx.MockRouter, config: SHConfig
) -> None:
    just_before = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
    there = tile_json("old.tif", created=just_before)
    order: list[str] = []

    def listing(request: httpx.Request) -> httpx.Response:
        order.append("list")
        return page([there])

    def create(request: httpx.Request) -> httpx.Response:
        order.append("create")
        body = json.loads(request.content)
        return httpx.Response(
            201, json={"data": tile_json(body["path"], id="11111111-2222-4333-8444-555555555555")}
        )

    api.get(TILES).mock(side_effect=listing)
    created = api.post(TILES).mock(side_effect=create)
    client = cls(config)
    report = await _call(
        client, "register_tiles", COLLECTION_ID, [{"path": "old.tif"}, {"path": "new.tif"}]
    )
    await _close(client)
    assert [t.path for t in report.skipped] == ["old.tif"]
    assert [t.path for t in report.created] == ["new.tif"]
    assert order[0] == "list"
    assert order.count("create") == 1
    assert [json.loads(c.request.content)["path"] for c in created.calls] == ["new.tif"]


def test_a_path_of_the_first_listing_is_never_counted_as_created() -> None:
    from sentinelhub_client.byoc.bulk import Registration
    from sentinelhub_client.byoc.models import ByocTile

    job = Registration(
        COLLECTION_ID, [{"path": "a.tif"}], concurrency=1, max_rounds=2, progress=None
    )
    later = ByocTile.from_dict(tile_json("a.tif", created=dt.datetime.now(dt.UTC).isoformat()))
    job.listed_before.add("a.tif")  # seen by the first listing (say, while it was paging)
    job.state["a.tif"] = "settle"
    job.settle([later])
    report = job.report()
    assert [t.path for t in report.skipped] == ["a.tif"]
    assert not report.created


def test_create_tile_documents_its_residual_window() -> None:
    doc = SentinelHubBYOC.create_tile.__doc__ or ""
    assert "residual window" in doc
    assert "2 seconds" in doc
    assert "register_tiles" in doc


# -- item 8: a tiling grid answer without a grid ----------------------------------------------


@pytest.mark.parametrize(
    ("cls", "path"),
    [
        (SentinelHubBatch, "/api/v1/batch/tilinggrids/1"),
        (AsyncSentinelHubBatch, "/api/v1/batch/tilinggrids/1"),
        (BatchProcessClient, "/api/v2/batch/tilinggrids/1"),
        (AsyncBatchProcessClient, "/api/v2/batch/tilinggrids/1"),
    ],
)
async def test_get_tiling_grid_refuses_an_answer_without_a_grid(
    cls: type, path: str, api: respx.MockRouter, config: SHConfig
) -> None:
    client = cls(config)
    for body in ({"data": None}, [], [{"id": 1}], {"data": [{"id": 1}]}, {}):
        api.get(path).respond(200, json=body)
        with pytest.raises(APIResponseValidationError) as info:
            await _call(client, "get_tiling_grid", 1)
        assert f"GET {BASE_URL}{path}" in str(info.value)
    grid = {"id": 1, "name": "20km grid"}
    api.get(path).respond(200, json={"data": grid} if "/v1/" in path else grid)
    assert (await _call(client, "get_tiling_grid", 1)).grid_id == 1
    await _close(client)
