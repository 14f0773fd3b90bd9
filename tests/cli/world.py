"""A BYOC collection with one ingested tile of known pixels, made with ``shc`` on the emulator,
for the Process and Batch command tests (`build_world`), and a Process request body over it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from sentinelhub_emulator import Emulator

from tests.cli.conftest import Shc

DATA_BUCKET = "bucket"
OUT_BUCKET = "out"
RES = 10.0
X0, Y0 = 500_100.0, 5_000_100.0  # inside one cell of the 10 km batch grid (33T..._5_...)
SIZE = 64
BOUNDS = (X0, Y0, X0 + SIZE * RES, Y0 + SIZE * RES)
UTM = "http://www.opengis.net/def/crs/EPSG/0/32633"
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B1]; }
"""


def write_band(path: Path, data: np.ndarray[Any, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    transform = Affine(RES, 0.0, BOUNDS[0], 0.0, -RES, BOUNDS[3])
    profile = {
        "driver": "GTiff", "width": SIZE, "height": SIZE, "count": 1, "dtype": "uint16",
        "crs": "EPSG:32633", "transform": transform, "tiled": True, "blockxsize": 256,
        "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(data[None])


def build_world(emulator: Emulator) -> dict[str, Any]:
    """A collection with one ingested tile of known B1 pixels, made with ``shc``."""
    shc = Shc(emulator)
    (shc.bucket(OUT_BUCKET)).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    b1 = rng.integers(1, 60_000, size=(SIZE, SIZE), dtype=np.uint16)
    folder = f"svc/{uuid.uuid4().hex[:8]}"
    write_band(shc.bucket(DATA_BUCKET) / folder / "B1.tif", b1)
    created = shc("collections", "create", "--name", "svc", "--bucket", DATA_BUCKET, "--json")
    collection_id = json.loads(created.stdout)["id"]
    shc("tiles", "create", collection_id, "--path", f"{folder}/(BAND).tif",
        "--sensing-time", "2024-05-01T10:00:00Z")  # fmt: skip
    shc("tiles", "wait", collection_id, "--interval", "0.05", "--timeout", "60")
    return {"collection": collection_id, "b1": b1}


def process_body(world: dict[str, Any], *, evalscript: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "input": {
            "bounds": {"bbox": list(BOUNDS), "properties": {"crs": UTM}},
            "data": [{"type": f"byoc-{world['collection']}"}],
        },
        "output": {
            "width": SIZE,
            "height": SIZE,
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
    }
    if evalscript:
        body["evalscript"] = EVALSCRIPT
    return body
