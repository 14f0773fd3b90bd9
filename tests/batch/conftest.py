"""Fixtures of the batch tests: a mocked service (respx) and a `batch` fixture that runs each test
body once with the sync client and once with the async one."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_client._core.config import MAIN_TOKEN_URL
from sentinelhub_client.batch import AsyncSentinelHubBatch, SentinelHubBatch

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://services.sentinel-hub.com"
BATCH = "/api/v1/batch"
REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
COLLECTION_ID = "6f0b1e7a-2c4d-4e8f-9a1b-3c5d7e9f1a2b"
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


def request_json(status: str = "CREATED", **extra: Any) -> dict[str, Any]:
    """A batch request as the service sends it."""
    return {
        "id": REQUEST_ID,
        "processRequest": PROCESS_PAYLOAD,
        "tileCount": 4,
        "status": status,
        **extra,
    }


def page(items: list[Any], next_token: str | None = None) -> httpx.Response:
    """``{"data": [...], "links": {...}}``."""
    links: dict[str, Any] = {"currentToken": "cur"}
    if next_token is not None:
        links["nextToken"] = next_token
    return httpx.Response(200, json={"data": items, "links": links})


def only_call(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1, route.calls
    return route.calls.last.request


def body_of(request: httpx.Request) -> Any:
    """The JSON body (None when there is none)."""
    if not request.content:
        assert "content-type" not in request.headers
        return None
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


class Twin:
    """Calls a method of the sync or the async batch client the same way from an async test."""

    def __init__(self, client: SentinelHubBatch | AsyncSentinelHubBatch) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncSentinelHubBatch)

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
        if isinstance(self.client, AsyncSentinelHubBatch):
            await self.client.close()
        else:
            self.client.close()


def make_twin(
    kind: str, config: SHConfig, shared: tuple[httpx.Client, httpx.AsyncClient], **kwargs: Any
) -> Twin:
    if kind == "sync":
        return Twin(SentinelHubBatch(config, http_client=shared[0], **kwargs))
    return Twin(AsyncSentinelHubBatch(config, http_client=shared[1], **kwargs))


@pytest.fixture(scope="session")
def shared_http() -> Iterator[tuple[httpx.Client, httpx.AsyncClient]]:
    """One plain httpx client of each flavour for every test to send through: making a client
    of ours with its own connection pool and TLS context costs about 0.1 s, passing one costs
    about 1 ms (respx mocks the requests either way)."""
    async_client = httpx.AsyncClient()
    with httpx.Client() as sync_client:
        yield sync_client, async_client
    asyncio.run(async_client.aclose())


@pytest.fixture
def config() -> SHConfig:
    """Credentials and zero backoff."""
    return SHConfig(
        sh_client_id="client-id", sh_client_secret="client-secret", retry=RetryPolicy(backoff=0)
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The mocked service, with a token endpoint that issues ``token-1``."""
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
    """The batch client, sync then async, against the mocked service."""
    twin = make_twin(request.param, config, shared_http)
    yield twin
    await twin.close()


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())
