"""What lands in the bucket: pixels at their coordinates (buffers included), COG layout from
cogParameters, overwrite and skipExisting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import numpy as np
import rasterio

from .conftest import BUCKET, FINAL, create, job_folder, request_body, wait_for


def _manifest(folder: Path) -> list[tuple[str, float, float, int, int]]:
    connection = sqlite3.connect(f"{(folder / 'manifest.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name, west, north, width_px, height_px FROM features ORDER BY name"
        ).fetchall()
    finally:
        connection.close()
    return [(str(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4])) for r in rows]


def _run(client: httpx.Client, body: dict[str, object]) -> dict[str, object]:
    created = create(client, body)
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(client, str(created["id"]), FINAL)
    assert done["status"] == "DONE", done
    return done


def test_each_pixel_holds_its_own_centre_with_buffers(client: httpx.Client, bucket: Path) -> None:
    body = request_body(buffer=(3, 5))
    done = _run(client, body)
    folder = job_folder(bucket, body, str(done["id"]))
    tiles = _manifest(folder)
    assert len(tiles) == 4
    res = 20.0
    for name, west, north, width, height in tiles:
        assert (width, height) == (500 + 6, 500 + 10)
        with rasterio.open(folder / name / "default.tif") as dataset:
            assert dataset.crs.to_epsg() == 32633
            assert (dataset.width, dataset.height) == (width, height)
            x, y = dataset.read(1), dataset.read(2)
        rows, cols = np.mgrid[0:height, 0:width]
        expected_x = west - 3 * res + (cols + 0.5) * res
        expected_y = north + 5 * res - (rows + 0.5) * res
        np.testing.assert_allclose(x, expected_x, rtol=0, atol=1e-6)
        np.testing.assert_allclose(y, expected_y, rtol=0, atol=1e-6)


def test_cog_parameters_shape_the_files(client: httpx.Client, bucket: Path) -> None:
    body = request_body(
        cogOutput=True,
        cogParameters={
            "blockxsize": 128,
            "blockysize": 128,
            "overviewLevels": [2, 4, 8],
            "resamplingAlgorithm": "nearest",
            "usePredictor": False,
        },
    )
    done = _run(client, body)
    folder = job_folder(bucket, body, str(done["id"]))
    for path in folder.glob("*/default.tif"):
        with rasterio.open(path) as dataset:
            assert dataset.block_shapes == [(128, 128), (128, 128)]
            assert dataset.overviews(1) == [2, 4, 8]
            assert dataset.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert dataset.tags(ns="IMAGE_STRUCTURE").get("PREDICTOR") in (None, "1")
            full = dataset.read(1)
            overview = dataset.read(1, out_shape=(full.shape[0] // 2, full.shape[1] // 2))
        # nearest: every overview pixel is one of the full-resolution pixels
        assert np.isin(overview, full).all()


def test_cog_defaults_use_256_blocks_and_a_predictor(client: httpx.Client, bucket: Path) -> None:
    body = request_body(cogOutput=True)
    done = _run(client, body)
    folder = job_folder(bucket, body, str(done["id"]))
    path = next(folder.glob("*/default.tif"))
    with rasterio.open(path) as dataset:
        assert dataset.block_shapes == [(256, 256), (256, 256)]
        assert dataset.tags(ns="IMAGE_STRUCTURE").get("PREDICTOR") == "3"
        assert dataset.overviews(1) == [2]  # 500 px down to the 256 px block


def test_existing_outputs_fail_unless_overwrite_or_skip(client: httpx.Client, bucket: Path) -> None:
    url = f"s3://{BUCKET}/fixed/<tileName>.<format>"
    first = _run(client, request_body(url=url))
    names = sorted(p.name for p in (bucket / "fixed").glob("*.tif"))
    assert len(names) == 4
    marker = bucket / "fixed" / names[0]
    marker.write_bytes(b"kept by skipExisting")
    clash = create(client, request_body(url=url))
    client.post(f"/process/{clash['id']}/start")
    failed = wait_for(client, clash["id"], FINAL)
    assert failed["status"] == "FAILED"
    assert "already exist" in str(failed["error"])
    _run(client, request_body(url=url, skipExisting=True))
    assert marker.read_bytes() == b"kept by skipExisting"
    _run(client, request_body(url=url, overwrite=True))
    with rasterio.open(marker) as dataset:
        assert dataset.count == 2
    assert first["status"] == "DONE"
