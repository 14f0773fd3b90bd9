"""Our Batch v2 client (sync and async) through a whole lifecycle on the embedded emulator, over a
real socket: create, change the description, analyse, start, DONE, the outputs in the bucket
folder and the job's status database read with `StatusDatabase`; and a stopped job."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_client.batch_v2 import (
    AsyncBatchProcessClient,
    BatchProcessClient,
    BatchV2Status,
    StatusDatabase,
    StoppedStatusReason,
)
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.process import engine

from tests.batch_emulator.renderers import CoordinateRenderer

BUCKET = "results"
#: Four 10 km cells of grid 1 in UTM zone 33N.
UTM_AREA = [455_000.0, 5_145_000.0, 465_000.0, 5_155_000.0]
PROCESS_REQUEST: dict[str, Any] = {
    "input": {
        "bounds": {
            "bbox": UTM_AREA,
            "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        },
        "data": [{"type": "byoc-00000000-0000-0000-0000-000000000000"}],
    },
    "output": {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]},
    "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 2}}; }\n",
}
ROLE = "arn:aws:iam::000000000000:role/emulator"


@pytest.fixture(scope="module")
def renderer() -> Iterator[CoordinateRenderer]:
    stand_in = CoordinateRenderer()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "render", stand_in)
        yield stand_in


@pytest.fixture(scope="module")
def emulator(
    tmp_path_factory: pytest.TempPathFactory, renderer: CoordinateRenderer
) -> Iterator[Emulator]:
    root = tmp_path_factory.mktemp("batch_v2")
    (root / "buckets" / BUCKET).mkdir(parents=True)
    with Emulator(root) as emu:
        yield emu


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
def bucket(emulator: Emulator) -> Path:
    return emulator.data_dir / "buckets" / BUCKET


def _create(batch: BatchProcessClient, folder: str) -> str:
    delivery = batch.s3_specification(f"s3://{BUCKET}/{folder}", iam_role_arn=ROLE)
    created = batch.create(
        PROCESS_REQUEST,
        batch.tiling_grid_input(1, 20.0),
        batch.raster_output(delivery),
        description="v2 lifecycle",
    )
    assert created.status is BatchV2Status.CREATED
    assert created.description == "v2 lifecycle"
    return created.request_id


def test_the_whole_life_of_a_request(config: SHConfig, bucket: Path) -> None:
    with BatchProcessClient(config) as batch:
        request_id = _create(batch, "life")
        batch.update_request(request_id, "renamed")
        assert batch.get_request(request_id).description == "renamed"
        assert any(r.request_id == request_id for r in batch.iter_requests(max_items=500))
        assert any(g.grid_id == 1 for g in batch.iter_tiling_grids())

        batch.start_analysis(request_id)
        analysed = batch.wait_for_analysis(request_id, interval=0.02, timeout=30)
        assert analysed.status is BatchV2Status.ANALYSIS_DONE

        batch.start_job(request_id)
        seen: list[float] = []
        done = batch.wait_for_job(
            request_id, interval=0.02, timeout=60, callback=lambda p: seen.append(p.percentage)
        )
    assert done.status is BatchV2Status.DONE
    assert done.completion_percentage == 100
    assert seen[-1] == 100.0
    folder = bucket / "life" / request_id
    outputs = sorted(path.relative_to(folder) for path in folder.rglob("*.tif"))
    assert len(outputs) == 4, outputs
    assert {path.name for path in outputs} == {"default.tif"}
    # The status database the job left beside its outputs (the emulator's layout), read as a
    # user reads a downloaded copy: from its bytes.
    with StatusDatabase.open((folder / "execution.sqlite").read_bytes()) as db:
        assert db.total == 4
        assert db.counts() == {"DONE": 4}
        names = {feature.name for feature in db.features()}
        assert all(feature.error is None for feature in db.features("DONE"))
        job = db.job()
    assert names == {path.parts[0] for path in outputs}
    assert job is not None
    assert job["status"] == "DONE"
    assert job["completion_percentage"] == 100


def test_a_stopped_job_is_stopped_by_the_user(
    config: SHConfig, renderer: CoordinateRenderer
) -> None:
    renderer.gate = threading.Event()
    try:
        with BatchProcessClient(config) as batch:
            request_id = _create(batch, "stopped")
            batch.start_job(request_id)
            assert renderer.waiting.wait(30), "no tile started rendering"
            batch.stop_job(request_id)
            renderer.gate.set()
            stopped = batch.wait_for_job(request_id, interval=0.02, timeout=30)
    finally:
        renderer.gate.set()
        renderer.gate = None
        renderer.waiting.clear()
    assert stopped.status is BatchV2Status.STOPPED
    assert stopped.stopped_status_reason is StoppedStatusReason.USER_ACTION
    assert stopped.user_action == "STOP"


@pytest.mark.anyio
async def test_the_async_client_runs_a_job(config: SHConfig, bucket: Path) -> None:
    async with AsyncBatchProcessClient(config) as batch:
        delivery = batch.s3_specification(f"s3://{BUCKET}/async", iam_role_arn=ROLE)
        created = await batch.create(
            PROCESS_REQUEST, batch.tiling_grid_input(1, 20.0), batch.raster_output(delivery)
        )
        await batch.start_job(created)
        done = await batch.wait_for_job(created, interval=0.02, timeout=60)
    assert done.status is BatchV2Status.DONE
    assert len(list((bucket / "async" / created.request_id).rglob("*.tif"))) == 4
