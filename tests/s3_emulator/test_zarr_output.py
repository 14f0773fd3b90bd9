"""Batch v2 Zarr output into a bucket mapped to S3: the group is staged locally and copied
object by object; downloaded, it reads back with ``zarr`` with every pixel at its centre (the
stand-in renderer's pixels); a non-empty S3 folder is refused at create."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from sentinelhub_emulator.process import engine

from tests.batch_emulator.renderers import CoordinateRenderer
from tests.s3_emulator.conftest import S3World

LAEA = "http://www.opengis.net/def/crs/EPSG/0/3035"
WEST, SOUTH, EAST, NORTH = 4_320_000.0, 3_200_000.0, 4_360_000.0, 3_240_000.0


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> CoordinateRenderer:
    stand_in = CoordinateRenderer()
    monkeypatch.setattr(engine, "render", stand_in)
    return stand_in


def _body(url: str) -> dict[str, Any]:
    return {
        "processRequest": {
            "input": {
                "bounds": {"bbox": [WEST, SOUTH, EAST, NORTH], "properties": {"crs": LAEA}},
                "data": [{"type": "byoc-00000000-0000-0000-0000-000000000000"}],
            },
            "output": {"responses": [{"identifier": "default", "format": {"type": "zarr/array"}}]},
            "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B1'], "
            "output: {bands: 2}}; }\n",
        },
        "input": {"type": "tiling-grid", "id": 7, "resolution": 20},
        "output": {
            "type": "zarr",
            "delivery": {"s3": {"url": url}},
            "group": {"zarr_format": 2},
            "arrayParameters": {
                "dtype": "<f8",
                "order": "C",
                "chunks": [1, 500, 500],
                "fill_value": -1,
            },
        },
    }


def test_a_zarr_group_lands_in_the_s3_bucket(
    s3_world: S3World, renderer: CoordinateRenderer, tmp_path: Path
) -> None:
    url = f"s3://{s3_world.out}/zarr-s3"
    with s3_world.client("/api/v2/batch") as batch:
        response = batch.post("/process", json=_body(url))
        assert response.status_code == 201, response.text
        request_id = response.json()["id"]
        assert batch.post(f"/process/{request_id}/start").status_code == 204
        deadline = time.monotonic() + 60
        while (status := batch.get(f"/process/{request_id}").json())["status"] != "DONE":
            assert status["status"] not in ("FAILED", "STOPPED"), status
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
        again = batch.post("/process", json=_body(url))
    assert again.status_code == 400, again.text
    assert again.json()["error"]["errors"][0]["parameter"] == "output->delivery->s3->url"
    assert "is not empty" in again.json()["error"]["message"]

    s3 = s3_world.server.client()
    keys = [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=s3_world.out, Prefix="zarr-s3/"
        )
        for o in page.get("Contents", [])
    ]
    chunks = {k.rsplit("/", 1)[1] for k in keys if k.startswith("zarr-s3/default/0.")}
    assert len(chunks) == 16  # 2000 x 2000 px in 500 px chunks, band 0
    assert f"zarr-s3/{request_id}/execution.sqlite" in keys
    local = tmp_path / "download"
    for key in keys:
        target = local / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s3_world.server.read(s3_world.out, key))
    group = zarr.open_group(str(local / "zarr-s3"), mode="r", zarr_format=2)
    assert group.attrs["crs"] == "EPSG:3035"
    values = group["default"][:]
    assert values.shape == (2, 2000, 2000)
    rows, cols = np.mgrid[0:2000, 0:2000]
    np.testing.assert_array_equal(values[0], WEST + (cols + 0.5) * 20.0)
    np.testing.assert_array_equal(values[1], NORTH - (rows + 0.5) * 20.0)
    # The staging folder keeps the metadata only.
    staged = s3_world.emulator.data_dir / "batch-v2-zarr" / request_id
    assert (staged / ".zgroup").is_file()
    assert not list((staged / "default").glob("0.*"))
