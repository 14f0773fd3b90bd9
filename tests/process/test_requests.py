"""The Process and Async Process calls on the wire (respx), sync and async: URL, headers, body,
decoded results, processing units, saving, errors, status checks and waiting."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import numpy as np
import pytest
import respx
from sentinelhub_client import (
    APITimeoutError,
    BadRequestError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    SentinelHubValidationError,
    ServerError,
    SHConfig,
    WaitTimeoutError,
)
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.process import (
    AsyncProcessRequest,
    AsyncProcessStatus,
    AsyncSentinelHubProcess,
    BBox,
    MimeType,
    ProcessResponse,
    SentinelHubProcess,
    SentinelHubRequest,
    aget_async_running_status,
    get_async_running_status,
    s3_specification,
)

from tests.support.spec import json_schema

from .conftest import (
    ASYNC,
    BASE_URL,
    COLLECTION_ID,
    EVALSCRIPT,
    PROCESS,
    TOKEN_URL,
    Twin,
    geotiff,
    make_twin,
    sample_bands,
    tar_of,
    tiff_response,
)

pytestmark = pytest.mark.anyio

REQUEST_ID = "4f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190"
OTHER_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def make_request(config: SHConfig, **changes: Any) -> SentinelHubRequest:
    arguments: dict[str, Any] = {
        "evalscript": EVALSCRIPT,
        "input_data": [
            SentinelHubRequest.input_data(COLLECTION_ID, time_interval=("2024-05-01", "2024-05-31"))
        ],
        "responses": [SentinelHubRequest.output_response("default", MimeType.TIFF)],
        "bbox": BBox((500000, 4599940, 500050, 4600000), crs=32633),
        "size": (5, 6),
        "config": config,
        **changes,
    }
    return SentinelHubRequest(**arguments)


def make_async_request(config: SHConfig) -> AsyncProcessRequest:
    return AsyncProcessRequest(
        evalscript=EVALSCRIPT,
        input_data=[SentinelHubRequest.input_data(COLLECTION_ID)],
        responses=[SentinelHubRequest.output_response("default", "tiff")],
        delivery=s3_specification(
            "s3://results/<REQUEST_ID>/<OUTPUT>", access_key="AKIA1", secret_access_key="s3cr3t"
        ),
        bbox=BBox((12.44, 41.87, 12.52, 41.93)),
        size=(4000, 4000),
        config=config,
    )


def only_call(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1, route.calls
    return route.calls.last.request


def assert_json_post(request: httpx.Request, url: str, accept: str) -> dict[str, Any]:
    assert request.method == "POST"
    assert str(request.url) == url
    assert request.headers["authorization"] == "Bearer token-1"
    assert request.headers["accept"] == accept
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("sentinelhub-client/")
    body: dict[str, Any] = json.loads(request.content)
    return body


def envelope(status: int, message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "reason": "x", "message": message, "code": code, **extra}}


# -- Process -------------------------------------------------------------------------------------


async def test_get_data_sends_the_body_and_decodes_the_tiff(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    bands = sample_bands(3, 6, 5, "uint16")
    route = api.post(PROCESS).mock(return_value=tiff_response(geotiff(bands), pu="0.3333"))
    request = make_request(config)
    [image] = await process.call("get_data", request)
    body = assert_json_post(only_call(route), BASE_URL + PROCESS, "image/tiff")
    assert body == request.payload
    jsonschema.validate(body, json_schema("ProcessRequest"))
    assert body["input"]["bounds"] == {
        "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        "bbox": [500000.0, 4599940.0, 500050.0, 4600000.0],
    }
    assert body["input"]["data"] == [
        {
            "type": f"byoc-{COLLECTION_ID}",
            "dataFilter": {
                "timeRange": {"from": "2024-05-01T00:00:00Z", "to": "2024-05-31T23:59:59Z"}
            },
        }
    ]
    assert body["output"] == {
        "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        "width": 5,
        "height": 6,
    }
    assert image.dtype == np.uint16
    np.testing.assert_array_equal(image, np.moveaxis(bands, 0, -1))
    assert request.processing_units == pytest.approx(0.3333)


async def test_several_responses_ask_for_tar_and_give_a_mapping(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    bands = sample_bands(1, 6, 5, "float32")
    content = tar_of({"default.tif": geotiff(bands), "userdata.json": b'{"scenes": 2}'})
    route = api.post(PROCESS).respond(
        200, content=content, headers={"content-type": "application/x-tar"}
    )
    request = make_request(
        config,
        responses=[
            SentinelHubRequest.output_response("default", "tiff"),
            SentinelHubRequest.output_response("userdata", "json"),
        ],
    )
    [result] = await process.call("get_data", request)
    body = assert_json_post(only_call(route), BASE_URL + PROCESS, "application/x-tar")
    assert [r["identifier"] for r in body["output"]["responses"]] == ["default", "userdata"]
    assert set(result) == {"default.tif", "userdata.json"}
    np.testing.assert_array_equal(result["default.tif"], bands[0])
    assert result["userdata.json"] == {"scenes": 2}
    assert request.processing_units is None  # the answer carried no header


async def test_png_and_undecoded_answers(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    from .conftest import pillow_image

    mask = (np.arange(30).reshape(6, 5) * 8).astype(np.uint8)
    route = api.post(PROCESS).respond(
        200,
        content=pillow_image(mask, "PNG"),
        headers={"content-type": "image/png", "x-processingunits-spent": "0.005"},
    )
    request = make_request(config, responses=[SentinelHubRequest.output_response("mask", "png")])
    [raw] = await process.call("get_data", request, decode_data=False)
    assert isinstance(raw, ProcessResponse)
    assert raw.mime_type is MimeType.PNG
    assert raw.processing_units == 0.005
    np.testing.assert_array_equal(raw.decode(), mask)
    assert only_call(route).headers["accept"] == "image/png"


async def test_process_takes_a_plain_body_and_checks_it(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(PROCESS).respond(
        200, json={"ok": True}, headers={"x-processingunits-spent": "1"}
    )
    body = make_request(
        config, responses=[SentinelHubRequest.output_response("userdata", "json")]
    ).payload
    response = await process.call("process", body)
    assert only_call(route).headers["accept"] == "application/json"
    assert json.loads(only_call(route).content) == body
    assert response.decode() == {"ok": True}
    assert response.processing_units == 1.0
    with pytest.raises(SentinelHubValidationError) as info:
        await process.call("process", {**body, "evalscript": ""})
    assert info.value.field == "evalscript"
    assert route.call_count == 1


async def test_a_body_without_responses_is_sent_as_the_service_allows(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    """The service answers one PNG of ``default`` when ``output.responses`` is absent."""
    route = api.post(PROCESS).respond(200, content=b"png", headers={"content-type": "image/png"})
    body = make_request(config).payload
    del body["output"]["responses"]
    await process.call("process", body)
    assert only_call(route).headers["accept"] == "image/png"
    assert "responses" not in json.loads(only_call(route).content)["output"]


async def test_a_400_is_a_typed_error_with_the_violations(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(PROCESS).respond(
        400,
        json=envelope(
            400,
            "Script failed: ReferenceError: foo is not defined (line 4)",
            "RENDERER_EXCEPTION",
            errors=[{"parameter": "evalscript", "violation": "line 4"}],
        ),
    )
    with pytest.raises(BadRequestError) as info:
        await process.call("get_data", make_request(config))
    assert info.value.code == "RENDERER_EXCEPTION"
    assert "foo is not defined" in str(info.value)
    assert info.value.errors[0].parameter == "evalscript"
    assert route.call_count == 1  # a 400 is never retried


async def test_save_data_writes_under_data_folder_and_get_data_reads_it_back(
    process: Twin, api: respx.MockRouter, config: SHConfig, tmp_path: Path
) -> None:
    bands = sample_bands(2, 6, 5, "int16")
    route = api.post(PROCESS).mock(return_value=tiff_response(geotiff(bands)))
    request = make_request(config, data_folder=tmp_path / "out")
    [path] = await process.call("save_data", request)
    assert path == request.response_path()
    assert path.parent.parent == tmp_path / "out"
    assert path.name == "response.tif"
    record = json.loads((path.parent / "request.json").read_text())
    assert record["payload"] == request.payload
    assert record["url"] == BASE_URL + PROCESS
    assert record["processing_units"] == pytest.approx(0.0123)
    assert "authorization" not in {key.lower() for key in record["headers"]}
    # Saved: read back without sending again ...
    [again] = await process.call("get_data", request)
    np.testing.assert_array_equal(again, np.moveaxis(bands, 0, -1))
    assert await process.call("save_data", request) == [path]
    assert route.call_count == 1
    # ... unless asked to.
    await process.call("get_data", request, redownload=True, save_data=True)
    assert route.call_count == 2
    assert sorted(p.name for p in path.parent.iterdir()) == ["request.json", "response.tif"]


async def test_saving_needs_a_data_folder(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(PROCESS).mock(return_value=tiff_response(geotiff(sample_bands())))
    with pytest.raises(SentinelHubValidationError) as info:
        await process.call("save_data", make_request(config))
    assert info.value.field == "data_folder"
    with pytest.raises(SentinelHubValidationError):
        await process.call("get_data", make_request(config), save_data=True)
    assert route.call_count == 0


async def test_new_path_style_follows_the_config(api: respx.MockRouter) -> None:
    config = SHConfig(
        sh_client_id="client-id",
        sh_client_secret="client-secret-value",
        byoc_base_path="/byoc/v1",
        retry=RetryPolicy(backoff=0),
    )
    process_route = api.post("/process/v1").mock(
        return_value=tiff_response(geotiff(sample_bands()))
    )
    async_route = api.post("/async/v1/process").respond(
        json={"id": REQUEST_ID, "status": "RUNNING"}
    )
    status_route = api.get(f"/async/v1/process/{REQUEST_ID}").respond(404)
    with SentinelHubProcess(config) as client:
        client.get_data(make_request(config))
        client.submit(make_async_request(config))
        assert client.get_async_running_status([REQUEST_ID]) == {REQUEST_ID: None}
    assert (process_route.call_count, async_route.call_count, status_route.call_count) == (1, 1, 1)


def test_request_objects_send_on_their_own(api: respx.MockRouter, config: SHConfig) -> None:
    bands = sample_bands(3, 6, 5, "uint8")
    api.post(PROCESS).mock(return_value=tiff_response(geotiff(bands), pu="0.02"))
    submit = api.post(ASYNC).respond(json={"id": REQUEST_ID, "status": "RUNNING"})
    request = make_request(config)
    [image] = request.get_data()
    np.testing.assert_array_equal(image, np.moveaxis(bands, 0, -1))
    assert request.processing_units == 0.02
    assert make_async_request(config).get_data() == [{"id": REQUEST_ID, "status": "RUNNING"}]
    assert only_call(submit).headers["authorization"] == "Bearer token-1"


# -- Async Process -------------------------------------------------------------------------------


async def test_submit_sends_the_async_body_and_returns_id_and_status(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(ASYNC).respond(json={"id": REQUEST_ID, "status": "RUNNING"})
    request = make_async_request(config)
    status = await process.call("submit", request)
    body = assert_json_post(only_call(route), BASE_URL + ASYNC, "application/json")
    jsonschema.validate(body, json_schema("AsyncProcessRequest"))
    assert body["output"]["delivery"] == {
        "s3": {
            "url": "s3://results/<REQUEST_ID>/<OUTPUT>",
            "accessKey": "AKIA1",
            "secretAccessKey": "s3cr3t",
        }
    }
    assert body["output"]["width"] == 4000
    assert status == AsyncProcessStatus(id=REQUEST_ID, status="RUNNING")
    assert status["id"] == REQUEST_ID


async def test_too_many_concurrent_async_requests_is_a_rate_limit_error(
    api: respx.MockRouter, config: SHConfig, sleeps: list[float]
) -> None:
    route = api.post(ASYNC).respond(
        429,
        headers={"retry-after": "1500"},
        json=envelope(429, "Too many concurrent async requests", "RATE_LIMIT_EXCEEDED"),
    )
    for kind in ("sync", "async"):
        twin = make_twin(kind, config.copy(retry=RetryPolicy(max_attempts=2, backoff=0.1)))
        with pytest.raises(RateLimitError) as info:
            await twin.call("submit", make_async_request(config))
        await twin.close()
        assert info.value.retry_after == 1.5
        assert info.value.status == 429
        assert "concurrent" in str(info.value)
    assert route.call_count == 4  # each flavour: the first attempt and one retry after 1.5 s
    assert sleeps == [1.5, 1.5]


async def test_submit_is_not_replayed_after_a_lost_answer(
    process: Twin, api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(ASYNC).mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(APITimeoutError) as info:
        await process.call("submit", make_async_request(config))
    assert info.value.ambiguous
    assert route.call_count == 1


async def test_running_status_200_running_404_unknown_others_raise(
    process: Twin, api: respx.MockRouter
) -> None:
    running = api.get(f"{ASYNC}/{REQUEST_ID}").respond(json={"id": REQUEST_ID, "status": "RUNNING"})
    api.get(f"{ASYNC}/{OTHER_ID}").respond(404, json=envelope(404, "not found", "COMMON_NOT_FOUND"))
    statuses = await process.call("get_async_running_status", [REQUEST_ID, OTHER_ID, REQUEST_ID])
    assert statuses == {REQUEST_ID: True, OTHER_ID: None}
    assert list(statuses) == [REQUEST_ID, OTHER_ID]
    assert running.call_count == 1
    assert running.calls.last.request.headers["authorization"] == "Bearer token-1"
    api.get(f"{ASYNC}/broken").respond(500)
    with pytest.raises(ServerError):
        await process.call("get_async_running_status", [REQUEST_ID, "broken"])
    api.get(f"{ASYNC}/forbidden").respond(403)
    with pytest.raises(PermissionDeniedError):
        await process.call("get_async_running_status", ["forbidden"])
    for bad in ([" "], 42):
        with pytest.raises(SentinelHubValidationError) as info:
            await process.call("get_async_running_status", bad)
        assert info.value.field == "ids"
    # one id may be given alone
    assert await process.call("get_async_running_status", OTHER_ID) == {OTHER_ID: None}


def test_module_function_matches_sentinelhub_py(api: respx.MockRouter, config: SHConfig) -> None:
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(json={"id": REQUEST_ID, "status": "RUNNING"})
    api.get(f"{ASYNC}/{OTHER_ID}").respond(404)
    assert get_async_running_status([REQUEST_ID, OTHER_ID], config) == {
        REQUEST_ID: True,
        OTHER_ID: None,
    }
    assert asyncio.run(aget_async_running_status((OTHER_ID,), config)) == {OTHER_ID: None}


def _status_handler(barrier: Any) -> Any:
    """Answers the token and status requests; status requests wait at ``barrier``."""

    def token(request: httpx.Request) -> httpx.Response | None:
        if str(request.url) == TOKEN_URL:
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return None

    if isinstance(barrier, threading.Barrier):

        def handler(request: httpx.Request) -> httpx.Response:
            found = token(request)
            if found is not None:
                return found
            barrier.wait()  # raises BrokenBarrierError unless all requests are in flight at once
            return httpx.Response(404)

        return handler

    async def ahandler(request: httpx.Request) -> httpx.Response:
        found = token(request)
        if found is not None:
            return found
        async with asyncio.timeout(5):
            await barrier.wait()
        return httpx.Response(404)

    return ahandler


def test_sync_status_checks_run_in_parallel(config: SHConfig) -> None:
    ids = [f"id-{n}" for n in range(4)]
    barrier = threading.Barrier(len(ids), timeout=5)
    user_client = httpx.Client(transport=httpx.MockTransport(_status_handler(barrier)))
    with user_client, SentinelHubProcess(config, http_client=user_client) as client:
        assert client.get_async_running_status(ids) == dict.fromkeys(ids)


async def test_async_status_checks_run_concurrently(config: SHConfig) -> None:
    ids = [f"id-{n}" for n in range(4)]
    barrier = asyncio.Barrier(len(ids))
    user_client = httpx.AsyncClient(transport=httpx.MockTransport(_status_handler(barrier)))
    async with user_client, AsyncSentinelHubProcess(config, http_client=user_client) as client:
        assert await client.get_async_running_status(ids) == dict.fromkeys(ids)


async def test_wait_for_async_polls_only_running_ids_and_reports_progress(
    process: Twin, api: respx.MockRouter
) -> None:
    first = api.get(f"{ASYNC}/{REQUEST_ID}").mock(
        side_effect=[
            httpx.Response(200, json={"id": REQUEST_ID, "status": "RUNNING"}),
            httpx.Response(200, json={"id": REQUEST_ID, "status": "RUNNING"}),
            httpx.Response(404),
        ]
    )
    second = api.get(f"{ASYNC}/{OTHER_ID}").respond(404)
    progress: list[tuple[int, int]] = []
    seen: list[dict[str, bool]] = []
    result = await process.call(
        "wait_for_async",
        [REQUEST_ID, OTHER_ID],
        interval=0,
        timeout=30,
        callback=seen.append,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert result == {REQUEST_ID: None, OTHER_ID: None}
    assert progress == [(1, 2), (1, 2), (2, 2)]
    assert seen[0] == {REQUEST_ID: True, OTHER_ID: None}
    assert (first.call_count, second.call_count) == (3, 1)


async def test_wait_for_async_times_out_with_the_last_state(
    process: Twin, api: respx.MockRouter
) -> None:
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(json={"id": REQUEST_ID, "status": "RUNNING"})
    with pytest.raises(WaitTimeoutError) as info:
        await process.call("wait_for_async", [REQUEST_ID], interval=0, timeout=0)
    assert info.value.pending == [{REQUEST_ID: True}]
    assert "Async Process" in str(info.value)
    with pytest.raises(SentinelHubValidationError) as bad:
        await process.call("wait_for_async", [REQUEST_ID], interval=-1)
    assert bad.value.field == "interval"


# -- sharing a transport ---------------------------------------------------------------------------


async def test_clients_built_on_a_shared_transport_use_it_and_leave_it_open(
    api: respx.MockRouter, config: SHConfig
) -> None:
    api.get(f"{ASYNC}/{REQUEST_ID}").respond(404)
    transport = SyncTransport(config)
    client = SentinelHubProcess._from_transport(transport)
    assert client.transport.http_client is transport.http_client
    assert client.config is config
    assert client.get_async_running_status([REQUEST_ID]) == {REQUEST_ID: None}
    client.close()
    assert not transport.http_client.is_closed
    transport.close()

    atransport = AsyncTransport(config)
    aclient = AsyncSentinelHubProcess._from_transport(atransport)
    assert await aclient.get_async_running_status([REQUEST_ID]) == {REQUEST_ID: None}
    await aclient.close()
    assert not atransport.http_client.is_closed
    await atransport.close()


async def test_with_options_changes_the_policy_per_call(
    api: respx.MockRouter, config: SHConfig
) -> None:
    route = api.post(PROCESS).respond(503)
    with SentinelHubProcess(config) as client:
        with pytest.raises(ServerError):
            client.with_options(retry=RetryPolicy(max_attempts=1)).get_data(make_request(config))
        assert route.call_count == 1
        with pytest.raises(ServerError):
            client.with_options(retry=RetryPolicy(max_attempts=3, backoff=0)).get_data(
                make_request(config)
            )
        assert route.call_count == 4
        assert not client.transport.http_client.is_closed
    assert "base_url" in repr(client)
