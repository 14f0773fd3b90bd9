"""The facade's Process client against the emulator: pixels equal to the numpy mosaic and to
sentinelhub-py's answer, tar members, saving, Async Process with waiting, asyncio, errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
import sentinelhub
from sentinelhub_client import BadRequestError, RetryPolicy, SHConfig
from sentinelhub_client.process import (
    AsyncProcessRequest,
    AsyncSentinelHubProcess,
    BBox,
    MimeType,
    SentinelHubProcess,
    SentinelHubRequest,
    get_async_running_status,
    s3_specification,
)

from .conftest import CANVAS, OUT_BUCKET, UTM, World, simple_mosaic

EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "B2", "dataMask"],
          output: [{id: "default", bands: 2, sampleType: "UINT16"},
                   {id: "mask", bands: 1, sampleType: "UINT8"}]};
}
function evaluatePixel(s) { return {default: [s.B1, s.B2], mask: [s.dataMask]}; }
"""


@pytest.fixture(scope="module")
def config(world: World) -> SHConfig:
    emu = world.emulator
    return SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0),
    )


def canvas_request(world: World, config: SHConfig, **changes: object) -> SentinelHubRequest:
    arguments: dict[str, object] = {
        "evalscript": EVALSCRIPT,
        "input_data": [
            SentinelHubRequest.input_data(world.main_id, time_interval=("2024-01-01", "2024-01-03"))
        ],
        "responses": [SentinelHubRequest.output_response("default", MimeType.TIFF)],
        "bbox": BBox(CANVAS, crs=UTM),
        "size": (512, 384),
        "config": config,
        **changes,
    }
    return SentinelHubRequest(**arguments)  # type: ignore[arg-type]


def test_tiff_equals_the_mosaic_and_sentinelhub_py(
    world: World, config: SHConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b1, _ = simple_mosaic(world.tiles, "B1")
    b2, _ = simple_mosaic(world.tiles, "B2")
    request = canvas_request(world, config, data_folder=tmp_path)
    [image] = request.get_data(save_data=True)
    assert image.dtype == np.uint16
    np.testing.assert_array_equal(image, np.stack([b1, b2], axis=-1).astype(np.uint16))
    assert request.processing_units is not None
    assert request.processing_units > 0
    saved = request.response_path()
    assert saved is not None
    assert saved.is_file()

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain HTTP
    emu = world.emulator
    theirs = sentinelhub.SentinelHubRequest(
        evalscript=EVALSCRIPT,
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc(world.main_id),
                time_interval=("2024-01-01", "2024-01-03"),
            )
        ],
        responses=[
            sentinelhub.SentinelHubRequest.output_response("default", sentinelhub.MimeType.TIFF)
        ],
        bbox=sentinelhub.BBox(CANVAS, crs=sentinelhub.CRS.UTM_33N),
        size=(512, 384),
        config=sentinelhub.SHConfig(
            sh_client_id=emu.client_id,
            sh_client_secret=emu.client_secret,
            sh_base_url=emu.base_url,
            sh_token_url=emu.token_url,
            use_defaults=True,
        ),
    ).get_data()[0]
    np.testing.assert_array_equal(theirs, image)


def test_several_responses_come_back_as_a_mapping(world: World, config: SHConfig) -> None:
    _, mask = simple_mosaic(world.tiles, "B1")
    request = canvas_request(
        world,
        config,
        responses=[
            SentinelHubRequest.output_response("default", "tiff"),
            SentinelHubRequest.output_response("mask", "png"),
        ],
        size=None,
        resolution=(10, 10),
    )
    [result] = request.get_data()
    assert set(result) == {"default.tif", "mask.png"}
    np.testing.assert_array_equal(result["mask.png"], mask)
    assert result["default.tif"].shape == (384, 512, 2)


def test_async_process_delivers_and_the_wait_ends(world: World, config: SHConfig) -> None:
    request = AsyncProcessRequest(
        evalscript=EVALSCRIPT,
        input_data=[world.main_id],
        responses=[SentinelHubRequest.output_response("default", "tiff")],
        delivery=s3_specification(
            f"s3://{OUT_BUCKET}/client/<REQUEST_ID>/<OUTPUT>", access_key="a", secret_access_key="b"
        ),
        bbox=BBox(CANVAS, crs=UTM),
        size=(512, 384),
        config=config,
    )
    progress: list[tuple[int, int]] = []
    with SentinelHubProcess(config) as client:
        status = client.submit(request)
        assert status.status == "RUNNING"
        final = client.wait_for_async(
            [status.id], interval=0.05, timeout=60, progress=lambda d, t: progress.append((d, t))
        )
    # not running: None (404, the service no longer knows it) or False (a 200 saying it ended)
    assert list(final) == [status.id]
    assert not final[status.id]
    assert progress[-1] == (1, 1)
    assert not get_async_running_status([status.id], config)[status.id]
    assert (world.out_dir / "client" / status.id / "default.tif").is_file()


def test_asyncio_client_gives_the_same_pixels(world: World, config: SHConfig) -> None:
    request = canvas_request(world, config)

    async def run() -> np.ndarray:
        async with AsyncSentinelHubProcess(config) as client:
            [image] = await client.get_data(request)
            return image

    sync_image = request.get_data()[0]
    np.testing.assert_array_equal(asyncio.run(run()), sync_image)


def test_a_script_error_is_a_bad_request_naming_the_line(world: World, config: SHConfig) -> None:
    broken = EVALSCRIPT.replace("[s.B1, s.B2]", "[nope, s.B2]")
    with pytest.raises(BadRequestError) as info:
        canvas_request(world, config, evalscript=broken, size=(16, 16)).get_data()
    assert info.value.code == "RENDERER_EXCEPTION"
    assert "nope is not defined" in str(info.value)


def test_sentinelhub_py_async_request_delivers_the_same_pixels(
    world: World, config: SHConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import rasterio
    from sentinelhub.api.process import AsyncProcessRequest as TheirAsync
    from sentinelhub.api.process import get_async_running_status as their_status

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain HTTP
    emu = world.emulator
    their_config = sentinelhub.SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        use_defaults=True,
    )
    theirs = TheirAsync(
        evalscript=EVALSCRIPT,
        input_data=[
            TheirAsync.input_data(
                sentinelhub.DataCollection.define_byoc(world.main_id),
                time_interval=("2024-01-01", "2024-01-03"),
            )
        ],
        responses=[TheirAsync.output_response("default", sentinelhub.MimeType.TIFF)],
        delivery=TheirAsync.s3_specification(
            f"s3://{OUT_BUCKET}/shpy", access_key="a", secret_access_key="b"
        ),
        bbox=sentinelhub.BBox(CANVAS, crs=sentinelhub.CRS.UTM_33N),
        size=(512, 384),
        config=their_config,
    )
    [submitted] = theirs.get_data()
    request_id = submitted["id"]
    assert submitted["status"] == "RUNNING"
    deadline = time.monotonic() + 60
    while their_status([request_id], config=their_config)[request_id]:
        assert time.monotonic() < deadline, "the async request did not finish"
        time.sleep(0.05)
    assert not get_async_running_status([request_id], config)[request_id]
    with rasterio.open(world.out_dir / "shpy" / request_id / "default.tif") as delivered:
        their_pixels = np.moveaxis(delivered.read(), 0, -1)
    [ours] = canvas_request(world, config).get_data()
    np.testing.assert_array_equal(their_pixels, ours)
