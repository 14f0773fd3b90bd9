"""Every answer of the emulator carries ``SH-Request-Id`` (the service's tracing header): the
client's own when it sent a usable one, else a new id; the SDK's errors read it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sentinelhub_client import (
    APIError,
    AsyncSentinelHubBYOC,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    SentinelHubBatch,
    SentinelHubBYOC,
    SentinelHubProcess,
    SHConfig,
)
from sentinelhub_emulator import Emulator, FaultConfig

from .conftest import PLANET_BUCKET, new_collection

HEADER = "SH-Request-Id"
MISSING = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"


def generated_id(response: httpx.Response) -> str:
    """The response's request id, checked to be one the emulator made (a UUID), sent once."""
    values = response.headers.get_list(HEADER)
    assert len(values) == 1, (response.status_code, response.request.url, response.headers)
    assert str(uuid.UUID(values[0])) == values[0]
    return values[0]


@pytest.fixture(scope="module")
def client(emulator: Emulator, token: str) -> Iterator[httpx.Client]:
    """A client on the emulator's root, with a token."""
    with httpx.Client(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        yield http


@pytest.fixture(scope="module")
def planet_files(emulator: Emulator, token: str) -> str:
    """The files URL of a Planet tile with one file, ``a.bin``."""
    folder = emulator.data_dir / "buckets" / PLANET_BUCKET / "request-ids" / "item"
    folder.mkdir(parents=True)
    (folder / "a.bin").write_bytes(bytes(range(100)))
    with httpx.Client(
        base_url=emulator.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
    ) as byoc:
        collection = new_collection(byoc, s3Bucket=PLANET_BUCKET, name="planet ids")
    [tile] = emulator.store.create_tiles(
        collection["id"], [("request-ids/item", None, None)], status="INGESTED"
    )
    return f"/api/v1/byoc/collections/{collection['id']}/tiles/{tile.id}/files"


def process_body() -> dict[str, Any]:
    """A Process request on a collection that does not exist."""
    return {
        "input": {
            "bounds": {"bbox": [13.0, 45.0, 13.1, 45.1]},
            "data": [{"type": "byoc-" + MISSING}],
        },
        "evalscript": "//VERSION=3\nfunction setup(){return {input:['B1'],output:{bands:1}}}"
        "\nfunction evaluatePixel(s){return [s.B1]}",
        "output": {"width": 4, "height": 4},
    }


# (method, path, body, expected status): a sample of the routes of every service
SAMPLE: list[tuple[str, str, Any, int]] = [
    ("GET", "/api/v1/byoc/collections", None, 200),
    ("GET", "/byoc/v1/collections", None, 200),
    ("POST", "/api/v1/byoc/collections", {"name": "ids", "s3Bucket": "bucket"}, 201),
    ("GET", f"/api/v1/byoc/collections/{MISSING}", None, 404),
    ("GET", f"/byoc/v1/collections/{MISSING}/tiles", None, 404),
    ("POST", "/api/v1/byoc/collections", {"name": 3}, 400),
    ("POST", "/api/v1/process", {}, 400),
    ("POST", "/process/v1", {"input": "nonsense"}, 400),
    ("POST", "/api/v1/async/process", {}, 400),
    ("GET", f"/api/v1/async/process/{MISSING}", None, 404),
    ("GET", "/api/v1/batch/process", None, 200),
    ("GET", "/api/v1/batch/tilinggrids", None, 200),
    ("GET", "/api/v1/batch/tilinggrids/0", None, 200),
    ("GET", f"/api/v1/batch/process/{MISSING}", None, 404),
    ("POST", f"/api/v1/batch/process/{MISSING}/start", None, 404),
    ("GET", "/api/v1/batch/collections", None, 200),
    ("GET", "/nowhere/at/all", None, 404),
    ("GET", "/", None, 404),
    ("DELETE", "/api/v1/process", None, 405),
    ("GET", "/_emulator/health", None, 200),
    ("GET", "/_emulator/faults", None, 401),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), SAMPLE, ids=[f"{m} {p}" for m, p, _, _ in SAMPLE]
)
def test_every_service_answers_with_a_request_id(
    client: httpx.Client, method: str, path: str, body: Any, status: int
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == status, response.text
    generated_id(response)


def test_without_a_token_the_401_has_one(emulator: Emulator) -> None:
    response = httpx.get(emulator.base_url + "/api/v1/byoc/collections")
    assert response.status_code == 401
    generated_id(response)


def test_the_token_endpoint_answers_with_one(emulator: Emulator) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    good = httpx.post(emulator.token_url, data=form)
    assert good.status_code == 200
    bad = httpx.post(emulator.token_url, data={**form, "client_secret": "wrong"})
    assert bad.status_code in (400, 401)
    assert generated_id(good) != generated_id(bad)


def test_a_body_too_large_gets_a_413_with_one(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/byoc/collections",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    generated_id(response)


def test_file_listings_downloads_ranges_and_heads_have_one(
    client: httpx.Client, planet_files: str
) -> None:
    listing = client.get(planet_files)
    assert listing.status_code == 200
    assert listing.json() == ["a.bin"]
    whole = client.get(planet_files + "/a.bin")
    assert whole.status_code == 200
    assert whole.content == bytes(range(100))
    part = client.get(planet_files + "/a.bin", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == bytes(range(10, 20))
    head = client.head(planet_files + "/a.bin")
    assert head.status_code == 200
    beyond = client.get(planet_files + "/a.bin", headers={"Range": "bytes=500-"})
    assert beyond.status_code == 416
    missing = client.get(planet_files + "/no-such-file")
    assert missing.status_code == 404
    ids = [generated_id(r) for r in (listing, whole, part, head, beyond, missing)]
    assert len(set(ids)) == len(ids)


def test_injected_faults_carry_one(emulator: Emulator, client: httpx.Client) -> None:
    try:
        emulator.set_faults(FaultConfig(rate_429=1.0, retry_after_ms=5))
        limited = client.get("/api/v1/byoc/collections")
        emulator.set_faults(FaultConfig(rate_5xx=1.0, status_5xx=503))
        failed = client.get("/api/v1/batch/process")
    finally:
        emulator.clear_faults()
    assert limited.status_code == 429
    assert failed.status_code == 503
    generated_id(limited)
    generated_id(failed)


def test_ids_are_new_for_each_request(client: httpx.Client) -> None:
    ids = {generated_id(client.get("/api/v1/byoc/collections")) for _ in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/byoc/collections", 200),
        ("GET", f"/api/v1/batch/process/{MISSING}", 404),
        ("POST", "/api/v1/process", 400),
        ("GET", "/nowhere", 404),
    ],
)
def test_the_clients_own_id_is_echoed(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    mine = f"trace-{uuid.uuid4().hex}"
    response = client.request(
        method, path, json={} if method == "POST" else None, headers={HEADER: mine}
    )
    assert response.status_code == status
    assert response.headers.get_list(HEADER) == [mine]


def test_the_clients_id_is_echoed_in_any_header_case(client: httpx.Client) -> None:
    response = client.get("/api/v1/byoc/collections", headers={"sh-request-id": "abc-123"})
    assert response.headers.get_list(HEADER) == ["abc-123"]


@pytest.mark.parametrize("unusable", ["", "has space", "x" * 201, "caf\u00e9"])
def test_an_unusable_client_id_is_replaced(client: httpx.Client, unusable: str) -> None:
    response = client.get(
        "/api/v1/byoc/collections", headers=[(HEADER.encode(), unusable.encode())]
    )
    assert response.status_code == 200
    assert generated_id(response) != unusable


# -- the SDK reads it --------------------------------------------------------------------------


def config_for(emu: Emulator) -> SHConfig:
    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0, max_attempts=2),
    )


class Recorder:
    """The ``SH-Request-Id`` of every answer an httpx client received, in order."""

    def __init__(self) -> None:
        self.ids: list[str | None] = []

    def __call__(self, response: httpx.Response) -> None:
        self.ids.append(response.headers.get(HEADER))

    async def arecord(self, response: httpx.Response) -> None:
        self(response)


def test_an_api_error_has_the_answers_request_id(emulator: Emulator) -> None:
    recorder = Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]}, timeout=30)
    with (
        SentinelHubBYOC(config_for(emulator), http_client=http) as byoc,
        http,
        pytest.raises(NotFoundError) as caught,
    ):
        byoc.get_collection(MISSING)
    error = caught.value
    assert error.request_id is not None
    assert error.request_id == recorder.ids[-1]
    assert f"(request id: {error.request_id})" in str(error)


def test_every_service_error_has_it(emulator: Emulator) -> None:
    recorder = Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]}, timeout=30)
    config = config_for(emulator)
    with SentinelHubBatch(config, http_client=http) as batch:
        with pytest.raises(NotFoundError) as missing:
            batch.get_request(MISSING)
        assert missing.value.request_id == recorder.ids[-1]
    with SentinelHubProcess(config, http_client=http) as process:
        with pytest.raises(APIError) as refused:
            process.process(process_body())
        assert refused.value.status in (400, 404)
        assert refused.value.request_id == recorder.ids[-1]
    http.close()
    assert all(recorder.ids)


def test_a_rate_limit_error_has_the_id_of_the_last_answer(emulator: Emulator) -> None:
    recorder = Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]}, timeout=30)
    try:
        emulator.set_faults(FaultConfig(rate_429=1.0, retry_after_ms=1))
        with (
            SentinelHubBYOC(config_for(emulator), http_client=http) as byoc,
            http,
            pytest.raises(RateLimitError) as caught,
        ):
            byoc.get_collection(MISSING)
    finally:
        emulator.clear_faults()
    assert caught.value.request_id == recorder.ids[-1]
    assert len(set(recorder.ids[-2:])) == 2  # each attempt is a request of its own


def test_the_async_client_reads_it_too(emulator: Emulator) -> None:
    recorder = Recorder()

    async def run() -> NotFoundError:
        http = httpx.AsyncClient(event_hooks={"response": [recorder.arecord]}, timeout=30)
        async with AsyncSentinelHubBYOC(config_for(emulator), http_client=http) as byoc:
            try:
                await byoc.get_tile(MISSING, MISSING)
            except NotFoundError as exc:
                return exc
            finally:
                await http.aclose()
        raise AssertionError("no error")

    error = asyncio.run(run())
    assert error.request_id is not None
    assert error.request_id == recorder.ids[-1]


def test_routes_read_it_from_request_state() -> None:
    """The emulator's core puts the id in ``request.state`` (its error log names it)."""
    from sentinelhub_emulator.core.request_ids import RequestIdMiddleware
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.request_id)

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(
            app=RequestIdMiddleware(Starlette(routes=[Route("/", echo)]))
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as test:
            return await test.get("/")

    response = asyncio.run(run())
    assert response.text == generated_id(response)
