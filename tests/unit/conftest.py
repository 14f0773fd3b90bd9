"""Fixtures of the unit tests: an isolated environment, a mocked service (respx), and a `byoc`
fixture that runs each test body once with the sync client and once with the async one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    RetryPolicy,
    SHConfig,
)
from sentinelhub_client._core import transport as _transport
from sentinelhub_client._core.config import MAIN_TOKEN_URL

from tests.support.twin import Twin, make_twin

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://services.sentinel-hub.com"
BYOC = "/api/v1/byoc"
TOKEN_URL = MAIN_TOKEN_URL
CLIENT_ID = "client-id"
CLIENT_SECRET = "client-secret-value"
COLLECTION_ID = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
OTHER_COLLECTION_ID = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"
TILE_ID = "7c1e0f53-9d2a-4e67-8b3c-2f4a6d8e0b12"


def load(name: str) -> dict[str, Any]:
    """A JSON fixture."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def envelope(data: Any, status: int = 200) -> httpx.Response:
    """``{"data": ...}``."""
    return httpx.Response(status, json={"data": data})


def page(items: list[Any], next_token: str | None = None) -> httpx.Response:
    """``{"data": [...], "links": {...}}``."""
    links: dict[str, Any] = {"currentToken": "cur"}
    if next_token is not None:
        links["nextToken"] = next_token
    return httpx.Response(200, json={"data": items, "links": links})


def tile_json(
    path: str = "a/b_(BAND).tif", status: str = "WAITING", **extra: Any
) -> dict[str, Any]:
    """A small tile as the service sends it."""
    return {"id": extra.pop("id", TILE_ID), "path": path, "status": status, **extra}


@pytest.fixture
def config() -> SHConfig:
    """Credentials and zero backoff."""
    return SHConfig(
        sh_client_id=CLIENT_ID, sh_client_secret=CLIENT_SECRET, retry=RetryPolicy(backoff=0)
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The mocked service, with a token endpoint that issues ``token-1``."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post(TOKEN_URL, name="token").respond(
            json={"access_token": "token-1", "expires_in": 3600, "token_type": "Bearer"}
        )
        yield router


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records the transport's waits instead of sleeping."""
    recorded: list[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_asleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_transport, "_sleep", fake_sleep)
    monkeypatch.setattr(_transport, "_asleep", fake_asleep)
    return recorded


@pytest.fixture(params=["sync", "async"])
async def byoc(
    request: pytest.FixtureRequest, config: SHConfig, api: respx.MockRouter
) -> AsyncIterator[Twin]:
    """The BYOC client, sync then async, against the mocked service."""
    twin = make_twin(request.param, config)
    yield twin
    await twin.close()
