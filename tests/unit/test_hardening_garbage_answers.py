"""Issue 24, item 2: whatever a 200 answer holds (any JSON value, any bytes, JSON nested 2,000
levels deep), every public operation of every client, sync and async, either returns or raises
a `SentinelHubError`; never a RecursionError, AttributeError, KeyError, ...

The operations are found by introspection (the public methods of each client class that are not
builders or lifecycle); `ARGUMENTS` gives each one valid arguments, and a test fails when an
operation has none, so a new method cannot be left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sentinelhub_client import (
    AsyncSentinelHubBatch,
    AsyncSentinelHubBYOC,
    AsyncSentinelHubProcess,
    SentinelHubBatch,
    SentinelHubBYOC,
    SentinelHubError,
    SentinelHubProcess,
    SHConfig,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.service import AsyncService, SyncService
from sentinelhub_client.batch_v2 import AsyncBatchProcessClient, BatchProcessClient
from sentinelhub_client.catalog import AsyncSentinelHubCatalog, SentinelHubCatalog
from sentinelhub_client.statistical import (
    AsyncSentinelHubStatisticalClient,
    SentinelHubStatisticalClient,
)

BASE_URL = "https://services.sentinel-hub.com"
COLLECTION = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
TILE = "7c1e0f53-9d2a-4e67-8b3c-2f4a6d8e0b12"
REQUEST = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
BBOX = {"bbox": [14.0, 45.0, 14.1, 45.1]}
PROCESS = {
    "input": {"bounds": BBOX, "data": [{"type": "sentinel-2-l2a"}]},
    "output": {"responses": [{"identifier": "default", "format": {"type": "application/json"}}]},
    "evalscript": "//VERSION=3\nfunction setup() {}\nfunction evaluatePixel(s) {}",
}
ASYNC_PROCESS = {
    **PROCESS,
    "output": {
        "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        "delivery": {"s3": {"url": "s3://bucket/out", "accessKey": "a", "secretAccessKey": "s"}},
    },
}
STATISTICAL = {
    "input": {"bounds": BBOX, "data": [{"type": "sentinel-2-l2a"}]},
    "aggregation": {
        "timeRange": {"from": "2024-01-01T00:00:00Z", "to": "2024-01-31T00:00:00Z"},
        "aggregationInterval": {"of": "P1D"},
        "evalscript": PROCESS["evalscript"],
        "resx": 10,
        "resy": 10,
    },
}
GRID = {"id": 1, "resolution": 10.0}
V1_OUTPUT = {"defaultTilePath": "s3://bucket/out/<tileName>/<outputId>.tiff"}
V2_INPUT = {"type": "tiling-grid", "id": 1, "resolution": 10}
V2_OUTPUT = {
    "type": "raster",
    "delivery": {"s3": {"url": "s3://bucket/out", "iamRoleARN": "arn:aws:iam::1:role/r"}},
}
BATCH_COLLECTION = {"name": "c", "s3Bucket": "bucket"}
WAIT = {"interval": 0.001, "timeout": 0.02}

Args = tuple[tuple[Any, ...], dict[str, Any]]


def _a(*args: Any, **kwargs: Any) -> Args:
    return args, kwargs


#: (client family, method) -> arguments; ``{tmp}`` in a string is a fresh folder.
ARGUMENTS: dict[str, dict[str, Args]] = {
    "byoc": {
        "iter_collections": _a(),
        "get_collection": _a(COLLECTION),
        "create_collection": _a({"name": "c", "s3Bucket": "bucket"}),
        "update_collection": _a({"id": COLLECTION, "name": "c", "s3Bucket": "bucket"}),
        "delete_collection": _a(COLLECTION),
        "copy_tiles": _a(COLLECTION, TILE),
        "iter_tiles": _a(COLLECTION),
        "get_tile": _a(COLLECTION, TILE),
        "create_tile": _a(COLLECTION, {"path": "a/b_(BAND).tif"}),
        "update_tile": _a(COLLECTION, {"id": TILE, "path": "a/b_(BAND).tif"}),
        "delete_tile": _a(COLLECTION, TILE),
        "reingest_tile": _a(COLLECTION, TILE),
        "list_tile_files": _a(COLLECTION, TILE),
        "get_tile_file_size": _a(COLLECTION, TILE, "B01.tif"),
        "read_tile_file": _a(COLLECTION, TILE, "B01.tif"),
        "iter_tile_file": _a(COLLECTION, TILE, "B01.tif"),
        "download_tile_file": _a(COLLECTION, TILE, "B01.tif", "{tmp}/B01.tif"),
        "download_tile": _a(COLLECTION, TILE, "{tmp}"),
        "wait_for_tiles": _a(COLLECTION, [TILE], **WAIT),
        "wait_for_ingestion": _a(COLLECTION, [TILE], **WAIT),
        "register_tiles": _a(COLLECTION, [{"path": "a/b_(BAND).tif"}], max_rounds=1),
    },
    "batch": {
        "create": _a(PROCESS, GRID, V1_OUTPUT),
        "iter_requests": _a(),
        "get_latest_request": _a(),
        "get_request": _a(REQUEST),
        "update_request": _a(REQUEST, description="d"),
        "delete_request": _a(REQUEST),
        "start_analysis": _a(REQUEST),
        "start_job": _a(REQUEST),
        "cancel_job": _a(REQUEST),
        "restart_job": _a(REQUEST),
        "iter_tiles": _a(REQUEST),
        "get_tile": _a(REQUEST, 7),
        "iter_tiling_grids": _a(),
        "get_tiling_grid": _a(1),
        "iter_collections": _a(),
        "get_collection": _a(COLLECTION),
        "create_collection": _a(BATCH_COLLECTION),
        "update_collection": _a({"id": COLLECTION, **BATCH_COLLECTION}),
        "delete_collection": _a(COLLECTION),
        "wait_for_analysis": _a(REQUEST, **WAIT),
        "wait_for_job": _a(REQUEST, **WAIT),
        "monitor_batch_analysis": _a(REQUEST, **WAIT),
        "monitor_batch_job": _a(REQUEST, **WAIT),
    },
    "batch_v2": {
        "create": _a(PROCESS, V2_INPUT, V2_OUTPUT),
        "iter_requests": _a(),
        "get_request": _a(REQUEST),
        "update_request": _a(REQUEST, "d"),
        "start_analysis": _a(REQUEST),
        "start_job": _a(REQUEST),
        "stop_job": _a(REQUEST),
        "iter_tiling_grids": _a(),
        "get_tiling_grid": _a(1),
        "wait_for_analysis": _a(REQUEST, **WAIT),
        "wait_for_job": _a(REQUEST, **WAIT),
    },
    "process": {
        "process": _a(PROCESS),
        "get_data": _a(PROCESS),
        "save_data": _a(PROCESS),
        "submit": _a(ASYNC_PROCESS),
        "get_async_running_status": _a([REQUEST]),
        "wait_for_async": _a([REQUEST], **WAIT),
    },
    "catalog": {
        "get_info": _a(),
        "get_conformance": _a(),
        "get_collections": _a(),
        "get_collection": _a("sentinel-2-l2a"),
        "get_feature": _a("sentinel-2-l2a", "feature-1"),
        "search": _a(
            "sentinel-2-l2a", bbox=[14.0, 45.0, 14.1, 45.1], time=("2024-01-01", "2024-01-31")
        ),
    },
    "statistical": {
        "compute": _a(STATISTICAL),
        "compute_many": _a([STATISTICAL, STATISTICAL]),
    },
}

CLIENTS: dict[str, tuple[type[SyncService], type[AsyncService]]] = {
    "byoc": (SentinelHubBYOC, AsyncSentinelHubBYOC),
    "batch": (SentinelHubBatch, AsyncSentinelHubBatch),
    "batch_v2": (BatchProcessClient, AsyncBatchProcessClient),
    "process": (SentinelHubProcess, AsyncSentinelHubProcess),
    "catalog": (SentinelHubCatalog, AsyncSentinelHubCatalog),
    "statistical": (SentinelHubStatisticalClient, AsyncSentinelHubStatisticalClient),
}

#: Public methods that send nothing.
NOT_OPERATIONS = frozenset({"close", "with_options", "usage"})


def operations(cls: type) -> list[str]:
    """The public methods of a client class that send requests (static builders left out)."""
    found = []
    for name in dir(cls):
        if name.startswith("_") or name in NOT_OPERATIONS:
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, staticmethod | classmethod | property) or not callable(member):
            continue
        found.append(name)
    return sorted(found)


def test_every_operation_of_every_client_has_arguments() -> None:
    for family, (sync_cls, async_cls) in CLIENTS.items():
        assert operations(sync_cls) == operations(async_cls), family
        assert operations(sync_cls) == sorted(ARGUMENTS[family]), family


CASES = [
    pytest.param(family, flavour, name, id=f"{family}-{flavour}-{name}")
    for family in CLIENTS
    for flavour in ("sync", "async")
    for name in sorted(ARGUMENTS[family])
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["data", "links", "id", "status", "path", "nextToken", "features", "context", "type", "name"]
)
shaped = st.fixed_dictionaries(
    {"data": json_values},
    optional={"links": st.dictionaries(st.just("nextToken"), json_values), "id": json_values},
) | st.dictionaries(KEYS, json_values, max_size=4)
answers = st.one_of(json_values, shaped).map(lambda value: json.dumps(value).encode()) | st.binary(
    max_size=64
)

DEEP = ("[" * 2000 + "]" * 2000).encode()
DEEP_DATA = ('{"data": ' + "[" * 2000 + "]" * 2000 + "}").encode()
DEEP_OBJECT = ('{"data": ' + '{"a":' * 2000 + "1" + "}" * 2000 + "}").encode()


class _Answer:
    """The body every request gets, swapped per example."""

    body = b"{}"

    def handler(self, request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(self.body))}
        return httpx.Response(200, headers=headers, stream=_Raw(self.body))


class _Raw(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body as the network gives it: not read until the client reads it."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self._body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


def _config() -> SHConfig:
    return SHConfig(
        sh_token="token",
        sh_base_url=BASE_URL,
        retry=RetryPolicy(max_attempts=1, backoff=0),
        use_defaults=True,
    )


def _arguments(family: str, name: str, folder: str) -> Args:
    args, kwargs = ARGUMENTS[family][name]

    def fill(value: Any) -> Any:
        return value.replace("{tmp}", folder) if isinstance(value, str) else value

    return tuple(fill(a) for a in args), {k: fill(v) for k, v in kwargs.items()}


def _consume_sync(result: Any) -> None:
    if hasattr(result, "__next__"):  # a paginator or a generator: read a few items
        for _ in zip(range(5), result, strict=False):
            pass


async def _consume_async(result: Any) -> None:
    if inspect.isawaitable(result):
        result = await result
    if hasattr(result, "__anext__"):
        count = 0
        async for _ in result:
            count += 1
            if count >= 5:
                break
    elif hasattr(result, "__next__"):
        _consume_sync(result)


def _run(family: str, flavour: str, name: str, answer: _Answer) -> None:
    sync_cls, async_cls = CLIENTS[family]
    with tempfile.TemporaryDirectory() as folder:
        args, kwargs = _arguments(family, name, folder)
        if flavour == "sync":
            http = httpx.Client(transport=httpx.MockTransport(answer.handler))
            with http, sync_cls(_config(), http_client=http) as client:  # type: ignore[call-arg]
                _consume_sync(getattr(client, name)(*args, **kwargs))
            return

        async def main() -> None:
            http = httpx.AsyncClient(transport=httpx.MockTransport(answer.handler))
            async with http, async_cls(_config(), http_client=http) as client:  # type: ignore[call-arg]
                await _consume_async(getattr(client, name)(*args, **kwargs))

        asyncio.run(main())


def _only_ours(run: Callable[[], None]) -> None:
    with contextlib.suppress(SentinelHubError):
        run()


@pytest.mark.parametrize(("family", "flavour", "name"), CASES)
def test_a_garbage_200_answer_ends_in_a_sentinelhub_error(
    family: str, flavour: str, name: str
) -> None:
    answer = _Answer()

    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(body=answers)
    @example(body=DEEP)
    @example(body=DEEP_DATA)
    @example(body=DEEP_OBJECT)
    @example(body=b'{"data": [1]}')
    @example(body=b'{"data": null}')
    @example(body=b'{"data": [{"id": 1}], "links": {"nextToken": {"a": 1}}}')
    @example(body=b'{"id": "x", "status": "RUNN')
    def check(body: bytes) -> None:
        answer.body = body
        _only_ours(lambda: _run(family, flavour, name, answer))

    check()


def test_the_garbage_test_sees_a_real_answer_through(tmp_path: Path) -> None:
    """The harness itself works: a valid answer comes back as a model."""
    answer = _Answer()
    answer.body = json.dumps({"data": {"id": COLLECTION, "name": "n", "s3Bucket": "b"}}).encode()
    http = httpx.Client(transport=httpx.MockTransport(answer.handler))
    with http, SentinelHubBYOC(_config(), http_client=http) as client:
        assert client.get_collection(COLLECTION).name == "n"
