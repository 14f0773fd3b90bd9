"""Zarr output end to end with the real Process engine, driven by sentinelhub-py 3.12's
`BatchProcessClient` (unchanged: it sends the misspelt ``arrayParameter``) and by our facade's
Batch v2 client: a job on LAEA grid 7 at 20 m (four 1000 x 1000 px tiles) over a BYOC
collection's COG, read back with the ``zarr`` package. Every array pixel is compared with the
source pixel under its centre, computed here with numpy and pyproj from the array's lattice:

- a source in EPSG:3035 (20 m, 3 m off the output lattice): every pixel must be equal;
- a source in UTM 32N (EPSG:32632, 20 m): each pixel centre is reprojected into UTM and the
  source pixel under it looked up; pixels whose reprojected centre lies within 3 m of a source
  pixel edge are left out (GDAL's warp approximates the transformation to within 1/8 of an
  output pixel, 2.5 m here), every other one must be equal.
"""

from __future__ import annotations

import time
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyproj
import pytest
import rasterio
import rasterio.shutil
import zarr
from affine import Affine
from rasterio.io import MemoryFile
from sentinelhub import BatchProcessClient as PyBatchClient
from sentinelhub import BatchRequestStatus, SHConfig
from sentinelhub.api.batch import utils as batch_utils
from sentinelhub.api.utils import s3_specification
from sentinelhub_client import RetryPolicy
from sentinelhub_client import SHConfig as FacadeConfig
from sentinelhub_client.batch_v2 import BatchProcessClient, BatchV2Status, StatusDatabase
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

DATA, OUT = "data", "out"
ROLE = "arn:aws:iam::000000000000:role/emulator"
LAEA = "http://www.opengis.net/def/crs/EPSG/0/3035"
#: Four 20 km cells of grid 7: x 4320-4360 km, y 3200-3240 km (near 10 E, 52 N).
WEST, SOUTH, EAST, NORTH = 4_320_000.0, 3_200_000.0, 4_360_000.0, 3_240_000.0
RES = 20.0
SIDE = 2000
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1"], output: [{id: "value", bands: 1, sampleType: "UINT16"}]};
}
function evaluatePixel(s) { return {value: [s.B1]}; }
"""
PARAMS = {"dtype": "<u2", "order": "C", "chunks": [1, 500, 500], "fill_value": 0}


@dataclass(frozen=True)
class Source:
    """A source COG: its pixels, CRS and geotransform, and its BYOC collection."""

    data: Any
    epsg: int
    transform: Affine
    collection_id: str = ""


#: 1500 x 1500 px of 20 m in EPSG:3035, 3 m off the output lattice, over part of the job area.
LAEA_SOURCE = Source(
    np.random.default_rng(11).integers(1, 60_000, size=(1500, 1500), dtype=np.uint16),
    3035,
    Affine(RES, 0, WEST + 5_003.0, 0, -RES, NORTH - 4_997.0),
)


def _utm_source() -> Source:
    to_utm = pyproj.Transformer.from_crs(3035, 32632, always_xy=True)
    x, y = to_utm.transform(WEST + 6_000.0, NORTH - 6_000.0)
    return Source(
        np.random.default_rng(12).integers(1, 60_000, size=(1500, 1500), dtype=np.uint16),
        32632,
        Affine(RES, 0, round(x) + 0.5, 0, -RES, round(y) + 0.5),
    )


@dataclass(frozen=True)
class World:
    emulator: Emulator
    sources: dict[str, Source]

    @property
    def bucket(self) -> Path:
        return self.emulator.data_dir / "buckets" / OUT


def _write_cog(path: Path, source: Source) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": source.data.shape[1],
        "height": source.data.shape[0],
        "count": 1,
        "dtype": "uint16",
        "crs": f"EPSG:{source.epsg}",
        "transform": source.transform,
    }
    with MemoryFile() as memory:
        with memory.open(**profile) as staging:
            staging.write(source.data[None])
        with memory.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256)
    with rasterio.open(path) as written:
        np.testing.assert_array_equal(written.read(1), source.data)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("zarr-engine")
    (root / "buckets" / OUT).mkdir(parents=True)
    sources = {"laea": LAEA_SOURCE, "utm": _utm_source()}
    for name, source in sources.items():
        _write_cog(root / "buckets" / DATA / name / "B1.tif", source)
    with Emulator(root) as emu:
        token = fetch_token(emu)
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=auth) as byoc:
            for name, source in list(sources.items()):
                made = byoc.post("/collections", json={"name": name, "s3Bucket": DATA})
                collection_id = made.json()["data"]["id"]
                tile = byoc.post(
                    f"/collections/{collection_id}/tiles",
                    json={"path": f"{name}/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
                )
                assert tile.status_code == 201, tile.text
                sources[name] = Source(source.data, source.epsg, source.transform, collection_id)
            emu.wait_for_ingestion()
        yield World(emu, sources)


def _process_request(source: Source) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {"bbox": [WEST, SOUTH, EAST, NORTH], "properties": {"crs": LAEA}},
            "data": [
                {
                    "type": f"byoc-{source.collection_id}",
                    "dataFilter": {
                        "timeRange": {"from": "2024-01-01T00:00:00Z", "to": "2024-12-31T00:00:00Z"}
                    },
                }
            ],
        },
        "output": {"responses": [{"identifier": "value", "format": {"type": "zarr/array"}}]},
        "evalscript": EVALSCRIPT,
    }


def _expected(source: Source) -> tuple[Any, Any]:
    """The source value under every array pixel's centre (0 outside the source), and where the
    comparison is meaningful (the centre at least 3 m from a source pixel edge)."""
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    xs, ys = WEST + (cols + 0.5) * RES, NORTH - (rows + 0.5) * RES
    if source.epsg != 3035:
        to_source = pyproj.Transformer.from_crs(3035, source.epsg, always_xy=True)
        xs, ys = to_source.transform(xs, ys)
    inverse = ~source.transform
    fcol = inverse.a * xs + inverse.b * ys + inverse.c
    frow = inverse.d * xs + inverse.e * ys + inverse.f
    col, row = np.floor(fcol).astype(int), np.floor(frow).astype(int)
    height, width = source.data.shape
    inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
    values = np.where(
        inside, source.data[np.clip(row, 0, height - 1), np.clip(col, 0, width - 1)], 0
    )
    margin = 3.0 / RES
    near = lambda f: np.minimum(f - np.floor(f), np.ceil(f) - f) < margin  # noqa: E731
    clear = ~(near(fcol) | near(frow))
    return values, clear


def _check_pixels(folder: Path, source: Source) -> None:
    group = zarr.open_group(str(folder), mode="r", zarr_format=2)
    assert group.attrs["crs"] == "EPSG:3035"
    assert group.attrs["transform"] == [WEST, RES, 0.0, NORTH, 0.0, -RES]
    array = group["value"]
    assert array.shape == (1, SIDE, SIDE)
    assert array.dtype == np.dtype("<u2")
    values = array[0]
    expected, clear = _expected(source)
    if source.epsg == 3035:
        assert clear.all()  # 3 m off the lattice: every centre is 7 m or more from an edge
    assert clear.mean() > 0.4  # (14 / 20) ** 2 of the pixels for the UTM source
    np.testing.assert_array_equal(values[clear], expected[clear])
    assert (expected[clear] > 0).sum() > 500_000  # the source covers much of the area
    assert (expected[clear] == 0).sum() > 100_000  # and leaves part of it empty


@pytest.fixture
def py_batch(world: World, monkeypatch: pytest.MonkeyPatch) -> PyBatchClient:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain HTTP
    monkeypatch.setattr(
        batch_utils, "time", types.SimpleNamespace(sleep=lambda _: time.sleep(0.05))
    )
    emu = world.emulator
    return PyBatchClient(
        config=SHConfig(
            sh_client_id=emu.client_id,
            sh_client_secret=emu.client_secret,
            sh_base_url=emu.base_url,
            sh_token_url=emu.token_url,
        )
    )


@pytest.mark.parametrize("source_name", ["laea", "utm"])
def test_sentinelhub_py_runs_a_zarr_job(
    world: World, py_batch: PyBatchClient, source_name: str
) -> None:
    source = world.sources[source_name]
    folder = f"shpy-{source_name}-{uuid.uuid4().hex[:6]}"
    request = py_batch.create(
        _process_request(source),
        input=PyBatchClient.tiling_grid_input(grid_id=7, resolution=RES),
        output=PyBatchClient.zarr_output(
            s3_specification(f"s3://{OUT}/{folder}", iam_role_arn=ROLE),
            group={"zarr_format": 2},
            array_parameters=dict(PARAMS),
        ),
        description="zarr from sentinelhub-py",
    )
    assert request.status is BatchRequestStatus.CREATED
    assert request.request["output"]["arrayParameter"] == PARAMS  # its spelling, accepted
    py_batch.start_analysis(request)
    analysed = batch_utils.monitor_batch_process_analysis(request, py_batch, sleep_time=5)
    assert analysed.status is BatchRequestStatus.ANALYSIS_DONE
    py_batch.start_job(analysed)
    done = batch_utils.monitor_batch_process_job(analysed, py_batch, sleep_time=60)
    assert done.status is BatchRequestStatus.DONE, done.error
    assert done.completion_percentage == 100
    _check_pixels(world.bucket / folder, source)


@pytest.mark.parametrize("source_name", ["laea", "utm"])
def test_our_client_runs_a_zarr_job(world: World, source_name: str) -> None:
    source = world.sources[source_name]
    emu = world.emulator
    config = FacadeConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0),
    )
    with BatchProcessClient(config) as batch:
        delivery = batch.s3_specification(f"s3://{OUT}/ours-<requestId>", iam_role_arn=ROLE)
        created = batch.create(
            _process_request(source),
            batch.tiling_grid_input(7, RES),
            batch.zarr_output(delivery, array_parameters=dict(PARAMS)),
            description="zarr from our client",
        )
        assert created.status is BatchV2Status.CREATED
        request_id = created.request_id
        batch.start_analysis(request_id)
        analysed = batch.wait_for_analysis(request_id, interval=0.02, timeout=60)
        assert analysed.status is BatchV2Status.ANALYSIS_DONE
        batch.start_job(request_id)
        done = batch.wait_for_job(request_id, interval=0.02, timeout=120)
    assert done.status is BatchV2Status.DONE, done.error
    folder = world.bucket / f"ours-{request_id}"
    _check_pixels(folder, source)
    # The status database where raster jobs put it: <the folders before the first one with a
    # placeholder>/<requestId>/, here the bucket's top: <requestId>/execution.sqlite.
    assert not (folder / "execution.sqlite").exists()
    with StatusDatabase.open((world.bucket / request_id / "execution.sqlite").read_bytes()) as db:
        assert db.total == 4
        assert db.counts() == {"DONE": 4}
