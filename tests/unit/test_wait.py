"""wait_for_tiles / wait_for_ingestion: one listing per poll until INGESTED or FAILED, failed polls
survived, a typed timeout."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    ByocTile,
    IngestionError,
    IngestionSummary,
    PermissionDeniedError,
    TileStatus,
    WaitTimeoutError,
)

from .conftest import BYOC, COLLECTION_ID, TILE_ID, Twin, page, tile_json

pytestmark = pytest.mark.anyio

OTHER_TILE_ID = "00000000-0000-4000-8000-000000000002"
OLD_TILE_ID = "00000000-0000-4000-8000-000000000003"
TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"


def listing(*statuses: tuple[str, str]) -> httpx.Response:
    """One page holding the watched tiles with these (first, second) statuses."""
    first, second = statuses[0]
    return page([tile_json("a", first), tile_json("b", second, id=OTHER_TILE_ID)])


async def test_each_poll_is_one_listing_newest_first_not_one_get_per_tile(
    byoc: Twin, api: respx.MockRouter
) -> None:
    per_tile = api.get(url__regex=rf"{TILES}/.+").respond(500)
    route = api.get(TILES).mock(
        side_effect=[
            listing(("WAITING", "FAILED")),
            listing(("INGESTING", "FAILED")),
            listing(("INGESTED", "FAILED")),
        ]
    )
    seen: list[list[str]] = []
    tiles = await byoc.call(
        "wait_for_tiles",
        COLLECTION_ID,
        [ByocTile("a", tile_id=TILE_ID), OTHER_TILE_ID],
        interval=0,
        callback=lambda current: seen.append([str(t.status) for t in current]),
    )
    assert [t.status for t in tiles] == [TileStatus.INGESTED, TileStatus.FAILED]
    assert route.call_count == 3
    assert per_tile.call_count == 0
    assert all(c.request.url.params["sort"] == "created:desc" for c in route.calls)
    assert seen == [["WAITING", "FAILED"], ["INGESTING", "FAILED"], ["INGESTED", "FAILED"]]


async def test_a_poll_stops_paging_once_every_pending_tile_was_seen(
    byoc: Twin, api: respx.MockRouter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("viewtoken") == "p2":
            return page([tile_json("old", "INGESTED", id=OLD_TILE_ID)])
        return page([tile_json("a", "INGESTED")], next_token="p2")

    route = api.get(TILES).mock(side_effect=answer)
    [tile] = await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0)
    assert tile.status is TileStatus.INGESTED
    assert [c.request.url.params.get("viewtoken") for c in route.calls] == [None]


async def test_without_tiles_each_poll_lists_only_pending_tiles_by_status(
    byoc: Twin, api: respx.MockRouter
) -> None:
    """Polls ask for WAITING, QUEUED and INGESTING tiles only; once all three are empty, one
    full listing gives the final states."""
    polls = {"QUEUED": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        status = request.url.params.get("status")
        if status == "QUEUED":
            polls["QUEUED"] += 1
            return page([tile_json("a", "QUEUED")] if polls["QUEUED"] == 1 else [])
        if status is not None:
            return page([])
        if request.url.params.get("viewtoken") == "p2":
            return page([tile_json("b", "FAILED", id=OTHER_TILE_ID)])
        return page([tile_json("a", "INGESTED")], next_token="p2")

    route = api.get(TILES).mock(side_effect=answer)
    updates: list[list[tuple[str, Any]]] = []
    tiles = await byoc.call(
        "wait_for_tiles",
        COLLECTION_ID,
        interval=0,
        callback=lambda current: updates.append([(t.path, t.status) for t in current]),
    )
    assert [(t.path, t.status) for t in tiles] == [
        ("a", TileStatus.INGESTED),
        ("b", TileStatus.FAILED),
    ]
    asked = [
        (c.request.url.params.get("status"), c.request.url.params.get("viewtoken"))
        for c in route.calls
    ]
    pending = [("WAITING", None), ("QUEUED", None), ("INGESTING", None)]
    assert asked == [*pending, *pending, (None, None), (None, "p2")]
    assert updates[0] == [("a", TileStatus.QUEUED)]


async def test_an_empty_collection_is_done_after_one_poll(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILES).mock(return_value=page([]))
    assert await byoc.call("wait_for_tiles", COLLECTION_ID, interval=0) == []
    assert route.call_count == 4


async def test_a_poll_that_runs_out_of_retries_keeps_its_pages_and_the_wait_goes_on(
    byoc: Twin, api: respx.MockRouter
) -> None:
    """Page 1 arrives, page 2 fails five times (the whole retry budget): the state from page 1
    is kept, the next poll starts again and finishes the wait."""
    answers: list[httpx.Response] = [
        page([tile_json("a", "INGESTED")], next_token="p2"),
        *[httpx.Response(503, json={"error": {"status": 503}}) for _ in range(5)],
        page([tile_json("a", "INGESTED")], next_token="p2"),
        page([tile_json("b", "INGESTED", id=OTHER_TILE_ID)]),
    ]
    updates: list[list[tuple[str, Any]]] = []
    route = api.get(TILES).mock(side_effect=answers)
    tiles = await byoc.call(
        "wait_for_tiles",
        COLLECTION_ID,
        [TILE_ID, OTHER_TILE_ID],
        interval=0,
        callback=lambda current: updates.append([(t.path, t.status) for t in current]),
    )
    assert [t.path for t in tiles] == ["a", "b"]
    assert route.call_count == 8
    # After the failed poll the callback saw the partial state: tile a, already final.
    assert updates[0] == [("a", TileStatus.INGESTED)]
    assert updates[-1] == [("a", TileStatus.INGESTED), ("b", TileStatus.INGESTED)]


async def test_an_error_that_retrying_cannot_fix_ends_the_wait(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILES).respond(403, json={"error": {"status": 403, "reason": "Forbidden"}})
    with pytest.raises(PermissionDeniedError):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0)
    assert route.call_count == 1


async def test_a_timeout_is_typed_and_lists_the_pending_tiles(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(TILES).mock(return_value=page([tile_json("a", "INGESTING")]))
    with pytest.raises(WaitTimeoutError) as caught:
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0.01, timeout=0.2)
    assert isinstance(caught.value, TimeoutError)
    assert [t.tile_id for t in caught.value.pending] == [TILE_ID]
    assert caught.value.timeout == 0.2
    assert "a" in str(caught.value)
    assert route.call_count >= 2


async def test_a_timeout_after_failed_polls_says_why(byoc: Twin, api: respx.MockRouter) -> None:
    api.get(TILES).respond(503, json={"error": {"status": 503}})
    with pytest.raises(WaitTimeoutError, match="the last poll failed") as caught:
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0.01, timeout=0.1)
    assert TILE_ID in str(caught.value)


async def test_failures_can_raise_with_every_result(byoc: Twin, api: respx.MockRouter) -> None:
    failed = tile_json("a", "FAILED", additionalData={"failedIngestionCause": "not a COG"})
    api.get(TILES).mock(return_value=page([failed, tile_json("b", "INGESTED", id=OTHER_TILE_ID)]))
    with pytest.raises(IngestionError, match="not a COG") as caught:
        await byoc.call(
            "wait_for_tiles", COLLECTION_ID, [TILE_ID, OTHER_TILE_ID], raise_on_failure=True
        )
    assert [(t.path, t.failed_ingestion_cause) for t in caught.value.tiles] == [("a", "not a COG")]
    assert [t.path for t in caught.value.results] == ["a", "b"]


async def test_a_watched_tile_missing_from_the_listing_is_an_error(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.get(TILES).mock(return_value=page([tile_json("b", "WAITING", id=OTHER_TILE_ID)]))
    with pytest.raises(IngestionError, match=TILE_ID):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0)


async def test_bad_arguments(byoc: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="interval"):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=-1)
    with pytest.raises(ValueError, match="timeout"):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], timeout="long")
    assert len(api.calls) == 0


async def test_wait_for_ingestion_summarises_and_reports_each_poll(
    byoc: Twin, api: respx.MockRouter
) -> None:
    answers = iter(
        [
            page([tile_json("a", "QUEUED"), tile_json("b", "INGESTING", id=OTHER_TILE_ID)]),
            page([tile_json("a", "INGESTED"), tile_json("b", "INGESTED", id=OTHER_TILE_ID)]),
        ]
    )
    api.get(TILES).mock(side_effect=lambda request: next(answers))
    seen: list[dict[str, int]] = []
    summary = await byoc.call(
        "wait_for_ingestion",
        COLLECTION_ID,
        [TILE_ID, OTHER_TILE_ID],
        interval=0,
        on_update=lambda now: seen.append(now.counts),
    )
    assert isinstance(summary, IngestionSummary)
    assert summary.counts == {"INGESTED": 2}
    assert [t.path for t in summary.ingested] == ["a", "b"]
    assert summary.failed == summary.pending == []
    assert seen == [{"QUEUED": 1, "INGESTING": 1}, {"INGESTED": 2}]
    assert str(summary) == "2 tiles: 2 INGESTED"


async def test_wait_for_ingestion_raises_with_each_cause_and_the_partial_results(
    byoc: Twin, api: respx.MockRouter
) -> None:
    failed = tile_json("b", "FAILED", id=OTHER_TILE_ID)
    failed["additionalData"] = {"failedIngestionCause": "not tiled: rewrite it as a COG"}
    api.get(TILES).mock(return_value=page([tile_json("a", "INGESTED"), failed]))
    with pytest.raises(IngestionError) as info:
        await byoc.call("wait_for_ingestion", COLLECTION_ID, [TILE_ID, OTHER_TILE_ID], interval=0)
    assert [t.path for t in info.value.tiles] == ["b"]
    assert "not tiled: rewrite it as a COG" in str(info.value)
    assert sorted(t.path for t in info.value.results) == ["a", "b"]
