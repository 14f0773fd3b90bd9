"""End to end with the real Process engine: batch tiles rendered from a BYOC collection's COG,
every output pixel compared with the source pixel under its centre, computed here with numpy
from the tile's origin (not from the output file).

The source COG has internal overviews (GDAL's COG driver adds them, resampled with CUBIC), as
ingested COGs do. Like the service, the engine reads the coarsest overview still at least as fine
as the output: at 10 m that is full resolution, at 20 m the first overview (20 m), whose values
are not the full-resolution ones, so the 20 m expectation is computed from that overview."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.io import MemoryFile
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import all_tiles, batch_client, create, wait_for

DATA, OUT = "data", "out"
# Source: 1500 x 1200 px of 10 m in UTM 33N, shifted 3 m off the output lattice so that every
# output pixel centre lies strictly inside one source pixel.
SRC_WEST, SRC_NORTH, SRC_RES = 452_003.0, 5_157_997.0, 10.0
SRC_SHAPE = (1200, 1500)
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: [
    {id: "value", bands: 1, sampleType: "UINT16"},
    {id: "double", bands: 1, sampleType: "FLOAT32"}]};
}
function evaluatePixel(s) { return {value: [s.B1], double: [s.B1 * 2 + 0.5 * s.dataMask]}; }
"""


@dataclass(frozen=True)
class Level:
    """One resolution level of the source COG: its pixels and its geotransform."""

    data: Any
    transform: Affine


@dataclass(frozen=True)
class World:
    emulator: Emulator
    client: httpx.Client
    collection_id: str
    # Level by output resolution: what the engine reads for an output pixel of that size.
    levels: dict[float, Level]


def _write_source(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "uint16",
        "crs": "EPSG:32633",
        "transform": Affine(SRC_RES, 0, SRC_WEST, 0, -SRC_RES, SRC_NORTH),
    }
    with MemoryFile() as memory:
        with memory.open(**profile) as staging:
            staging.write(data[None])
        with memory.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256)


def _levels(path: Path, source: Any) -> dict[float, Level]:
    with rasterio.open(path) as full:
        assert full.overviews(1)[0] == 2
        np.testing.assert_array_equal(full.read(1), source)
    with rasterio.open(path, OVERVIEW_LEVEL=0) as overview:
        halved = Level(overview.read(1), overview.transform)
    assert halved.transform == Affine(2 * SRC_RES, 0, SRC_WEST, 0, -2 * SRC_RES, SRC_NORTH)
    # The overview is not a subsample of the source, so reading the wrong level shows.
    assert np.mean(halved.data != source[::2, ::2]) > 0.9
    full_level = Level(source, Affine(SRC_RES, 0, SRC_WEST, 0, -SRC_RES, SRC_NORTH))
    return {10.0: full_level, 20.0: halved}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp_path = tmp_path_factory.mktemp("engine")
    source = np.random.default_rng(5).integers(1, 60_000, size=SRC_SHAPE, dtype=np.uint16)
    source_path = tmp_path / "buckets" / DATA / "scene" / "B1.tif"
    _write_source(source_path, source)
    levels = _levels(source_path, source)
    (tmp_path / "buckets" / OUT).mkdir(parents=True)
    with Emulator(tmp_path) as emu:
        token = fetch_token(emu)
        with httpx.Client(
            base_url=emu.base_url + "/api/v1/byoc", headers={"Authorization": f"Bearer {token}"}
        ) as byoc:
            collection = byoc.post("/collections", json={"name": "src", "s3Bucket": DATA})
            collection_id = collection.json()["data"]["id"]
            tile = byoc.post(
                f"/collections/{collection_id}/tiles",
                json={"path": "scene/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
            )
            assert tile.status_code == 201, tile.text
            emu.wait_for_ingestion()
        with batch_client(emu, token) as client:
            yield World(emu, client, collection_id, levels)


def _body(
    collection_id: str, cog: bool = True, resolution: float = 20.0, **tiling: Any
) -> dict[str, Any]:
    return {
        "processRequest": {
            "input": {
                "bounds": {
                    "bbox": [455_000.0, 5_145_000.0, 465_000.0, 5_155_000.0],
                    "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
                },
                "data": [
                    {
                        "type": f"byoc-{collection_id}",
                        "dataFilter": {
                            "timeRange": {
                                "from": "2024-01-01T00:00:00Z",
                                "to": "2024-12-31T00:00:00Z",
                            }
                        },
                    }
                ],
            },
            "output": {
                "responses": [
                    {"identifier": "value", "format": {"type": "image/tiff"}},
                    {"identifier": "double", "format": {"type": "image/tiff"}},
                ]
            },
            "evalscript": EVALSCRIPT,
        },
        "tilingGrid": {"id": 1, "resolution": resolution, **tiling},
        "output": {
            "defaultTilePath": f"s3://{OUT}/run-{int(cog)}-{resolution:g}",
            "cogOutput": cog,
        },
    }


@pytest.mark.parametrize(
    ("cog", "resolution"),
    [(True, 20.0), (False, 20.0), (False, 10.0)],
    ids=["cog", "engine-tiff-as-is", "full-resolution"],
)
def test_output_pixels_equal_the_source_under_each_pixel(
    world: World, cog: bool, resolution: float
) -> None:
    emu, client = world.emulator, world.client
    created = create(client, _body(world.collection_id, cog, resolution, bufferX=2, bufferY=3))
    client.post(f"/process/{created['id']}/start")
    done = wait_for(client, created["id"], ("DONE", "PARTIAL", "FAILED"), timeout=60)
    assert done["status"] == "DONE", (done["error"], all_tiles(client, created["id"]))
    tiles = all_tiles(client, created["id"])
    assert len(tiles) == 4
    covered = 0
    run = f"run-{int(cog)}-{resolution:g}"
    side = round(10_000 / resolution)
    for tile in tiles:
        folder = emu.data_dir / "buckets" / OUT / run / created["id"] / tile["name"]
        with rasterio.open(folder / "value.tif") as ds:
            value = ds.read(1)
            assert ds.dtypes[0] == "uint16"
            assert (ds.width, ds.height) == (side + 4, side + 6)
            assert ds.crs.to_epsg() == 32633
            ox, oy = tile["origin"]["coordinates"]
            pad_x, pad_y = 2 * resolution, 3 * resolution
            assert tuple(ds.bounds) == (
                ox - pad_x,
                oy - 10_000 - pad_y,
                ox + 10_000 + pad_x,
                oy + pad_y,
            )
            assert (ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG") == cog
        with rasterio.open(folder / "double.tif") as ds:
            double = ds.read(1)
            assert ds.dtypes[0] == "float32"
        expected, inside = _expected(world.levels[resolution], tile, resolution, side)
        np.testing.assert_array_equal(value, expected)
        np.testing.assert_allclose(double, np.where(inside, expected * 2.0 + 0.5, 0), rtol=1e-6)
        covered += int(inside.sum())
    assert covered > 0


def _expected(level: Level, tile: dict[str, Any], res: float, side: int) -> tuple[Any, Any]:
    """Values of the source level under each output pixel centre (side + 4 x side + 6 px: the
    tile plus buffers 2 and 3, from the tile's upper-left origin), and where the source has
    data."""
    ox, oy = tile["origin"]["coordinates"]
    xs = ox + (np.arange(side + 4) - 2 + 0.5)[None, :] * res
    ys = oy - (np.arange(side + 6) - 3 + 0.5)[:, None] * res
    t = level.transform
    height, width = level.data.shape
    cols = np.floor((xs - t.c) / t.a).astype(int)
    rows = np.floor((ys - t.f) / t.e).astype(int)
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    r = np.broadcast_to(np.clip(rows, 0, height - 1), inside.shape)
    c = np.broadcast_to(np.clip(cols, 0, width - 1), inside.shape)
    return np.where(inside, level.data[r, c], 0), inside


def test_the_engine_refuses_a_broken_evalscript_at_analysis(world: World) -> None:
    client = world.client
    body = _body(world.collection_id)
    body["processRequest"]["evalscript"] = "//VERSION=3\nfunction setup( {"
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"), timeout=30)
    assert failed["status"] == "FAILED"
    assert "evalscript" in failed["error"].lower() or "syntax" in failed["error"].lower()
    assert client.get(f"/process/{created['id']}/tiles").json()["data"] == []
