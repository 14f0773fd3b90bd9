"""Requests rendered at the same time each get their own pixels (and no spurious warnings,
which this suite turns into errors inside the server's threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from rasterio.warp import transform_bounds

from tests.process_emulator.conftest import (
    CANVAS,
    CRS84,
    UTM,
    World,
    process_body,
    read_tiff,
    simple_mosaic,
)

SCRIPT = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "FLOAT32"}}; }
function evaluatePixel(s) { return [s.B1 + %d]; }
"""


def test_concurrent_requests(world: World) -> None:
    b1, _ = simple_mosaic(world.tiles, "B1")
    bbox84 = transform_bounds(f"EPSG:{UTM}", "EPSG:4326", *CANVAS)

    def one(k: int) -> None:
        if k % 2:
            body = process_body(
                SCRIPT % k, collection=world.main_id, bbox=bbox84, crs=CRS84, size=(128, 96)
            )
            body["input"]["data"][0]["processing"] = {"downsampling": "BILINEAR"}
        else:
            body = process_body(SCRIPT % k, collection=world.main_id)
        with world.client() as client:
            response = client.post("/api/v1/process", json=body)
        assert response.status_code == 200, response.text
        pixels, _ = read_tiff(response.content)
        if not k % 2:
            np.testing.assert_array_equal(pixels[0], b1 + k)
        else:
            assert pixels[0].max() > k

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(one, range(18)))
