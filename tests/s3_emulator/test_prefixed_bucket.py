"""An emulator bucket mapped to a prefix of an S3 bucket: band files found by listing under the
prefix, ingested through /vsis3/, rendered pixel for pixel."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.io import MemoryFile

from tests.s3_emulator.conftest import S3World

LEFT, TOP, RES = 540_000.0, 5_040_000.0, 10.0
SCRIPT = """//VERSION=3
function setup() {
  return {input: ["red", "nir", "dataMask"], output: {bands: 2, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.red, s.nir]; }
"""


def _cog(path: Path, data: np.ndarray) -> bytes:
    profile = {
        "driver": "GTiff",
        "width": 256,
        "height": 256,
        "count": 1,
        "dtype": "uint16",
        "crs": "EPSG:32633",
        "transform": Affine(RES, 0, LEFT, 0, -RES, TOP),
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as staging:
            staging.write(data[None])
        with memfile.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256)
    return path.read_bytes()


def test_band_files_under_a_prefix_are_discovered_ingested_and_rendered(
    s3_world: S3World, tmp_path: Path
) -> None:
    rng = np.random.default_rng(5)
    bands = {
        name: rng.integers(1, 9000, size=(256, 256), dtype=np.uint16) for name in ("red", "nir")
    }
    s3 = s3_world.server.client()
    for name, data in bands.items():
        s3.put_object(
            Bucket=s3_world.data,
            Key=f"fenced/t/scene_{name}.tif",
            Body=_cog(tmp_path / f"{name}.tif", data),
        )
    # the same name outside the prefix must not be seen
    s3.put_object(Bucket=s3_world.data, Key="t/scene_blue.tif", Body=b"not a tiff")
    with s3_world.client("/api/v1/byoc") as byoc:
        created = byoc.post("/collections", json={"name": "pf", "s3Bucket": s3_world.fenced})
        assert created.status_code == 201, created.text
        collection = created.json()["data"]["id"]
        tile = byoc.post(f"/collections/{collection}/tiles", json={"path": "t/scene_(BAND).tif"})
        assert tile.status_code == 201, tile.text
        tile_id = tile.json()["data"]["id"]
        deadline = time.monotonic() + 30
        while (state := byoc.get(f"/collections/{collection}/tiles/{tile_id}").json()["data"])[
            "status"
        ] not in ("INGESTED", "FAILED"):
            assert time.monotonic() < deadline, state
            time.sleep(0.05)
        assert state["status"] == "INGESTED", state
        found = byoc.get(f"/collections/{collection}").json()["data"]["additionalData"]["bands"]
    assert sorted(found) == ["nir", "red"]
    body = {
        "input": {
            "bounds": {
                "bbox": [LEFT, TOP - 256 * RES, LEFT + 256 * RES, TOP],
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": f"byoc-{collection}"}],
        },
        "output": {
            "width": 256,
            "height": 256,
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
        "evalscript": SCRIPT,
    }
    with s3_world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    with MemoryFile(response.content) as memfile, memfile.open() as ds:
        np.testing.assert_array_equal(ds.read(1), bands["red"])
        np.testing.assert_array_equal(ds.read(2), bands["nir"])
