"""The transport's one retry loop per flavour: per-call options reach file calls, bad options are
refused when given, the token fetch and streams go through the same loop, progress renews a
stream's retry budget, and redirects keep credentials at home."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    SHConfig,
)
from sentinelhub_client._core import transport as _transport
from sentinelhub_client._core.transport import AsyncTransport, Call, SyncTransport, as_response

from .conftest import BASE_URL, BYOC, COLLECTION_ID, TILE_ID, TOKEN_URL, Twin, make_twin

pytestmark = pytest.mark.anyio

FILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files"
DATA = bytes(range(256)) * 40  # 10240 bytes
DEFAULT_TIMEOUT = {"connect": 30.0, "read": 120.0, "write": 120.0, "pool": 120.0}


def timeouts(route: respx.Route) -> list[dict[str, float]]:
    return [call.request.extensions["timeout"] for call in route.calls]


def serve_file(api: respx.MockRouter, name: str = "x.tif") -> tuple[respx.Route, respx.Route]:
    head = api.head(f"{FILES}/{name}").respond(
        200, headers={"Content-Length": str(len(DATA)), "ETag": '"e1"'}
    )
    get = api.get(f"{FILES}/{name}").respond(200, content=DATA, headers={"ETag": '"e1"'})
    return head, get


# -- with_options reaches the file calls ----------------------------------------------------------


@pytest.mark.parametrize("seconds", [1.5, 7])
async def test_a_file_call_through_with_options_carries_its_timeout(
    byoc: Twin, api: respx.MockRouter, tmp_path: Path, seconds: float
) -> None:
    head, get = serve_file(api)
    listing = api.get(FILES).respond(json=["x.tif"])
    quick = byoc.with_options(timeout=seconds)
    assert await quick.call("get_tile_file_size", COLLECTION_ID, TILE_ID, "x.tif") == len(DATA)
    assert await quick.call("list_tile_files", COLLECTION_ID, TILE_ID) == ["x.tif"]
    assert await quick.call("read_tile_file", COLLECTION_ID, TILE_ID, "x.tif", 0, 9) == DATA[:10]
    target = tmp_path / "x.tif"
    await quick.call("download_tile_file", COLLECTION_ID, TILE_ID, "x.tif", target)
    assert target.read_bytes() == DATA
    wanted = dict.fromkeys(("connect", "read", "write", "pool"), float(seconds))
    seen = timeouts(head) + timeouts(listing) + timeouts(get)
    assert len(seen) == 5  # HEAD twice (size, download), listing, range read, download
    assert all(t == wanted for t in seen), seen


async def test_without_options_file_calls_keep_the_client_timeouts(
    byoc: Twin, api: respx.MockRouter
) -> None:
    head, _ = serve_file(api)
    await byoc.call("get_tile_file_size", COLLECTION_ID, TILE_ID, "x.tif")
    assert timeouts(head) == [DEFAULT_TIMEOUT]


async def test_a_file_call_through_with_options_uses_its_retry_policy(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.head(f"{FILES}/x.tif").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, headers={"Content-Length": "3"})]
    )
    with pytest.raises(ServerError, match="gave up after 1 attempt"):
        await byoc.with_options(retry=RetryPolicy.disabled()).call(
            "get_tile_file_size", COLLECTION_ID, TILE_ID, "x.tif"
        )
    assert route.call_count == 1
    assert await byoc.call("get_tile_file_size", COLLECTION_ID, TILE_ID, "x.tif") == 3
    assert route.call_count == 2


async def test_a_download_through_with_options_uses_its_retry_policy(
    byoc: Twin, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.head(f"{FILES}/x.tif").respond(200, headers={"Content-Length": "4", "ETag": '"e"'})
    get = api.get(f"{FILES}/x.tif").mock(
        side_effect=[httpx.Response(502), httpx.Response(200, content=b"abcd")]
    )
    with pytest.raises(ServerError):
        await byoc.with_options(retry=RetryPolicy.disabled()).call(
            "download_tile_file", COLLECTION_ID, TILE_ID, "x.tif", tmp_path / "x.tif"
        )
    assert get.call_count == 1
    assert not (tmp_path / "x.tif").exists()


# -- bad options are refused when given, naming them --------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "name"),
    [
        ({"retry": "x"}, TypeError, "retry"),
        ({"retry": 3}, TypeError, "retry"),
        ({"retry": {"max_attempts": 3}}, TypeError, "retry"),
        ({"timeout": -1}, ValueError, "timeout"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": math.nan}, ValueError, "timeout"),
        ({"timeout": math.inf}, ValueError, "timeout"),
        ({"timeout": "3"}, TypeError, "timeout"),
        ({"timeout": True}, TypeError, "timeout"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else "",
)
async def test_bad_options_are_refused_when_given(
    byoc: Twin, api: respx.MockRouter, options: dict[str, Any], error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name) as caught:
        byoc.with_options(**options)
    if name == "retry":
        assert "RetryPolicy" in str(caught.value)
    with pytest.raises(error, match=name):
        byoc.client.transport.with_options(**options)
    assert len(api.calls) == 0


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_bad_default_policy_is_refused_by_the_constructor(kind: str) -> None:
    with pytest.raises(TypeError, match="retry must be a RetryPolicy"):
        make_twin(kind, SHConfig(sh_token="t"), retry="x")


def test_transport_over_checks_its_options() -> None:
    with httpx.Client() as client, pytest.raises(ValueError, match="timeout"):
        SyncTransport.over(client, timeout=-1)


# -- the token fetch goes through the same loop ---------------------------------------------------


def token(value: str = "token-1") -> httpx.Response:
    return httpx.Response(200, json={"access_token": value, "expires_in": 3600})


async def test_the_token_fetch_is_retried_by_the_transport_loop(
    byoc: Twin, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.routes["token"].mock(side_effect=[httpx.Response(503), token()])
    tile = api.get(f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}").respond(
        json={"data": {"id": TILE_ID, "path": "p", "status": "INGESTED"}}
    )
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert api.routes["token"].call_count == 2  # 503, then the one token
    assert sleeps == [0.0]  # the transport's wait (zero backoff in these tests)
    assert tile.call_count == 2
    assert [c.request.headers["authorization"] for c in tile.calls] == ["Bearer token-1"] * 2


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(("attempts", "expected"), [(2, 2), (9, 4)])
async def test_the_token_fetch_follows_the_policy_capped_at_four_attempts(
    kind: str, api: respx.MockRouter, sleeps: list[float], attempts: int, expected: int
) -> None:
    api.routes["token"].mock(return_value=httpx.Response(503, json={"error": "unavailable"}))
    config = SHConfig(
        sh_client_id="id",
        sh_client_secret="secret",
        retry=RetryPolicy(max_attempts=attempts, backoff=0),
    )
    twin = make_twin(kind, config)
    try:
        with pytest.raises(AuthenticationError, match=f"gave up after {expected} attempt") as e:
            await twin.call("get_tile", COLLECTION_ID, TILE_ID)
    finally:
        await twin.close()
    assert api.routes["token"].call_count == expected
    assert len(sleeps) == expected - 1
    assert e.value.status == 503
    assert "refused to issue a token" in str(e.value)


async def test_a_token_connection_failure_is_retried_then_named(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.routes["token"].mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="while fetching an OAuth token") as caught:
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert "gave up after 4 attempt" in str(caught.value)
    assert api.routes["token"].call_count == 4
    assert caught.value.url == TOKEN_URL


# -- streams: headers per attempt, progress renews the budget -------------------------------------


class _Cut(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks (``ReadError``) after ``keep`` bytes."""

    def __init__(self, body: bytes, keep: int) -> None:
        self.body, self.keep = body, keep

    def __iter__(self) -> Iterator[bytes]:
        yield self.body[: self.keep]
        raise httpx.ReadError("connection reset")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.body[: self.keep]
        raise httpx.ReadError("connection reset")


def ranged_server(step: int, calls: list[httpx.Request]) -> respx.MockRouter:
    """A server that sends ``step`` bytes of what is asked for, then drops the connection."""

    def serve(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        start = int(request.headers.get("range", "bytes=0-").split("=")[1].split("-")[0])
        rest = DATA[start:]
        if len(rest) <= step:
            return httpx.Response(206, content=rest)
        return httpx.Response(206, stream=_Cut(rest, step))

    router = respx.mock(base_url="https://files.test", assert_all_called=False)
    router.get("/f").mock(side_effect=serve)
    return router


def progress_call(received: list[bytes], policy: RetryPolicy) -> Call[Any]:
    return Call(
        request={"method": "GET", "url": "/f"},
        parse=as_response,
        stream=True,
        retry=policy,
        headers=lambda: {"Range": f"bytes={sum(map(len, received))}-"},
        progress=lambda: sum(map(len, received)),
    )


async def collect(kind: str, call: Call[Any], received: list[bytes]) -> None:
    if kind == "sync":

        def read(response: httpx.Response) -> Iterator[bytes]:
            for chunk in response.iter_bytes():
                received.append(chunk)
                yield chunk

        with httpx.Client(base_url="https://files.test") as client:
            for _ in SyncTransport.over(client).stream(call, read):
                pass
        return

    async def aread(response: httpx.Response) -> AsyncIterator[bytes]:
        async for chunk in response.aiter_bytes():
            received.append(chunk)
            yield chunk

    async with httpx.AsyncClient(base_url="https://files.test") as client:
        async for _ in AsyncTransport.over(client).stream(call, aread):
            pass


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_stream_that_makes_progress_renews_its_budget(kind: str) -> None:
    calls: list[httpx.Request] = []
    received: list[bytes] = []
    with ranged_server(1000, calls):
        await collect(
            kind, progress_call(received, RetryPolicy(max_attempts=2, backoff=0)), received
        )
    assert b"".join(received) == DATA
    assert len(calls) == 11  # ten dropped connections in all, never two in a row without bytes
    assert [r.headers["range"] for r in calls[:3]] == ["bytes=0-", "bytes=1000-", "bytes=2000-"]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_stream_without_progress_gives_up_per_policy(kind: str) -> None:
    calls: list[httpx.Request] = []
    received: list[bytes] = []
    with ranged_server(0, calls), pytest.raises(APIConnectionError, match="gave up after 3"):
        await collect(
            kind, progress_call(received, RetryPolicy(max_attempts=3, backoff=0)), received
        )
    assert len(calls) == 3
    assert b"".join(received) == b""


# -- statuses, notes and redirects ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_call_notes_and_accepted_statuses(kind: str) -> None:
    router = respx.mock(base_url="https://files.test", assert_all_called=False)
    router.get("/gone").respond(404, json={"error": {"message": "no such thing"}})
    router.get("/short").respond(416, headers={"Content-Range": "bytes */3"})
    gone = Call(
        request={"method": "GET", "url": "/gone"},
        parse=as_response,
        note=lambda status: f"hint for {status}",
    )
    short = Call(
        request={"method": "GET", "url": "/short"}, parse=as_response, accept=frozenset({416})
    )
    with router:
        if kind == "sync":
            with httpx.Client(base_url="https://files.test") as client:
                transport = SyncTransport.over(client)
                with pytest.raises(NotFoundError, match="hint for 404") as caught:
                    transport.run(gone)
                assert transport.run(short).status_code == 416
        else:
            async with httpx.AsyncClient(base_url="https://files.test") as client:
                atransport = AsyncTransport.over(client)
                with pytest.raises(NotFoundError, match="hint for 404") as caught:
                    await atransport.run(gone)
                assert (await atransport.run(short)).status_code == 416
    assert caught.value.url == "https://files.test/gone"


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_redirects_are_followed_only_when_asked_and_keep_credentials_home(kind: str) -> None:
    router = respx.mock(assert_all_called=False)
    router.get("https://sh.test/a").respond(302, headers={"Location": "https://store.test/b"})
    store = router.get("https://store.test/b").respond(200, content=b"ok")
    headers = {"Authorization": "Bearer secret"}
    follow = Call(request={"method": "GET", "url": "/a"}, parse=as_response, follow_redirects=True)
    stay = Call(request={"method": "GET", "url": "/a"}, parse=as_response)
    with router:
        if kind == "sync":
            with httpx.Client(base_url="https://sh.test", headers=headers) as client:
                transport = SyncTransport.over(client)
                assert transport.run(follow).content == b"ok"
                with pytest.raises(APIError, match="302"):
                    transport.run(stay)
        else:
            async with httpx.AsyncClient(base_url="https://sh.test", headers=headers) as client:
                atransport = AsyncTransport.over(client)
                assert (await atransport.run(follow)).content == b"ok"
                with pytest.raises(APIError, match="302"):
                    await atransport.run(stay)
        assert store.call_count == 1
        assert "authorization" not in store.calls.last.request.headers


def test_the_loop_is_the_transports_sleep(api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.get("/x").mock(side_effect=[httpx.Response(503), httpx.Response(204)])
    with httpx.Client(base_url=BASE_URL) as client:
        transport = SyncTransport.over(client, retry=RetryPolicy(backoff=0))
        assert transport.send({"method": "GET", "url": "/x"}).status_code == 204
    assert route.call_count == 2
    assert sleeps == [0.0]
    assert _transport.MAX_REDIRECTS == 5
