"""The top-level client: its services share one httpx client, one token and one default policy;
closing it closes that pool once; its services are declared one line each."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import httpx
import pytest
import respx
from sentinelhub_client import (
    AsyncSentinelHub,
    AsyncSentinelHubBYOC,
    RetryPolicy,
    SentinelHub,
    SentinelHubBYOC,
    ServerError,
    SHConfig,
)
from sentinelhub_client._client import _Service

from .conftest import BYOC, COLLECTION_ID, TILE_ID, envelope, tile_json

pytestmark = pytest.mark.anyio

TILE = f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}"
FILE = f"{TILE}/files/x.tif"


def serve(api: respx.MockRouter) -> tuple[respx.Route, respx.Route]:
    tile = api.get(TILE).mock(return_value=envelope(tile_json()))
    head = api.head(FILE).respond(200, headers={"Content-Length": "42"})
    return tile, head


def test_services_share_one_httpx_client_and_one_token(
    config: SHConfig, api: respx.MockRouter
) -> None:
    tile, head = serve(api)
    with SentinelHub(config) as sh:
        assert isinstance(sh.byoc, SentinelHubBYOC)
        assert sh.byoc is sh.byoc
        assert sh.byoc.transport.http_client is sh.transport.http_client
        quick = sh.byoc.with_options(timeout=2)
        assert quick.transport.http_client is sh.transport.http_client
        sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
        assert sh.byoc.get_tile_file_size(COLLECTION_ID, TILE_ID, "x.tif") == 42
        assert quick.get_tile_file_size(COLLECTION_ID, TILE_ID, "x.tif") == 42
        pool = sh.transport.http_client
    assert api.routes["token"].call_count == 1
    assert tile.call_count == 1
    assert head.call_count == 2
    bearer = {c.request.headers["authorization"] for c in [*tile.calls, *head.calls]}
    assert bearer == {"Bearer token-1"}
    assert pool.is_closed


async def test_async_services_share_one_httpx_client_and_one_token(
    config: SHConfig, api: respx.MockRouter
) -> None:
    tile, head = serve(api)
    async with AsyncSentinelHub(config) as sh:
        assert isinstance(sh.byoc, AsyncSentinelHubBYOC)
        assert sh.byoc is sh.byoc
        assert sh.byoc.transport.http_client is sh.transport.http_client
        await sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
        assert await sh.byoc.get_tile_file_size(COLLECTION_ID, TILE_ID, "x.tif") == 42
        pool = sh.transport.http_client
    assert api.routes["token"].call_count == 1
    assert tile.call_count == 1
    assert head.call_count == 1
    assert pool.is_closed


def test_closing_a_service_leaves_the_pool_open(config: SHConfig, api: respx.MockRouter) -> None:
    tile, _ = serve(api)
    with SentinelHub(config) as sh:
        with sh.byoc as byoc:
            byoc.get_tile(COLLECTION_ID, TILE_ID)
        sh.byoc.close()
        assert not sh.transport.http_client.is_closed
        sh.byoc.get_tile(COLLECTION_ID, TILE_ID)  # still usable
    assert sh.transport.http_client.is_closed
    assert tile.call_count == 2


async def test_closing_an_async_service_leaves_the_pool_open(
    config: SHConfig, api: respx.MockRouter
) -> None:
    serve(api)
    async with AsyncSentinelHub(config) as sh:
        await sh.byoc.close()
        assert not sh.transport.http_client.is_closed
        await sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
    assert sh.transport.http_client.is_closed


@pytest.mark.parametrize("service", ["byoc", "process", "batch"])
async def test_closing_any_service_of_a_hub_leaves_the_pool_open(
    config: SHConfig, api: respx.MockRouter, service: str
) -> None:
    with SentinelHub(config) as sh:
        getattr(sh, service).close()
        getattr(sh, service).with_options(timeout=3).close()
        assert not sh.transport.http_client.is_closed
    async with AsyncSentinelHub(config) as ash:
        await getattr(ash, service).close()
        assert not ash.transport.http_client.is_closed
    assert sh.transport.http_client.is_closed
    assert ash.transport.http_client.is_closed


def test_a_users_http_client_is_shared_and_not_closed(
    config: SHConfig, api: respx.MockRouter
) -> None:
    serve(api)
    sent: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [sent.append]}) as mine:
        with SentinelHub(config, http_client=mine) as sh:
            sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
            sh.byoc.get_tile_file_size(COLLECTION_ID, TILE_ID, "x.tif")
        assert not mine.is_closed
    # The token, the tile and the file size all went through the one client of the user's.
    assert [r.method for r in sent] == ["POST", "GET", "HEAD"]


def test_the_default_policy_and_options_reach_every_service(
    config: SHConfig, api: respx.MockRouter
) -> None:
    route = api.get(TILE).mock(side_effect=[httpx.Response(503), envelope(tile_json())])
    with SentinelHub(config, retry=RetryPolicy.disabled()) as sh:
        with pytest.raises(ServerError):
            sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
        patient = sh.with_options(retry=RetryPolicy(backoff=0), timeout=4)
        assert patient.byoc is not sh.byoc
        assert patient.byoc.get_tile(COLLECTION_ID, TILE_ID).tile_id == TILE_ID
        patient.close()  # a view: the pool stays open
        assert not sh.transport.http_client.is_closed
    assert route.call_count == 2
    assert route.calls.last.request.extensions["timeout"]["read"] == 4


@pytest.mark.parametrize("hub", [SentinelHub, AsyncSentinelHub])
def test_bad_arguments_are_refused_naming_them(hub: type[SentinelHub]) -> None:
    with pytest.raises(TypeError, match="config must be an SHConfig"):
        hub({"sh_client_id": "x"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="retry must be a RetryPolicy"):
        hub(SHConfig(sh_token="t"), retry="x")  # type: ignore[arg-type]
    sh = hub(SHConfig(sh_token="t"))
    with pytest.raises(ValueError, match="timeout"):
        sh.with_options(timeout=-1)
    with pytest.raises(TypeError, match="retry"):
        sh.with_options(retry="x")  # type: ignore[arg-type]


@pytest.mark.parametrize("hub", [SentinelHub, AsyncSentinelHub])
def test_every_declared_service_resolves_to_a_client_made_on_a_transport(
    hub: type[SentinelHub],
) -> None:
    services = {name: v for name, v in vars(hub).items() if isinstance(v, _Service)}
    assert {"byoc", "process", "batch"} <= set(services)
    for name, service in services.items():
        cls = getattr(importlib.import_module(service.module), service.name)
        assert callable(getattr(cls, "_from_transport", None)), name


def test_the_seed_classes_keep_their_own_pool(config: SHConfig, api: respx.MockRouter) -> None:
    serve(api)
    with SentinelHubBYOC(config) as byoc:
        byoc.get_tile(COLLECTION_ID, TILE_ID)
        pool = byoc.transport.http_client
    assert pool.is_closed
    assert repr(SentinelHub(SHConfig(sh_token="t"))).startswith("SentinelHub(base_url=")


def test_repr_and_download_through_the_hub(
    config: SHConfig, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.head(FILE).respond(200, headers={"Content-Length": "3", "ETag": '"e"'})
    api.get(FILE).respond(200, content=b"abc", headers={"ETag": '"e"'})
    with SentinelHub(config) as sh:
        path = sh.byoc.download_tile_file(COLLECTION_ID, TILE_ID, "x.tif", tmp_path / "x.tif")
    assert path.read_bytes() == b"abc"
    assert api.routes["token"].call_count == 1


def test_the_hubs_are_twins() -> None:
    def shape(function: object) -> list[tuple[str, object, object]]:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
        return [(p.name, p.kind, p.default) for p in parameters]

    def public(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_")}

    assert (
        public(SentinelHub)
        == public(AsyncSentinelHub)
        == {
            "batch",
            "batch_v2",
            "byoc",
            "catalog",
            "close",
            "process",
            "statistical",
            "usage",
            "with_options",
        }
    )
    assert shape(SentinelHub.__init__) == shape(AsyncSentinelHub.__init__)
    assert shape(SentinelHub.with_options) == shape(AsyncSentinelHub.with_options)
    assert inspect.iscoroutinefunction(AsyncSentinelHub.close)
    assert AsyncSentinelHub.close.__doc__


def test_byoc_batch_and_process_share_the_hubs_pool_and_token(
    config: SHConfig, api: respx.MockRouter
) -> None:
    from sentinelhub_client import SentinelHubBatch, SentinelHubProcess

    tile, _ = serve(api)
    request_id = "5ee7d5a1-5c5b-4bd2-9d2a-bb4f3e7c1a2e"
    batch = api.get(f"/api/v1/batch/process/{request_id}").respond(
        200, json={"id": request_id, "status": "CREATED", "processRequest": {}}
    )
    status = api.get(f"/api/v1/async/process/{request_id}").respond(200, json={"id": request_id})
    with SentinelHub(config) as sh:
        assert isinstance(sh.batch, SentinelHubBatch)
        assert isinstance(sh.process, SentinelHubProcess)
        sh.byoc.get_tile(COLLECTION_ID, TILE_ID)
        assert sh.batch.get_request(request_id).status == "CREATED"
        assert sh.process.get_async_running_status([request_id]) == {request_id: True}
        assert sh.batch.transport.http_client is sh.transport.http_client
        assert sh.process.transport.http_client is sh.transport.http_client
    assert api.routes["token"].call_count == 1
    sent = [*tile.calls, *batch.calls, *status.calls]
    assert len(sent) == 3
    assert {c.request.headers["authorization"] for c in sent} == {"Bearer token-1"}
