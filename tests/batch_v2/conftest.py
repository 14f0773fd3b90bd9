"""Fixtures of the Batch v2 tests: a mocked service (respx) and a `batch` fixture that runs each
test body once with the sync client and once with the async one."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import jsonschema
import pytest
import respx
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_client._core.config import MAIN_TOKEN_URL
from sentinelhub_client.batch_v2 import AsyncBatchProcessClient, BatchProcessClient

from tests.support.spec import json_schema

BASE_URL = "https://services.sentinel-hub.com"
BATCH = "/api/v2/batch"
REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
PROCESS = f"{BATCH}/process/{REQUEST_ID}"
PROCESS_PAYLOAD: dict[str, Any] = {
    "input": {
        "bounds": {
            "bbox": [500000.0, 4600000.0, 520000.0, 4620000.0],
            "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        },
        "data": [{"type": "sentinel-2-l2a"}],
    },
    "output": {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]},
    "evalscript": "//VERSION=3\nfunction setup() {}\nfunction evaluatePixel(s) {}",
}
TILING_INPUT: dict[str, Any] = {"type": "tiling-grid", "id": 1, "resolution": 10}
RASTER_OUTPUT: dict[str, Any] = {
    "type": "raster",
    "delivery": {"s3": {"url": "s3://bucket/out", "iamRoleARN": "arn:aws:iam::1:role/r"}},
}


def request_json(status: str = "CREATED", **extra: Any) -> dict[str, Any]:
    """A Batch v2 request as the service sends it."""
    return {
        "id": REQUEST_ID,
        "request": {
            "processRequest": PROCESS_PAYLOAD,
            "input": TILING_INPUT,
            "output": RASTER_OUTPUT,
            "instanceType": "normal",
        },
        "domainAccountId": "acc-1",
        "status": status,
        "userAction": "NONE",
        "created": "2026-01-02T03:04:05Z",
        "completionPercentage": 0,
        **extra,
    }


def conforms(instance: Any, schema_name: str) -> None:
    """Fail unless ``instance`` is valid against a schema of ``openapi/sentinelhub.yaml``."""
    jsonschema.validate(instance, json_schema(schema_name), cls=jsonschema.Draft202012Validator)


def page(items: list[Any], next_token: str | None = None) -> httpx.Response:
    links: dict[str, Any] = {"currentToken": "cur"}
    if next_token is not None:
        links["nextToken"] = next_token
    return httpx.Response(200, json={"data": items, "links": links})


def only_call(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1, route.calls
    return route.calls.last.request


def body_of(request: httpx.Request) -> Any:
    if not request.content:
        assert "content-type" not in request.headers
        return None
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


class Twin:
    """Calls a method of the sync or the async client the same way from an async test."""

    def __init__(self, client: BatchProcessClient | AsyncBatchProcessClient) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncBatchProcessClient)

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def collect(self, iterable: Any) -> list[Any]:
        if self.is_async:
            return [item async for item in iterable]
        return list(iterable)

    async def close(self) -> None:
        if isinstance(self.client, AsyncBatchProcessClient):
            await self.client.close()
        else:
            self.client.close()


@pytest.fixture(scope="session")
def shared_http() -> Iterator[tuple[httpx.Client, httpx.AsyncClient]]:
    async_client = httpx.AsyncClient()
    with httpx.Client() as sync_client:
        yield sync_client, async_client
    asyncio.run(async_client.aclose())


@pytest.fixture
def config() -> SHConfig:
    return SHConfig(
        sh_client_id="client-id", sh_client_secret="client-secret", retry=RetryPolicy(backoff=0)
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post(MAIN_TOKEN_URL, name="token").respond(
            json={"access_token": "token-1", "expires_in": 3600, "token_type": "Bearer"}
        )
        yield router


@pytest.fixture(params=["sync", "async"])
async def batch(
    request: pytest.FixtureRequest,
    config: SHConfig,
    api: respx.MockRouter,
    shared_http: tuple[httpx.Client, httpx.AsyncClient],
) -> AsyncIterator[Twin]:
    """The Batch v2 client, sync then async, against the mocked service."""
    if request.param == "sync":
        twin = Twin(BatchProcessClient(config, http_client=shared_http[0]))
    else:
        twin = Twin(AsyncBatchProcessClient(config, http_client=shared_http[1]))
    yield twin
    await twin.close()
