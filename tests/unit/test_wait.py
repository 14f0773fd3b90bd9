"""wait_for_tiles / wait_for_ingestion: polling until INGESTED or FAILED, with a typed timeout."""

from __future__ import annotations

import httpx
import pytest
import respx
from sentinelhub_client import ByocTile, IngestionError, TileStatus, WaitTimeoutError

from .conftest import BYOC, COLLECTION_ID, TILE_ID, Twin, envelope, page, tile_json

pytestmark = pytest.mark.anyio

OTHER_TILE_ID = "00000000-0000-4000-8000-000000000002"
TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"


def states(*statuses: str, tile_id: str = TILE_ID) -> list[httpx.Response]:
    return [envelope(tile_json(status=s, id=tile_id)) for s in statuses]


async def test_it_polls_only_unfinished_tiles_until_final(
    byoc: Twin, api: respx.MockRouter
) -> None:
    first = api.get(f"{TILES}/{TILE_ID}").mock(
        side_effect=states("WAITING", "INGESTING", "INGESTED")
    )
    second = api.get(f"{TILES}/{OTHER_TILE_ID}").mock(
        side_effect=states("FAILED", tile_id=OTHER_TILE_ID)
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
    assert first.call_count == 3
    assert second.call_count == 1
    assert seen == [["WAITING", "FAILED"], ["INGESTING", "FAILED"], ["INGESTED", "FAILED"]]


async def test_without_tiles_it_watches_the_whole_collection(
    byoc: Twin, api: respx.MockRouter
) -> None:
    listing = api.get(TILES).mock(
        side_effect=[
            page([tile_json("a", "QUEUED"), tile_json("b", "INGESTED", id=OTHER_TILE_ID)]),
            page([tile_json("a", "INGESTED"), tile_json("b", "INGESTED", id=OTHER_TILE_ID)]),
        ]
    )
    tiles = await byoc.call("wait_for_ingestion", COLLECTION_ID, interval=0)
    assert [t.path for t in tiles] == ["a", "b"]
    assert listing.call_count == 2


async def test_a_timeout_is_typed_and_lists_the_pending_tiles(
    byoc: Twin, api: respx.MockRouter
) -> None:
    route = api.get(f"{TILES}/{TILE_ID}").mock(return_value=states("INGESTING")[0])
    with pytest.raises(WaitTimeoutError) as caught:
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=0.01, timeout=0.5)
    assert isinstance(caught.value, TimeoutError)
    assert [t.tile_id for t in caught.value.pending] == [TILE_ID]
    assert caught.value.timeout == 0.5
    assert route.call_count >= 2


async def test_failures_can_raise(byoc: Twin, api: respx.MockRouter) -> None:
    failed = tile_json(status="FAILED", additionalData={"failedIngestionCause": "not a COG"})
    api.get(f"{TILES}/{TILE_ID}").mock(return_value=envelope(failed))
    with pytest.raises(IngestionError, match="not a COG") as caught:
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], raise_on_failure=True)
    assert [t.failed_ingestion_cause for t in caught.value.tiles] == ["not a COG"]


async def test_bad_arguments(byoc: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="interval"):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], interval=-1)
    with pytest.raises(ValueError, match="timeout"):
        await byoc.call("wait_for_tiles", COLLECTION_ID, [TILE_ID], timeout="long")
    assert len(api.calls) == 0
