"""An emulator serving the synthetic Sentinel-2 L2A scenes (`write_s2l2a_samples`) as
``sentinel-2-l2a``, and the numpy readings of those files that the tests expect."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
import rasterio
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import (
    S2L2A_BOUNDS,
    S2L2A_EPSG,
    S2Scene,
    write_s2l2a_samples,
)

from tests.support.emulator import fetch_token

BUCKET = "data"
PREFIX = "s2"
UTM_CRS = f"http://www.opengis.net/def/crs/EPSG/0/{S2L2A_EPSG}"
SIZE = 192  # 10 m pixels a side


@dataclass
class World:
    emulator: Emulator
    root: Path  # the folder of the scenes (BUCKET/PREFIX)
    scenes: list[S2Scene]  # oldest first
    token: str

    def band(self, scene: int, name: str) -> npt.NDArray[Any]:
        """A band of a scene at 10 m (coarser bands repeated, as NEAREST reads them)."""
        with rasterio.open(self.root / self.scenes[scene].folder / f"{name}.tif") as src:
            data = src.read(1)
        factor = SIZE // data.shape[0]
        return np.repeat(np.repeat(data, factor, axis=0), factor, axis=1)

    def ndvi(self, scene: int) -> npt.NDArray[np.float32]:
        """NDVI from the files in reflectance (DN / 10000), as a user computes it."""
        red, nir = self.band(scene, "B04") / 10000, self.band(scene, "B08") / 10000
        with np.errstate(divide="ignore", invalid="ignore"):
            return ((nir - red) / (nir + red)).astype(np.float32)

    def process(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return httpx.post(
            self.emulator.base_url + "/api/v1/process",
            json=body,
            headers={"Authorization": f"Bearer {self.token}", **headers},
            timeout=60,
        )


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("predefined")
    root = data_dir / "buckets" / BUCKET / PREFIX
    scenes = write_s2l2a_samples(root)
    with Emulator(
        data_dir, collection_data={"sentinel-2-l2a": f"{BUCKET}/{PREFIX}"}, batch_processes=0
    ) as emu:
        (data_dir / "buckets" / "out").mkdir()
        yield World(emu, root, scenes, fetch_token(emu))


def body(
    evalscript: str,
    *,
    data_filter: dict[str, Any] | None = None,
    processing: dict[str, Any] | None = None,
    collection: str = "sentinel-2-l2a",
    mime: str = "image/tiff",
) -> dict[str, Any]:
    """A Process request over the whole scene area at 10 m, May 2024 unless told otherwise."""
    entry: dict[str, Any] = {
        "type": collection,
        "dataFilter": {
            "timeRange": {"from": "2024-05-01T00:00:00Z", "to": "2024-05-31T23:59:59Z"},
            **(data_filter or {}),
        },
    }
    if processing is not None:
        entry["processing"] = processing
    return {
        "input": {
            "bounds": {"bbox": list(S2L2A_BOUNDS), "properties": {"crs": UTM_CRS}},
            "data": [entry],
        },
        "output": {
            "width": SIZE,
            "height": SIZE,
            "responses": [{"identifier": "default", "format": {"type": mime}}],
        },
        "evalscript": evalscript,
    }


def read_tiff(content: bytes) -> npt.NDArray[Any]:
    with rasterio.MemoryFile(content) as memfile, memfile.open() as src:
        return src.read()
