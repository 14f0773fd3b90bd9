"""`ingest_folder` / `aingest_folder`, the library calls under ``shc ingest``, against the
S3-backed emulator: the async twin ingests like the sync one; a missing bucket fails before
any tile is registered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from sentinelhub_client import AsyncSentinelHubBYOC, RetryPolicy, SentinelHubBYOC, SHConfig
from sentinelhub_client.cog import aingest_folder, ingest_folder
from sentinelhub_client.s3 import S3BucketNotFoundError, S3Uploader

from tests.s3_emulator.conftest import S3World


def _config(world: S3World) -> SHConfig:
    emu = world.emulator
    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0),
    )


def _folder(root: Path) -> Path:
    data = np.arange(256 * 256, dtype=np.uint16).reshape(1, 256, 256)
    path = root / "one" / "S2_20240601T101500.tif"
    path.parent.mkdir(parents=True)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=256,
        height=256,
        count=1,
        dtype="uint16",
        crs="EPSG:32633",
        transform=Affine(10, 0, 520_000, 0, -10, 5_020_000),
    ) as dst:
        dst.write(data)
    return root / "one"


def _collection(world: S3World, name: str) -> str:
    with world.client("/api/v1/byoc") as byoc:
        response = byoc.post("/collections", json={"name": name, "s3Bucket": world.data})
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["id"])


@pytest.mark.anyio
async def test_the_async_twin_ingests_from_s3(s3_world: S3World, tmp_path: Path) -> None:
    collection = _collection(s3_world, "async")
    uploader = S3Uploader(endpoint_url=s3_world.server.endpoint_url)
    lines: list[str] = []
    async with AsyncSentinelHubBYOC(_config(s3_world)) as byoc:
        report = await aingest_folder(
            byoc,
            _folder(tmp_path),
            collection,
            bucket=f"s3://{s3_world.data}/async-lib",
            uploader=uploader,
            sensing_pattern=r"_(\d{8}T\d{6})",
            interval=0.05,
            progress=lines.append,
        )
    uploader.close()
    assert report.ok, report.files
    [item] = report.files
    assert (item.tile_path, item.converted, item.upload, item.status) == (
        "async-lib/S2_20240601T101500.tif",
        True,
        "uploaded",
        "INGESTED",
    )
    assert lines[0] == "converted S2_20240601T101500.tif"
    with SentinelHubBYOC(_config(s3_world)) as sync_byoc:
        [tile] = list(sync_byoc.iter_tiles(collection))
    assert tile.sensing_time is not None
    assert tile.sensing_time.isoformat().startswith("2024-06-01T10:15:00")


def test_a_missing_bucket_fails_before_registration(s3_world: S3World, tmp_path: Path) -> None:
    collection = _collection(s3_world, "missing")
    uploader = S3Uploader(endpoint_url=s3_world.server.endpoint_url)
    with SentinelHubBYOC(_config(s3_world)) as byoc:
        with pytest.raises(S3BucketNotFoundError):
            ingest_folder(
                byoc,
                _folder(tmp_path),
                collection,
                bucket=f"s3://{s3_world.server.unused_bucket_name()}/x",
                uploader=uploader,
            )
        assert list(byoc.iter_tiles(collection)) == []
    uploader.close()
