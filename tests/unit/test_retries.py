"""The retry table, through the clients (sync and async) and on the pure decision functions."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ByocTile,
    ConflictError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    SHConfig,
)
from sentinelhub_client._core.retry import Action, RetryState, backoff_delay, parse_retry_after

from .conftest import (
    BYOC,
    COLLECTION_ID,
    TILE_ID,
    Twin,
    envelope,
    make_twin,
    page,
    tile_json,
)

pytestmark = pytest.mark.anyio

TILE = f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}"
TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"
OK = envelope(tile_json())


# -- through the clients ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_temporary_statuses_are_retried(
    byoc: Twin, api: respx.MockRouter, status: int
) -> None:
    route = api.get(TILE).mock(side_effect=[httpx.Response(status), OK])
    tile = await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert tile.tile_id == TILE_ID
    assert route.call_count == 2


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.ReadTimeout("slow answer"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_connection_failures_are_retried(
    byoc: Twin, api: respx.MockRouter, exc: Exception
) -> None:
    route = api.get(TILE).mock(side_effect=[exc, OK])
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [({"Retry-After": "1500"}, 1.5), ({"Retry-After": "250.5"}, 0.2505), ({}, 30.0)],
    ids=["milliseconds", "float-string", "absent-default-30s"],
)
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_429_waits_retry_after_in_milliseconds(
    kind: str,
    api: respx.MockRouter,
    sleeps: list[float],
    headers: dict[str, str],
    expected_wait: float,
) -> None:
    config = SHConfig(sh_client_id="i", sh_client_secret="s")  # real backoff, fake sleep
    route = api.get(TILE).mock(side_effect=[httpx.Response(429, headers=headers), OK])
    twin = make_twin(kind, config)
    try:
        await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert route.call_count == 2
    assert sleeps == [pytest.approx(expected_wait)]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_429_default_wait_is_configurable(
    kind: str, api: respx.MockRouter, sleeps: list[float]
) -> None:
    config = SHConfig(retry=RetryPolicy(default_retry_after=2.0), sh_token="t")
    api.get(TILE).mock(side_effect=[httpx.Response(429), OK])
    twin = make_twin(kind, config)
    try:
        await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert sleeps == [2.0]


async def test_a_retry_after_beyond_the_cap_raises_at_once(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILE).mock(
        return_value=httpx.Response(
            429,
            headers={"Retry-After": "600000"},
            json={"error": {"status": 429, "code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}},
        )
    )
    with pytest.raises(RateLimitError) as caught:
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 1
    assert caught.value.retry_after == 600.0
    assert caught.value.code == "RATE_LIMIT_EXCEEDED"
    assert "max_retry_after" in str(caught.value)


async def test_rate_limit_exhaustion_raises_rate_limit_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILE).mock(return_value=httpx.Response(429, headers={"Retry-After": "20"}))
    limited = byoc.with_options(retry=RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(RateLimitError) as caught:
        await limited.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 3
    assert caught.value.retry_after == pytest.approx(0.02)
    assert caught.value.status == 429
    assert "gave up after 3 attempt(s)" in str(caught.value)


async def test_the_attempts_cap(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILE).mock(return_value=httpx.Response(503))
    with pytest.raises(ServerError, match="gave up after 5 attempt"):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 5  # RetryPolicy().max_attempts


async def test_connection_errors_exhausted_raise_a_typed_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.get(TILE).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        await byoc.with_options(retry=RetryPolicy(max_attempts=2, backoff=0)).call(
            "get_tile", COLLECTION_ID, TILE_ID
        )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert caught.value.method == "GET"


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_total_wait_cap(kind: str, api: respx.MockRouter, sleeps: list[float]) -> None:
    config = SHConfig(sh_token="t", retry=RetryPolicy(max_total_wait=2.5))
    route = api.get(TILE).mock(return_value=httpx.Response(429, headers={"Retry-After": "1000"}))
    twin = make_twin(kind, config)
    try:
        with pytest.raises(RateLimitError, match="max_total_wait"):
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert sleeps == [1.0, 1.0]
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (404, NotFoundError), (409, ConflictError)]
)
async def test_client_errors_are_not_retried(
    byoc: Twin, api: respx.MockRouter, status: int, error: type[Exception]
) -> None:
    body = {
        "error": {
            "status": status,
            "reason": "Bad",
            "message": "Nope.",
            "code": "COMMON_BAD_PAYLOAD",
            "errors": [{"parameter": "path", "violation": "must not be empty"}],
        }
    }
    route = api.get(TILE).mock(
        return_value=httpx.Response(status, json=body, headers={"x-request-id": "req-42"})
    )
    with pytest.raises(error) as caught:
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 1
    text = str(caught.value)
    for part in (str(status), "COMMON_BAD_PAYLOAD", "Nope.", "path: must not be empty", "req-42"):
        assert part in text


# -- creates are not replayed blindly ----------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("lost"), httpx.RemoteProtocolError("dropped"), httpx.Response(500)],
    ids=["read-timeout", "dropped", "500"],
)
async def test_create_collection_is_not_replayed_after_an_ambiguous_failure(
    byoc: Twin, api: respx.MockRouter, failure: Any
) -> None:
    route = api.post(f"{BYOC}/collections").mock(
        side_effect=[failure, envelope({"id": COLLECTION_ID, "name": "n", "s3Bucket": "b"}, 201)]
    )
    with pytest.raises((APIConnectionError, ServerError), match="may have done so"):
        await byoc.call("create_collection", {"name": "n", "s3Bucket": "b"})
    assert route.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.Response(429), httpx.Response(503)],
    ids=["connect-error", "429", "503"],
)
async def test_create_collection_is_retried_when_nothing_was_done(
    byoc: Twin, api: respx.MockRouter, failure: Any
) -> None:
    route = api.post(f"{BYOC}/collections").mock(
        side_effect=[failure, envelope({"id": COLLECTION_ID, "name": "n", "s3Bucket": "b"}, 201)]
    )
    created = await byoc.call("create_collection", {"name": "n", "s3Bucket": "b"})
    assert created.collection_id == COLLECTION_ID
    assert route.call_count == 2


async def test_create_tile_after_a_lost_answer_finds_the_tile_instead_of_duplicating(
    byoc: Twin, api: respx.MockRouter
) -> None:
    create = api.post(TILES).mock(side_effect=[httpx.ReadTimeout("lost"), envelope({}, 201)])
    made = tile_json("x/y.tif", created=dt.datetime.now(dt.UTC).isoformat())
    lookup = api.get(TILES).mock(return_value=page([made]))
    tile = await byoc.call("create_tile", COLLECTION_ID, ByocTile("x/y.tif"))
    assert tile.tile_id == TILE_ID
    assert create.call_count == 1
    assert dict(lookup.calls.last.request.url.params) == {"path": "x/y.tif", "count": "1"}


async def test_create_tile_is_retried_when_the_lookup_finds_nothing(
    byoc: Twin, api: respx.MockRouter
) -> None:
    create = api.post(TILES).mock(
        side_effect=[httpx.Response(502), envelope(tile_json("x/y.tif"), 201)]
    )
    lookup = api.get(TILES).mock(return_value=page([]))
    tile = await byoc.call("create_tile", COLLECTION_ID, ByocTile("x/y.tif"))
    assert tile.path == "x/y.tif"
    assert create.call_count == 2
    assert lookup.call_count == 1


async def test_create_tile_conflict_after_a_lost_answer_returns_the_tile(
    byoc: Twin, api: respx.MockRouter
) -> None:
    # The first attempt was still being processed when the lookup ran; the retry then conflicts.
    create = api.post(TILES).mock(side_effect=[httpx.ReadTimeout("lost"), httpx.Response(409)])
    made = tile_json("x/y.tif", created=dt.datetime.now(dt.UTC).isoformat())
    api.get(TILES).mock(side_effect=[page([]), page([made])])
    tile = await byoc.call("create_tile", COLLECTION_ID, ByocTile("x/y.tif"))
    assert tile.path == "x/y.tif"
    assert create.call_count == 2


async def test_a_plain_conflict_on_create_tile_is_raised(byoc: Twin, api: respx.MockRouter) -> None:
    api.post(TILES).mock(return_value=httpx.Response(409))
    lookup = api.get(TILES).mock(return_value=page([tile_json("x/y.tif")]))
    with pytest.raises(ConflictError):
        await byoc.call("create_tile", COLLECTION_ID, ByocTile("x/y.tif"))
    assert lookup.call_count == 0


async def test_per_client_options_do_not_change_the_original(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILE).mock(side_effect=[httpx.Response(503), httpx.Response(503), OK])
    with pytest.raises(ServerError):
        await byoc.with_options(retry=RetryPolicy.disabled()).call(
            "get_tile", COLLECTION_ID, TILE_ID
        )
    assert route.call_count == 1
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert route.call_count == 3


async def test_retries_are_logged_without_credentials(
    byoc: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(TILE).mock(side_effect=[httpx.Response(503), OK])
    with caplog.at_level(logging.DEBUG):
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    retry_lines = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
    assert retry_lines == [f"Retrying GET {TILE} after HTTP 503: attempt 2 of 5 in 0.00 s"]
    assert all(r.levelno == logging.INFO for r in caplog.records if "Retrying" in r.msg)
    assert "token-1" not in caplog.text
    assert "client-secret-value" not in caplog.text


# -- the pure decisions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("55408", 55.408),
        (" 1500 ", 1.5),
        ("1500.5", 1.5005),
        ("0", 0.0),
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == (None if seconds is None else pytest.approx(seconds))


def test_parse_retry_after_accepts_an_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    policy = RetryPolicy(backoff=0.5, backoff_max=3.0)
    assert [backoff_delay(policy, n, 1.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff_delay(policy, 3, 0.25) == 0.5
    assert backoff_delay(RetryPolicy(backoff=0), 3, 0.9) == 0.0


def test_decisions_for_a_create() -> None:
    state = RetryState(RetryPolicy(), method="post", url="/x", create=True, can_recover=True)
    step = state.on_exception(httpx.ReadTimeout("lost"))
    assert (step.action, step.recover_first, step.ambiguous) == (Action.RETRY, True, True)
    step = state.on_status(409, {})
    assert (step.action, step.recover_first) == (Action.RAISE, True)
    blind = RetryState(RetryPolicy(), method="post", url="/x", create=True)
    assert blind.on_status(504, {}).action is Action.RAISE
    assert blind.on_exception(httpx.ConnectError("no")).action is Action.RETRY
    assert blind.on_status(503, {}).action is Action.RETRY


def test_unknown_transport_failures_are_not_retried() -> None:
    state = RetryState(RetryPolicy(), method="get", url="/x")
    assert state.on_exception(httpx.UnsupportedProtocol("ftp")).action is Action.RAISE


@pytest.mark.parametrize(
    "bad",
    [
        {"max_attempts": 0},
        {"max_attempts": 1.5},
        {"backoff": -1},
        {"max_total_wait": float("inf")},
        {"default_retry_after": "30"},
    ],
)
def test_invalid_policies_name_the_field(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        RetryPolicy(**bad)  # type: ignore[arg-type]


async def test_with_options_sets_a_timeout_per_request(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILE).mock(return_value=OK)
    await byoc.with_options(timeout=3.5).call("get_tile", COLLECTION_ID, TILE_ID)
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    first, second = (call.request.extensions["timeout"] for call in route.calls)
    assert first == {"connect": 3.5, "read": 3.5, "write": 3.5, "pool": 3.5}
    assert second["read"] == 120.0


async def test_transport_send_streams_with_the_same_retries(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get("/files/x").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, content=b"0123456789")]
    )
    transport: Any = byoc.client.transport
    request = {"method": "GET", "url": "/files/x", "headers": {"Range": "bytes=2-"}}
    if byoc.is_async:
        response = await transport.send(request, stream=True)
        body = await response.aread()
        await response.aclose()
    else:
        response = transport.send(request, stream=True)
        body = response.read()
        response.close()
    assert body == b"0123456789"
    assert route.call_count == 2
    assert route.calls.last.request.headers["range"] == "bytes=2-"
    assert route.calls.last.request.headers["authorization"] == "Bearer token-1"


async def test_transport_send_raises_typed_errors(byoc: Twin, api: respx.MockRouter) -> None:
    api.get("/files/x").respond(404, json={"error": {"message": "no such file"}})

    async def send() -> object:
        transport: Any = byoc.client.transport
        result = transport.send({"method": "GET", "url": "/files/x"}, stream=True)
        return await result if byoc.is_async else result

    with pytest.raises(NotFoundError, match="no such file"):
        await send()
