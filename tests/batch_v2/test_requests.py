"""The exact request of every Batch v2 client method (method, path, query, body) and what it
returns, sync and async; the bodies sent are checked against the project's spec."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx
from sentinelhub_client import ConflictError, NotFoundError, SentinelHubValidationError
from sentinelhub_client.batch_v2 import (
    BatchProcessClient,
    BatchProcessRequest,
    BatchV2Status,
    BatchV2UserAction,
    StoppedStatusReason,
    TilingGrid,
)

from .conftest import (
    BATCH,
    PROCESS,
    PROCESS_PAYLOAD,
    RASTER_OUTPUT,
    REQUEST_ID,
    TILING_INPUT,
    Twin,
    body_of,
    conforms,
    only_call,
    page,
    request_json,
)

pytestmark = pytest.mark.anyio


class OurRequest:
    """What our SentinelHubRequest exposes: the payload as ``payload``."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload


class PyRequest:
    """sentinelhub-py's SentinelHubRequest: the payload is ``download_list[0].post_values``."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.download_list = [type("DownloadRequest", (), {"post_values": payload})()]


async def test_create_posts_the_body_and_returns_the_request(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    delivery = BatchProcessClient.s3_specification(
        "s3://bucket/<requestId>/<tileName>/<outputId>.<format>", "AKIA", "s3cr3t"
    )
    created = await batch.call(
        "create",
        PROCESS_PAYLOAD,
        BatchProcessClient.tiling_grid_input(1, 10, buffer_x=5, buffer_y=7),
        BatchProcessClient.raster_output(delivery, cog_output=True, skip_existing=True),
        description="fields",
        customMember={"a": 1},
    )
    request = only_call(route)
    assert request.headers["authorization"] == "Bearer token-1"
    assert request.url.query == b""
    body = body_of(request)
    assert body == {
        "processRequest": PROCESS_PAYLOAD,
        "input": {"type": "tiling-grid", "id": 1, "resolution": 10, "bufferX": 5, "bufferY": 7},
        "output": {
            "type": "raster",
            "delivery": {
                "s3": {
                    "url": "s3://bucket/<requestId>/<tileName>/<outputId>.<format>",
                    "accessKey": "AKIA",
                    "secretAccessKey": "s3cr3t",
                }
            },
            "skipExisting": True,
            "cogOutput": True,
        },
        "instanceType": "normal",
        "description": "fields",
        "customMember": {"a": 1},
    }
    conforms(body, "BatchV2ProcessRequest")
    assert isinstance(created, BatchProcessRequest)
    assert created.request_id == REQUEST_ID
    assert created.status is BatchV2Status.CREATED
    assert created.user_action is BatchV2UserAction.NONE
    assert created.request is not None
    assert created.process_request == PROCESS_PAYLOAD


@pytest.mark.parametrize("wrap", [dict, OurRequest, PyRequest], ids=["dict", "ours", "py"])
async def test_create_takes_each_kind_of_process_request(
    batch: Twin, api: respx.MockRouter, wrap: Any
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    await batch.call("create", wrap(PROCESS_PAYLOAD), TILING_INPUT, RASTER_OUTPUT, "large")
    body = body_of(only_call(route))
    assert body["processRequest"] == PROCESS_PAYLOAD
    assert body["instanceType"] == "large"
    conforms(body, "BatchV2ProcessRequest")


async def test_create_with_geopackage_and_zarr(batch: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    s3 = BatchProcessClient.s3_specification
    zarr_payload = {
        **PROCESS_PAYLOAD,
        "output": {"responses": [{"identifier": "ndvi", "format": {"type": "zarr/array"}}]},
    }
    await batch.call(
        "create",
        zarr_payload,
        BatchProcessClient.geopackage_input(s3("s3://bucket/aoi.gpkg", iam_role_arn="arn:r")),
        BatchProcessClient.zarr_output(
            s3("s3://bucket/zarr/<requestId>", iam_role_arn="arn:r"),
            array_parameters={"dtype": "<f4", "chunks": [1, 256, 256], "fill_value": 0},
        ),
    )
    body = body_of(only_call(route))
    assert body["input"] == {
        "type": "geopackage",
        "features": {"s3": {"url": "s3://bucket/aoi.gpkg", "iamRoleARN": "arn:r"}},
    }
    assert body["output"] == {
        "type": "zarr",
        "delivery": {"s3": {"url": "s3://bucket/zarr/<requestId>", "iamRoleARN": "arn:r"}},
        "group": {"zarr_format": 2},
        "arrayParameters": {"dtype": "<f4", "chunks": [1, 256, 256], "fill_value": 0},
    }
    conforms(body, "BatchV2ProcessRequest")


async def test_create_renames_sentinelhub_pys_misspelt_array_parameter(
    batch: Twin, api: respx.MockRouter
) -> None:
    """An output dict built by sentinelhub-py 3.12 carries ``arrayParameter``; we send the name
    the service reads."""
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    output = {
        "type": "zarr",
        "delivery": {"s3": {"url": "s3://b/z", "iamRoleARN": "arn:r"}},
        "group": {"zarr_format": 2},
        "arrayParameter": {"dtype": "|u1", "chunks": [1, 100, 100], "fill_value": 0},
    }
    await batch.call("create", PROCESS_PAYLOAD, TILING_INPUT, output)
    sent = body_of(only_call(route))["output"]
    assert "arrayParameter" not in sent
    assert sent["arrayParameters"] == output["arrayParameter"]


@pytest.mark.parametrize(
    ("input_", "output", "field"),
    [
        ({"type": "tiles", "id": 1}, RASTER_OUTPUT, "input.type"),
        ("tiling-grid", RASTER_OUTPUT, "input"),
        (TILING_INPUT, {"type": "cog", "delivery": RASTER_OUTPUT["delivery"]}, "output.type"),
        (
            TILING_INPUT,
            {"type": "raster", "delivery": {"s3": {"url": "/tmp/out"}}},
            "delivery.s3.url",
        ),
        (
            TILING_INPUT,
            {"type": "raster", "delivery": {"s3": {"url": "s3://b/<tile>.tif"}}},
            "delivery.s3.url",
        ),
        (
            TILING_INPUT,
            {"type": "raster", "delivery": {"s3": {"url": "s3://b/<outputId>.tif"}}},
            "delivery.s3.url",
        ),
        (
            TILING_INPUT,
            {"type": "zarr", "delivery": {"s3": {"url": "s3://b/<tileName>"}}},
            "delivery.s3.url",
        ),
    ],
)
async def test_create_refuses_bad_input_before_sending(
    batch: Twin, api: respx.MockRouter, input_: Any, output: Any, field: str
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    with pytest.raises(SentinelHubValidationError) as caught:
        await batch.call("create", PROCESS_PAYLOAD, input_, output)
    assert caught.value.field == field
    assert field in str(caught.value)
    assert route.call_count == 0


async def test_create_needs_output_id_in_a_template_with_several_outputs(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    payload = {
        **PROCESS_PAYLOAD,
        "output": {
            "responses": [
                {"identifier": "a", "format": {"type": "image/tiff"}},
                {"identifier": "b", "format": {"type": "image/tiff"}},
            ]
        },
    }
    output = {"type": "raster", "delivery": {"s3": {"url": "s3://b/<tileName>.tif"}}}
    with pytest.raises(SentinelHubValidationError, match="<outputId>") as caught:
        await batch.call("create", payload, TILING_INPUT, output)
    assert caught.value.field == "output.delivery.s3.url"
    assert route.call_count == 0


async def test_create_refuses_an_unknown_instance_type(batch: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(SentinelHubValidationError, match="instance_type"):
        await batch.call("create", PROCESS_PAYLOAD, TILING_INPUT, RASTER_OUTPUT, "huge")


async def test_create_maps_a_400_to_bad_request(batch: Twin, api: respx.MockRouter) -> None:
    api.post(f"{BATCH}/process").respond(
        400,
        json={
            "error": {
                "status": 400,
                "reason": "Bad Request",
                "message": "Illegal grid",
                "code": "COMMON_BAD_PAYLOAD",
                "errors": [{"parameter": "input->id", "violation": "unknown grid"}],
            }
        },
    )
    from sentinelhub_client import BadRequestError

    with pytest.raises(BadRequestError) as caught:
        await batch.call("create", PROCESS_PAYLOAD, TILING_INPUT, RASTER_OUTPUT)
    assert "Illegal grid" in str(caught.value)


# -- reading and listing ---------------------------------------------------------------------------


async def test_get_request_parses_every_field(batch: Twin, api: respx.MockRouter) -> None:
    wire = request_json(
        "STOPPED",
        userAction="STOP",
        userActionUpdated="2026-01-02T04:00:00Z",
        lastUpdated="2026-01-02T04:00:01Z",
        completionPercentage=42.5,
        costPU=12.25,
        stoppedStatusReason="USER_ACTION",
        projectId="p-1",
    )
    route = api.get(PROCESS).respond(json=wire)
    got = await batch.call("get_request", REQUEST_ID)
    assert only_call(route).method == "GET"
    assert got.status is BatchV2Status.STOPPED
    assert got.stopped_status_reason is StoppedStatusReason.USER_ACTION
    assert got.user_action is BatchV2UserAction.STOP
    assert got.completion_percentage == 42.5
    assert got.cost_PU == 12.25
    assert got.domain_account_id == "acc-1"
    assert got.last_updated is not None
    assert got.last_updated.hour == 4
    assert got.other_data == {"projectId": "p-1"}
    assert got.to_dict() == wire
    conforms(wire, "BatchV2Request")


async def test_unknown_status_and_reason_parse(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(
        json=request_json("ARCHIVED", userAction="PAUSE", stoppedStatusReason="MAINTENANCE")
    )
    got = await batch.call("get_request", {"id": REQUEST_ID})
    assert got.status == "ARCHIVED"
    assert got.status.is_known is False
    assert got.user_action == "PAUSE"
    assert got.stopped_status_reason == "MAINTENANCE"


async def test_get_request_404(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(404, json={"error": {"status": 404, "message": "not found"}})
    with pytest.raises(NotFoundError):
        await batch.call("get_request", REQUEST_ID)


async def test_a_bad_request_id_is_refused_before_sending(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(url__regex=rf"{BATCH}/process/.*").respond(json=request_json())
    with pytest.raises(SentinelHubValidationError) as caught:
        await batch.call("get_request", "not-a-uuid")
    assert caught.value.field == "batch_request"
    assert route.call_count == 0


async def test_iter_requests_is_lazy_and_follows_pages(batch: Twin, api: respx.MockRouter) -> None:
    second = "4fa85f64-5717-4562-b3fc-2c963f66afa6"
    route = api.get(f"{BATCH}/process").mock(
        side_effect=[
            page([request_json()], next_token="t2"),
            page([request_json("DONE", id=second)]),
        ]
    )
    iterator = batch.client.iter_requests(user_id="u1", search="ndvi", sort="created:desc")
    assert route.call_count == 0
    got = await batch.collect(iterator)
    assert [r.request_id for r in got] == [REQUEST_ID, second]
    assert route.call_count == 2
    first, last = (call.request.url.params for call in route.calls)
    assert dict(first) == {"count": "100", "userid": "u1", "search": "ndvi", "sort": "created:desc"}
    assert last["viewtoken"] == "t2"


async def test_iter_requests_stops_at_max_items(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{BATCH}/process").respond(
        json={"data": [request_json(), request_json()], "links": {"nextToken": "more"}}
    )
    got = await batch.collect(batch.client.iter_requests(max_items=1, count=2))
    assert len(got) == 1
    assert route.call_count == 1
    # The page asked for is no bigger than what is still wanted.
    assert route.calls.last.request.url.params["count"] == "1"


# -- update and actions ----------------------------------------------------------------------------


async def test_update_request_sends_only_the_description(
    batch: Twin, api: respx.MockRouter
) -> None:
    stored = {**request_json()["request"], "description": "new"}
    route = api.put(PROCESS).respond(200, json=stored)
    got = await batch.call("update_request", REQUEST_ID, "new")
    request = only_call(route)
    assert body_of(request) == {"description": "new"}
    conforms(body_of(request), "BatchV2RequestUpdate")
    assert got == stored


async def test_update_request_accepts_an_empty_answer(batch: Twin, api: respx.MockRouter) -> None:
    api.put(PROCESS).respond(204)
    assert await batch.call("update_request", REQUEST_ID, "x") is None


async def test_update_request_refuses_a_non_text_description(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.put(PROCESS).respond(204)
    with pytest.raises(SentinelHubValidationError) as caught:
        await batch.call("update_request", REQUEST_ID, None)
    assert caught.value.field == "description"
    assert route.call_count == 0


async def test_update_while_processing_is_a_conflict(batch: Twin, api: respx.MockRouter) -> None:
    api.put(PROCESS).respond(409, json={"error": {"status": 409, "message": "processing"}})
    with pytest.raises(ConflictError):
        await batch.call("update_request", REQUEST_ID, "x")


@pytest.mark.parametrize(
    ("method", "segment"),
    [("start_analysis", "analyse"), ("start_job", "start"), ("stop_job", "stop")],
)
async def test_actions_post_without_a_body(
    batch: Twin, api: respx.MockRouter, method: str, segment: str
) -> None:
    route = api.post(f"{PROCESS}/{segment}").respond(204)
    model = BatchProcessRequest.from_dict(request_json())
    assert await batch.call(method, model) is None
    request = only_call(route)
    assert request.content == b""
    assert request.url.path == f"{PROCESS}/{segment}"


# -- tiling grids ----------------------------------------------------------------------------------

GRID = {
    "id": 0,
    "name": "UTM 20km grid",
    "properties": {"tileWidth": 20040, "tileHeight": 20040, "resolutions": [10, 20, 60]},
}


async def test_tiling_grids(batch: Twin, api: respx.MockRouter) -> None:
    listing = api.get(f"{BATCH}/tilinggrids").mock(return_value=page([GRID]))
    one = api.get(f"{BATCH}/tilinggrids/0").respond(json=GRID)
    grids = await batch.collect(batch.client.iter_tiling_grids())
    assert listing.call_count == 1
    assert [g.name for g in grids] == ["UTM 20km grid"]
    grid = await batch.call("get_tiling_grid", 0)
    assert only_call(one).url.path == f"{BATCH}/tilinggrids/0"
    assert isinstance(grid, TilingGrid)
    assert grid.grid_id == 0
    conforms(GRID, "BatchV2TilingGrid")


def test_repr_of_a_request_with_secrets_hides_them() -> None:
    delivery = BatchProcessClient.s3_specification("s3://b/out", "AKIA", "very-secret")
    output = BatchProcessClient.raster_output(delivery)
    assert "very-secret" not in repr(delivery)
    assert "very-secret" not in repr(output)
    assert "very-secret" not in str(output)
    # ... but the secret is sent.
    assert json.loads(json.dumps(output))["delivery"]["s3"]["secretAccessKey"] == "very-secret"


async def test_the_hub_offers_batch_v2_on_its_shared_transport(
    api: respx.MockRouter, config: Any
) -> None:
    from sentinelhub_client import AsyncSentinelHub, SentinelHub
    from sentinelhub_client.batch_v2 import AsyncBatchProcessClient

    route = api.get(PROCESS).respond(json=request_json())
    with SentinelHub(config) as hub:
        assert isinstance(hub.batch_v2, BatchProcessClient)
        assert hub.batch_v2.transport.http_client is hub.transport.http_client
        assert hub.batch_v2.get_request(REQUEST_ID).request_id == REQUEST_ID
    async with AsyncSentinelHub(config) as ahub:
        assert isinstance(ahub.batch_v2, AsyncBatchProcessClient)
        assert (await ahub.batch_v2.get_request(REQUEST_ID)).request_id == REQUEST_ID
    assert route.call_count == 2
