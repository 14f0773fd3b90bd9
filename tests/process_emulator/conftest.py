"""A small world of BYOC tiles with overlaps and no-data holes, on a running emulator.

Collection ``main`` (uint16 bands B1 and B2, collection noData 0) holds three 256 x 256 tiles of
10 m pixels in UTM 33N on a 512 x 384 canvas, newest first: T3 (2024-01-02 11:00, right half of
the bottom row), T2 (2024-01-02 10:00, the middle, overlapping both others) and T1 (2024-01-01,
bottom left). Each tile has a block of no-data pixels, T2's inside its overlap with T1. Collection
``geo`` has one float32 tile in EPSG:4326 with NaN holes. The tests compute what to expect from
these arrays with numpy, never from the emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.io import MemoryFile
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

UTM = 32633
UTM_CRS = f"http://www.opengis.net/def/crs/EPSG/0/{UTM}"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
RES = 10.0
X0, Y0 = 500_000.0, 5_000_000.0
CANVAS = (X0, Y0, X0 + 512 * RES, Y0 + 384 * RES)  # 512 x 384 pixels
GEO_BOUNDS = (15.0, 45.0, 15.0256, 45.0256)  # 256 x 256 pixels of 0.0001 degrees
DATA_BUCKET = "data"
OUT_BUCKET = "out"


def write_array_cog(
    path: Path,
    data: npt.NDArray[Any],
    *,
    crs: str,
    bounds: tuple[float, float, float, float],
    nodata: float | None = None,
) -> Path:
    """A COG holding exactly ``data`` (bands, rows, cols), 256 px blocks, no overviews."""
    count, height, width = data.shape
    left, bottom, right, top = bounds
    transform = Affine((right - left) / width, 0.0, left, 0.0, -(top - bottom) / height, top)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": data.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as staging:
            staging.write(data)
        with memfile.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256, OVERVIEWS="NONE")
    return path


@dataclass
class Tile:
    name: str
    row: int  # top row on the canvas
    col: int  # left column on the canvas
    sensing: str
    bands: dict[str, npt.NDArray[np.uint16]]

    def footprint(self) -> tuple[slice, slice]:
        return slice(self.row, self.row + 256), slice(self.col, self.col + 256)


@dataclass
class World:
    emulator: Emulator
    token: str
    main_id: str
    geo_id: str
    tiles: list[Tile]  # newest first (mostRecent order)
    geo: npt.NDArray[np.float32]
    data_dir: Path
    out_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, prefix: str = "") -> httpx.Client:
        return httpx.Client(
            base_url=self.emulator.base_url + prefix,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )


def _tile_arrays(seed: int) -> dict[str, npt.NDArray[np.uint16]]:
    rng = np.random.default_rng(seed)
    b1 = rng.integers(1, 1000, size=(256, 256), dtype=np.uint16)
    b2 = rng.integers(1, 60000, size=(256, 256), dtype=np.uint16)
    return {"B1": b1, "B2": b2}


def build_world(emu: Emulator, root: Path) -> World:
    data_dir = root / "buckets" / DATA_BUCKET
    out_dir = root / "buckets" / OUT_BUCKET
    data_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    tiles = [
        Tile("t3", 128, 256, "2024-01-02T11:00:00Z", _tile_arrays(3)),
        Tile("t2", 0, 128, "2024-01-02T10:00:00Z", _tile_arrays(2)),
        Tile("t1", 128, 0, "2024-01-01T10:00:00Z", _tile_arrays(1)),
    ]
    # No-data blocks: T2's lies where it overlaps T1 (canvas rows 140-160, cols 140-170).
    holes = {"t1": (10, 30, 40, 70), "t2": (140, 160, 12, 42), "t3": (100, 120, 100, 120)}
    for tile in tiles:
        r0, r1, c0, c1 = holes[tile.name]
        tile.bands["B1"][r0:r1, c0:c1] = 0
        tile.bands["B2"][r0:r1, c0:c1] = 0
        left = X0 + tile.col * RES
        top = CANVAS[3] - tile.row * RES
        bounds = (left, top - 256 * RES, left + 256 * RES, top)
        for name, band in tile.bands.items():
            write_array_cog(
                data_dir / tile.name / f"{name}.tif", band[None], crs=f"EPSG:{UTM}", bounds=bounds
            )
    rng = np.random.default_rng(9)
    geo = rng.uniform(-1, 1, size=(256, 256)).astype(np.float32)
    geo[50:60, 50:80] = np.nan
    write_array_cog(data_dir / "geo" / "V.tif", geo[None], crs="EPSG:4326", bounds=GEO_BOUNDS)

    token = fetch_token(emu)
    with httpx.Client(
        base_url=emu.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as byoc:

        def collection(name: str, **extra: Any) -> str:
            response = byoc.post(
                "/collections", json={"name": name, "s3Bucket": DATA_BUCKET, **extra}
            )
            assert response.status_code == 201, response.text
            return str(response.json()["data"]["id"])

        main_id = collection("main", noData=0)
        for tile in reversed(tiles):  # created oldest first
            response = byoc.post(
                f"/collections/{main_id}/tiles",
                json={"path": f"{tile.name}/(BAND).tif", "sensingTime": tile.sensing},
            )
            assert response.status_code == 201, response.text
        geo_id = collection("geo")
        response = byoc.post(
            f"/collections/{geo_id}/tiles",
            json={"path": "geo/(BAND).tif", "sensingTime": "2024-01-03T10:00:00Z"},
        )
        assert response.status_code == 201, response.text
        emu.wait_for_ingestion()
        for cid in (main_id, geo_id):
            listed = byoc.get(f"/collections/{cid}/tiles").json()["data"]
            assert all(t["status"] == "INGESTED" for t in listed), listed
    return World(emu, token, main_id, geo_id, tiles, geo, data_dir, out_dir)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("process")
    with Emulator(root) as emu:
        yield build_world(emu, root)


def simple_mosaic(
    tiles: list[Tile], band: str, *, fall_through: bool = False
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """The canvas as SIMPLE mosaicking gives it for tiles in this order: each pixel from the
    first tile whose footprint holds it, no data where that tile has none (or, with
    ``fall_through``, from the first tile that has data)."""
    values = np.zeros((384, 512), dtype=np.float64)
    mask = np.zeros((384, 512), dtype=np.uint8)
    claimed = np.zeros((384, 512), dtype=bool)
    for tile in tiles:
        rows, cols = tile.footprint()
        data = tile.bands[band].astype(np.float64)
        has = tile.bands["B1"] != 0
        free = ~claimed[rows, cols]
        take = free & has if fall_through else free
        values[rows, cols][take & has] = data[take & has]
        mask[rows, cols][take & has] = 1
        claimed[rows, cols] |= has if fall_through else np.ones_like(has)
    return values, mask


def process_body(
    evalscript: str,
    *,
    bbox: tuple[float, ...] = CANVAS,
    crs: str = UTM_CRS,
    size: tuple[int, int] | None = (512, 384),
    responses: list[dict[str, Any]] | None = None,
    data: list[dict[str, Any]] | None = None,
    collection: str | None = None,
    **output: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = dict(output)
    if size is not None:
        out["width"], out["height"] = size
    out["responses"] = responses or [{"identifier": "default", "format": {"type": "image/tiff"}}]
    return {
        "input": {
            "bounds": {"bbox": list(bbox), "properties": {"crs": crs}},
            "data": data or [{"type": f"byoc-{collection}"}],
        },
        "output": out,
        "evalscript": evalscript,
    }


def read_tiff(content: bytes) -> tuple[npt.NDArray[Any], Any]:
    with MemoryFile(content) as memfile, memfile.open() as dataset:
        return dataset.read(), dataset.profile
