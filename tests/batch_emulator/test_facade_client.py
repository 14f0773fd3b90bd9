"""The facade's `SentinelHubBatch` (and its async twin) driving the emulator's batch service:
the whole life of a request, partial results and restartpartial, cancel, collections, and a
FAILED analysis raised as `BatchFailedError`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rasterio
from sentinelhub_client import (
    AsyncSentinelHubBatch,
    BatchFailedError,
    BatchProgress,
    RetryPolicy,
    SentinelHubBatch,
    SHConfig,
)
from sentinelhub_emulator import Emulator

from .conftest import BUCKET, request_body


@pytest.fixture(scope="module")
def config(emulator: Emulator) -> SHConfig:
    return SHConfig(
        sh_client_id=emulator.client_id,
        sh_client_secret=emulator.client_secret,
        sh_base_url=emulator.base_url,
        sh_token_url=emulator.token_url,
        retry=RetryPolicy(backoff=0),
    )


@pytest.fixture
def batch(config: SHConfig) -> Iterator[SentinelHubBatch]:
    with SentinelHubBatch(config) as client:
        yield client


def _create(batch: SentinelHubBatch, **changes: object) -> str:
    body = request_body(**changes)  # type: ignore[arg-type]
    created = batch.create(
        body["processRequest"],
        tiling_grid=batch.tiling_grid(body["tilingGrid"]["id"], body["tilingGrid"]["resolution"]),
        output=batch.output(default_tile_path=body["output"]["defaultTilePath"]),
        description="facade lifecycle",
    )
    assert created.status == "CREATED"
    assert created.description == "facade lifecycle"
    return str(created.request_id)


def test_the_whole_life_of_a_request(batch: SentinelHubBatch, bucket: Path) -> None:
    request_id = _create(batch)
    assert batch.get_request(request_id).tile_count == 4
    assert any(str(r.request_id) == request_id for r in batch.iter_requests(max_items=500))

    batch.start_analysis(request_id)
    analysed = batch.wait_for_analysis(request_id, interval=0.02, timeout=30)
    assert analysed.status == "ANALYSIS_DONE"

    seen: list[BatchProgress] = []
    batch.start_job(request_id)
    done = batch.monitor_batch_job(
        request_id, interval=0.02, timeout=60, callback=seen.append, count_tiles=True
    )
    assert done.status == "DONE"
    assert seen
    assert seen[-1].processed == 4
    tiles = list(batch.iter_tiles(request_id))
    assert sorted(t.name for t in tiles) == ["33TVM_5_4", "33TVM_5_5", "33TVM_6_4", "33TVM_6_5"]
    assert {t.status for t in tiles} == {"PROCESSED"}
    assert batch.get_tile(request_id, tiles[0].tile_id).name == tiles[0].name
    for tile in tiles:
        with rasterio.open(bucket / "out" / request_id / tile.name / "default.tif") as dataset:
            assert (dataset.width, dataset.height) == (500, 500)

    batch.delete_request(request_id)
    assert all(str(r.request_id) != request_id for r in batch.iter_requests(max_items=500))


def test_partial_then_restart_reruns_the_failed_tiles(
    batch: SentinelHubBatch, faults: httpx.Client
) -> None:
    faults.post("/faults", json={"failTiles": ["33TVM_5_4"]})
    request_id = _create(batch)
    batch.start_job(request_id)  # from CREATED: analysed first
    partial = batch.wait_for_job(request_id, interval=0.02, timeout=60)
    assert partial.status == "PARTIAL"
    assert [t.name for t in batch.iter_tiles(request_id, status="FAILED")] == ["33TVM_5_4"]

    faults.delete("/faults")
    batch.restart_job(request_id)
    done = batch.wait_for_job(request_id, interval=0.02, timeout=60)
    assert done.status == "DONE"
    assert not list(batch.iter_tiles(request_id, status="FAILED"))


def test_a_failed_analysis_raises_with_the_services_error(batch: SentinelHubBatch) -> None:
    body = request_body()
    body["processRequest"]["evalscript"] = "//VERSION=3\n// FAIL_SETUP\n"  # the stand-in fails
    created = batch.create(
        body["processRequest"], tiling_grid=body["tilingGrid"], output=body["output"]
    )
    batch.start_analysis(created)
    with pytest.raises(BatchFailedError, match="setup\\(\\) is not defined"):
        batch.wait_for_analysis(created, interval=0.02, timeout=30)


def test_cancel_ends_the_wait(batch: SentinelHubBatch) -> None:
    request_id = _create(batch)
    batch.start_analysis(request_id)
    batch.wait_for_analysis(request_id, interval=0.02, timeout=30)
    batch.cancel_job(request_id)
    assert batch.wait_for_job(request_id, interval=0.02, timeout=30).status == "CANCELED"


def test_collections_and_grids(batch: SentinelHubBatch) -> None:
    grids = {grid.grid_id: grid for grid in batch.iter_tiling_grids()}
    assert {0, 1, 2, 3} <= set(grids)
    assert batch.get_tiling_grid(0).grid_id == 0
    created = batch.create_collection({"name": "facade-fields", "s3Bucket": BUCKET})
    assert batch.get_collection(created.collection_id).name == "facade-fields"
    batch.update_collection(
        {"id": str(created.collection_id), "name": "renamed", "s3Bucket": BUCKET}
    )
    assert batch.get_collection(created.collection_id).name == "renamed"
    assert any(c.collection_id == created.collection_id for c in batch.iter_collections())
    batch.delete_collection(created.collection_id)
    assert all(c.collection_id != created.collection_id for c in batch.iter_collections())


def test_the_async_client_runs_the_same_lifecycle(config: SHConfig) -> None:
    async def run() -> str:
        async with AsyncSentinelHubBatch(config) as batch:
            body = request_body()
            created = await batch.create(
                body["processRequest"], tiling_grid=body["tilingGrid"], output=body["output"]
            )
            await batch.start_job(created)
            done = await batch.wait_for_job(created, interval=0.02, timeout=60)
            return str(done.status)

    assert asyncio.run(run()) == "DONE"
