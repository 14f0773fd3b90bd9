"""sentinelhub-py 3.12's `BatchProcessClient`, unchanged, runs whole v2 lifecycles on the
emulator (its monitor functions too, with their sleeps shortened)."""

from __future__ import annotations

import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import rasterio
from sentinelhub import (
    BatchProcessClient,
    BatchProcessRequest,
    BatchRequestStatus,
    BatchUserAction,
    SHConfig,
)
from sentinelhub.api.batch import utils as batch_utils
from sentinelhub.api.utils import s3_specification
from sentinelhub_emulator import Emulator

from tests.batch_emulator.renderers import CoordinateRenderer

from .conftest import BUCKET, held_renders, request_body

ROLE = "arn:aws:iam::000000000000:role/emulator"


@pytest.fixture(scope="module")
def batch(emulator: Emulator) -> Iterator[BatchProcessClient]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain HTTP
        yield _client(emulator)


def _client(emulator: Emulator) -> BatchProcessClient:
    config = SHConfig(
        sh_client_id=emulator.client_id,
        sh_client_secret=emulator.client_secret,
        sh_base_url=emulator.base_url,
        sh_token_url=emulator.token_url,
    )
    return BatchProcessClient(config=config)


@pytest.fixture
def quick_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The monitor functions sleep 0.05 s where they would sleep a minute."""
    monkeypatch.setattr(
        batch_utils, "time", types.SimpleNamespace(sleep=lambda _: time.sleep(0.05))
    )


def _wait(
    batch: BatchProcessClient, request: BatchProcessRequest, statuses: set[BatchRequestStatus]
) -> BatchProcessRequest:
    deadline = time.monotonic() + 20
    while True:
        current = batch.get_request(request)
        if current.status in statuses:
            return current
        assert time.monotonic() < deadline, current.status
        time.sleep(0.05)


def _create(batch: BatchProcessClient, folder: str, **output: object) -> BatchProcessRequest:
    body = request_body()
    return batch.create(
        body["processRequest"],
        input=BatchProcessClient.tiling_grid_input(grid_id=1, resolution=20, buffer_x=2),
        output=BatchProcessClient.raster_output(
            s3_specification(f"s3://{BUCKET}/{folder}", iam_role_arn=ROLE), **output
        ),
        description="from sentinelhub-py",
    )


def test_whole_lifecycle(batch: BatchProcessClient, bucket: Path, quick_monitor: None) -> None:
    request = _create(batch, "shpy", cog_output=True)
    assert request.status is BatchRequestStatus.CREATED
    assert request.request["input"] == {
        "type": "tiling-grid",
        "id": 1,
        "resolution": 20,
        "bufferX": 2,
    }
    assert request.request["instanceType"] == "normal"
    batch.update_request(request, description="renamed")
    assert batch.get_request(request.request_id).request["description"] == "renamed"
    mine = [r.request_id for r in batch.iter_requests(search="renamed")]
    assert request.request_id in mine
    batch.start_analysis(request)
    analysed = batch_utils.monitor_batch_process_analysis(request, batch, sleep_time=5)
    assert analysed.status is BatchRequestStatus.ANALYSIS_DONE
    assert analysed.user_action is BatchUserAction.ANALYSE
    batch.start_job(analysed)
    done = batch_utils.monitor_batch_process_job(analysed, batch, sleep_time=60)
    assert done.status is BatchRequestStatus.DONE
    assert done.completion_percentage == 100
    assert done.cost_PU is not None
    assert done.cost_PU > 0
    assert done.last_updated is not None
    tiles = sorted((bucket / "shpy" / request.request_id).glob("*/default.tif"))
    assert len(tiles) == 4
    with rasterio.open(tiles[0]) as dataset:
        assert (dataset.width, dataset.height) == (504, 500)  # 2 px on the left and the right
        assert dataset.overviews(1)  # COG


def test_stop_job(batch: BatchProcessClient, renderer: CoordinateRenderer) -> None:
    request = _create(batch, "shpy-stop")
    with held_renders(renderer):
        batch.start_job(request)
        assert renderer.waiting.wait(10)
        batch.stop_job(request)
    stopped = _wait(batch, request, {BatchRequestStatus.STOPPED})
    assert stopped.user_action is BatchUserAction.STOP
    assert stopped.stopped_status_reason is not None
    assert stopped.stopped_status_reason.value == "USER_ACTION"


def test_tiling_grids(batch: BatchProcessClient) -> None:
    grids = list(batch.iter_tiling_grids())
    assert [grid["id"] for grid in grids] == [0, 1, 2, 3, 6, 7]
    assert batch.get_tiling_grid(1)["properties"]["resolutions"] == [10.0, 20.0]
