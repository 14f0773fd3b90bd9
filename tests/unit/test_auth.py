"""OAuth client credentials: the token request, caching, early refresh, the refresh race, the 401
replay, token endpoint failures, and that credentials never leak."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIConnectionError,
    AsyncSentinelHubBYOC,
    AuthenticationError,
    RetryPolicy,
    SentinelHubBYOC,
    SHConfig,
)
from sentinelhub_client._core.auth import ClientCredentialsAuth, refresh_deadline

from .conftest import (
    BASE_URL,
    BYOC,
    CLIENT_ID,
    CLIENT_SECRET,
    COLLECTION_ID,
    TILE_ID,
    TOKEN_URL,
    Twin,
    envelope,
    make_twin,
    tile_json,
)

pytestmark = pytest.mark.anyio

TILE = f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}"


def token_response(token: str, expires_in: float = 3600) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "expires_in": expires_in})


async def test_the_token_request_is_a_client_credentials_form(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.get(TILE).mock(return_value=envelope(tile_json()))
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    token_request = api.routes["token"].calls.last.request
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in token_request.headers
    assert urllib.parse.parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }


async def test_one_token_is_shared_by_every_client(config: SHConfig, api: respx.MockRouter) -> None:
    api.get(TILE).mock(return_value=envelope(tile_json()))
    twins = [make_twin(kind, config) for kind in ("sync", "async", "sync", "async")]
    try:
        for twin in twins:
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        for twin in twins:
            await twin.close()
    assert api.routes["token"].call_count == 1


def test_refresh_deadline() -> None:
    assert refresh_deadline(100.0, 3600, 120) == 100.0 + 3480
    assert refresh_deadline(0.0, 60, 120) == 30.0  # never more than half the lifetime early
    assert refresh_deadline(0.0, 0, 120) == 0.0


def _auth_with_clock(now: list[float]) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=lambda: now[0], retry=RetryPolicy(backoff=0)
    )


def test_the_token_is_refreshed_early_on_the_monotonic_clock(api: respx.MockRouter) -> None:
    api.routes["token"].mock(side_effect=[token_response("t1"), token_response("t2")])
    api.get("/x").respond(204)
    now = [1000.0]
    with httpx.Client(base_url=BASE_URL, auth=_auth_with_clock(now)) as client:
        assert client.get("/x").request.headers["authorization"] == "Bearer t1"
        now[0] += 3479.0  # 121 s before expiry: still fine
        assert client.get("/x").request.headers["authorization"] == "Bearer t1"
        now[0] += 1.0  # 120 s before expiry: refreshed
        assert client.get("/x").request.headers["authorization"] == "Bearer t2"
    assert api.routes["token"].call_count == 2


def test_a_short_lived_token_is_not_fetched_on_every_request(api: respx.MockRouter) -> None:
    api.routes["token"].mock(side_effect=[token_response("t1", 60), token_response("t2", 60)])
    api.get("/x").respond(204)
    now = [0.0]
    with httpx.Client(base_url=BASE_URL, auth=_auth_with_clock(now)) as client:
        for _ in range(3):
            client.get("/x")
        now[0] = 31.0
        assert client.get("/x").request.headers["authorization"] == "Bearer t2"
    assert api.routes["token"].call_count == 2


async def test_the_async_flow_refreshes_too(api: respx.MockRouter) -> None:
    api.routes["token"].mock(side_effect=[token_response("t1"), token_response("t2")])
    api.get("/x").respond(204)
    now = [0.0]
    async with httpx.AsyncClient(base_url=BASE_URL, auth=_auth_with_clock(now)) as client:
        assert (await client.get("/x")).request.headers["authorization"] == "Bearer t1"
        now[0] = 3500.0
        assert (await client.get("/x")).request.headers["authorization"] == "Bearer t2"


def test_100_threads_on_a_cold_cache_make_one_token_request(
    config: SHConfig, api: respx.MockRouter
) -> None:
    def slow_token(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        return token_response("token-1")

    api.routes["token"].mock(side_effect=slow_token)
    tiles = api.get(TILE).mock(return_value=envelope(tile_json()))
    barrier = threading.Barrier(100)
    with SentinelHubBYOC(config) as byoc:

        def work(_: int) -> str | None:
            barrier.wait()
            return byoc.get_tile(COLLECTION_ID, TILE_ID).tile_id

        with ThreadPoolExecutor(max_workers=100) as pool:
            results = list(pool.map(work, range(100)))
    assert results == [TILE_ID] * 100
    assert api.routes["token"].call_count == 1
    assert tiles.call_count == 100


async def test_100_tasks_on_a_cold_cache_make_one_token_request(
    config: SHConfig, api: respx.MockRouter
) -> None:
    async def slow_token(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return token_response("token-1")

    api.routes["token"].mock(side_effect=slow_token)
    tiles = api.get(TILE).mock(return_value=envelope(tile_json()))
    async with AsyncSentinelHubBYOC(config) as byoc:
        results = await asyncio.gather(*(byoc.get_tile(COLLECTION_ID, TILE_ID) for _ in range(100)))
    assert len(results) == 100
    assert tiles.call_count == 100
    assert api.routes["token"].call_count == 1


async def test_a_401_drops_the_token_and_replays_once(byoc: Twin, api: respx.MockRouter) -> None:
    api.routes["token"].mock(side_effect=[token_response("old"), token_response("new")])
    route = api.get(TILE).mock(side_effect=[httpx.Response(401), envelope(tile_json())])
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert [c.request.headers["authorization"] for c in route.calls] == [
        "Bearer old",
        "Bearer new",
    ]
    assert api.routes["token"].call_count == 2


async def test_a_second_401_is_raised(byoc: Twin, api: respx.MockRouter) -> None:
    api.routes["token"].mock(side_effect=[token_response("old"), token_response("new")])
    route = api.get(TILE).mock(
        return_value=httpx.Response(
            401, json={"error": {"status": 401, "message": "Token expired", "code": "x"}}
        )
    )
    with pytest.raises(AuthenticationError, match="Token expired"):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 2
    assert api.routes["token"].call_count == 2


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_pre_issued_token_is_not_replayed(kind: str, api: respx.MockRouter) -> None:
    route = api.get(TILE).mock(return_value=httpx.Response(401))  # empty body
    twin = make_twin(kind, SHConfig(sh_token="static"))
    try:
        with pytest.raises(AuthenticationError) as caught:
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert route.call_count == 1
    assert caught.value.status == 401


async def test_a_refusing_token_endpoint_raises_authentication_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.routes["token"].mock(
        return_value=httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": "Invalid client credentials"},
        )
    )
    tiles = api.get(TILE).mock(return_value=envelope(tile_json()))
    with pytest.raises(AuthenticationError) as caught:
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    error = caught.value
    assert error.oauth_error == "invalid_client"
    assert error.error_description == "Invalid client credentials"
    assert "Invalid client credentials" in str(error)
    assert CLIENT_SECRET not in str(error) + repr(error)
    assert api.routes["token"].call_count == 1
    assert tiles.call_count == 0


async def test_a_failing_token_endpoint_is_retried_then_reported(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.routes["token"].mock(side_effect=[httpx.Response(503), token_response("token-1")])
    api.get(TILE).mock(return_value=envelope(tile_json()))
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert api.routes["token"].call_count == 2


async def test_an_unreachable_token_endpoint_raises_a_connection_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.routes["token"].mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="OAuth token"):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)


async def test_a_token_answer_without_a_token_is_an_authentication_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.routes["token"].mock(return_value=httpx.Response(200, json={"token_type": "Bearer"}))
    with pytest.raises(AuthenticationError, match="access_token"):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_missing_credentials_are_explained_before_sending(
    kind: str, api: respx.MockRouter
) -> None:
    route = api.get(TILE).mock(return_value=envelope(tile_json()))
    twin = make_twin(kind, SHConfig())
    try:
        with pytest.raises(AuthenticationError, match="SH_CLIENT_ID"):
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert route.call_count == 0
    assert api.routes["token"].call_count == 0


async def test_credentials_never_reach_logs_or_reprs(
    byoc: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(TILE).mock(side_effect=[httpx.Response(401), envelope(tile_json())])
    with caplog.at_level(logging.DEBUG):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    auth = byoc.client.transport.http_client.auth
    for text in (caplog.text, repr(auth), repr(byoc.client), repr(byoc.client.config)):
        assert CLIENT_SECRET not in text
        assert "token-1" not in text
