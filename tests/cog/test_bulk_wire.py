"""register_tiles on a mocked service (respx): what goes on the wire, per-tile errors, 409s and
ambiguous failures settled by listing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import RetryPolicy, SHConfig

from tests.support.twin import Twin, make_twin

pytestmark = pytest.mark.anyio

BASE = "https://services.sentinel-hub.com"
COLLECTION = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
TILES = f"/api/v1/byoc/collections/{COLLECTION}/tiles"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.post("/auth/realms/main/protocol/openid-connect/token").respond(
            json={"access_token": "t", "expires_in": 3600, "token_type": "Bearer"}
        )
        yield router


@pytest.fixture(params=["sync", "async"])
async def byoc(request: pytest.FixtureRequest, api: respx.MockRouter) -> AsyncIterator[Twin]:
    config = SHConfig(
        sh_client_id="id", sh_client_secret="secret", retry=RetryPolicy(backoff=0, max_attempts=2)
    )
    twin = make_twin(request.param, config)
    yield twin
    await twin.close()


def tile(path: str, number: int, created: dt.datetime | None = None) -> dict[str, Any]:
    when = created or dt.datetime.now(dt.UTC)
    return {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "path": path,
        "status": "WAITING",
        "created": when.isoformat().replace("+00:00", "Z"),
    }


class Service:
    """A tiny BYOC tile store behind respx, with scripted answers per path."""

    def __init__(self, existing: list[str]) -> None:
        old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        self.tiles = {p: tile(p, i, old) for i, p in enumerate(existing)}
        self.script: dict[str, list[int]] = {}
        self.posts: list[str] = []
        self.listings: list[dict[str, str]] = []

    def listing(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.listings.append(params)
        items = list(self.tiles.values())
        if "path" in params:
            items = [t for t in items if t["path"] == params["path"]]
        return httpx.Response(200, json={"data": items, "links": {}})

    def create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        path = body["path"]
        self.posts.append(path)
        answers = self.script.get(path)
        status = answers.pop(0) if answers else 201
        if status == 201 or status == -503:  # -503: created, then the answer is lost
            if path in self.tiles:
                return httpx.Response(409, json={"error": {"status": 409, "reason": "Conflict"}})
            self.tiles[path] = tile(path, 1000 + len(self.tiles))
            if status == -503:
                return httpx.Response(503, json={"error": {"status": 503}})
            return httpx.Response(201, json={"data": self.tiles[path]})
        body = {"error": {"status": status, "reason": "Bad Request", "message": "cover is bad"}}
        return httpx.Response(status, json=body)


def serve(api: respx.MockRouter, service: Service) -> None:
    api.get(TILES).mock(side_effect=service.listing)
    api.post(TILES).mock(side_effect=service.create)


async def test_existing_paths_are_skipped_after_one_listing(
    byoc: Twin, api: respx.MockRouter
) -> None:
    service = Service(["a", "b"])
    serve(api, service)
    report = await byoc.call(
        "register_tiles", COLLECTION, [{"path": p} for p in ("a", "b", "c", "d")]
    )
    assert [t.path for t in report.skipped] == ["a", "b"]
    assert [t.path for t in report.created] == ["c", "d"]
    assert sorted(service.posts) == ["c", "d"]
    assert service.listings == [{"count": "100"}]
    assert report.rounds == 1


async def test_a_refused_tile_is_reported_with_the_service_reason(
    byoc: Twin, api: respx.MockRouter
) -> None:
    service = Service([])
    service.script = {"bad": [400]}
    serve(api, service)
    report = await byoc.call("register_tiles", COLLECTION, [{"path": p} for p in ("x", "bad")])
    assert [t.path for t in report.created] == ["x"]
    [failure] = report.failed
    assert failure.tile.path == "bad"
    assert "cover is bad" in failure.reason
    assert service.posts.count("bad") == 1  # a 400 is not tried again


async def test_a_create_that_runs_out_of_retries_is_tried_in_the_next_round(
    byoc: Twin, api: respx.MockRouter
) -> None:
    service = Service([])
    # "slow" fails twice (its whole budget of 2 attempts), then succeeds in round 2.
    service.script = {"slow": [429, 429]}
    serve(api, service)
    report = await byoc.call("register_tiles", COLLECTION, [{"path": p} for p in ("ok", "slow")])
    assert sorted(t.path for t in report.created) == ["ok", "slow"]
    assert report.rounds == 2
    assert service.posts.count("slow") == 3
    # Settled with one lookup by path (cheaper than listing the collection), then created.
    assert {"count": "100", "path": "slow"} in service.listings


async def test_a_create_whose_answer_was_lost_counts_once(
    byoc: Twin, api: respx.MockRouter
) -> None:
    """The service stored the tile but its answer was lost (503): the create's lookup by path
    finds it, so it counts as created, once."""
    service = Service([])
    service.script = {"lost": [-503]}
    serve(api, service)
    report = await byoc.call("register_tiles", COLLECTION, [{"path": "lost"}])
    assert [t.path for t in report.created] == ["lost"]
    assert list(service.tiles) == ["lost"]
    assert report.failed == []
