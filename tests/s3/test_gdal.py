"""An uploaded COG reads back through GDAL's /vsis3/ from the test server: the path the
emulator's S3-backed buckets will take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from sentinelhub_client.s3 import S3Uploader
from sentinelhub_emulator.samples import write_cog

from tests.s3.helpers import CONFIG
from tests.support.s3 import S3Server


def test_an_uploaded_cog_is_read_through_vsis3(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    cog = write_cog(
        tmp_path / "tile" / "B04.tif",
        crs_epsg=32633,
        bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
        width=512,
        height=512,
    )
    S3Uploader(endpoint_url=aws_env.endpoint_url, config=CONFIG).upload_tile(
        cog.parent, f"s3://{s3_bucket}/tiles/t1"
    )
    with rasterio.open(cog) as local:
        expected = local.read(1)
    with (
        rasterio.Env(**aws_env.gdal_options()),
        rasterio.open(f"/vsis3/{s3_bucket}/tiles/t1/B04.tif") as remote,
    ):
        assert remote.crs.to_epsg() == 32633
        assert np.array_equal(remote.read(1), expected)
