"""Output files: georeferencing checked pixel by pixel, chunked rendering, COG layout, path
templates, JSON outputs, skipExisting / overwrite, and paths that would leave the bucket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
from sentinelhub_emulator.batch import processing

from .conftest import BUCKET, all_tiles, create, request_body, wait_for
from .renderers import CoordinateRenderer, pixel_centres

FINAL = ("DONE", "PARTIAL", "FAILED", "CANCELED")


def _run(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    created = create(client, body)
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    finished = wait_for(client, created["id"], FINAL)
    assert finished["status"] == "DONE", (finished["error"], all_tiles(client, created["id"]))
    return finished


def test_every_pixel_is_where_the_file_says(
    client: httpx.Client,
    bucket: Path,
    renderer: CoordinateRenderer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chunks of at most 300 px: a 500 px tile (+ 2 x 4 px buffer) renders as 2 x 2 chunks.
    monkeypatch.setattr(processing, "CHUNK_PX", 300)
    before = len(renderer.calls)
    body = request_body()
    body["tilingGrid"].update(bufferX=4, bufferY=4)
    done = _run(client, body)
    tiles = all_tiles(client, done["id"])
    assert len(tiles) == 4
    sizes = {(c["output"]["width"], c["output"]["height"]) for c in renderer.calls[before + 1 :]}
    assert sizes == {(254, 254)}
    for tile in tiles:
        with rasterio.open(bucket / "out" / done["id"] / tile["name"] / "default.tif") as ds:
            assert (ds.width, ds.height) == (508, 508)
            assert ds.res == (20.0, 20.0)
            x, y = pixel_centres(ds)
            data = ds.read()
            ox, oy = tile["origin"]["coordinates"]
            assert ds.bounds.left == ox - 80
            assert ds.bounds.top == oy + 80
        np.testing.assert_allclose(data[0], x, rtol=0, atol=1e-6)
        np.testing.assert_allclose(data[1], y, rtol=0, atol=1e-6)


def test_cog_output_with_parameters(client: httpx.Client, bucket: Path) -> None:
    body = request_body(
        responses=[{"identifier": "x", "format": {"type": "image/tiff"}}],
        output={
            "defaultTilePath": f"s3://{BUCKET}/cogs/<tileName>-<outputId>.<format>",
            "cogOutput": True,
            "cogParameters": {"blockxsize": 256, "blockysize": 256, "overviewLevels": [2, 4]},
        },
    )
    done = _run(client, body)
    for tile in all_tiles(client, done["id"]):
        path = bucket / "cogs" / f"{tile['name']}-x.tif"
        with rasterio.open(path) as ds:
            assert ds.block_shapes == [(256, 256)]
            assert ds.overviews(1) == [2, 4]
            assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            x, _ = pixel_centres(ds)
            np.testing.assert_allclose(ds.read(1), x, rtol=0, atol=1e-6)


def test_default_cog_blocks_are_1024(client: httpx.Client, bucket: Path) -> None:
    done = _run(
        client, request_body(output={"defaultTilePath": f"s3://{BUCKET}", "cogOutput": True})
    )
    tile = all_tiles(client, done["id"])[0]
    with rasterio.open(bucket / done["id"] / tile["name"] / "default.tif") as ds:
        assert set(ds.block_shapes) == {(1024, 1024)}
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"


def test_templates_per_output_paths_and_json(client: httpx.Client, bucket: Path) -> None:
    body = request_body(
        responses=[
            {"identifier": "x", "format": {"type": "image/tiff"}},
            {"identifier": "userdata", "format": {"type": "application/json"}},
        ],
        output={
            "defaultTilePath": f"s3://{BUCKET}/t/<requestId>/<tileId>/<outputId>.<format>",
            "responses": [
                {"identifier": "userdata", "tilePath": f"s3://{BUCKET}/meta/<tileName>.json"}
            ],
        },
    )
    done = _run(client, body)
    for tile in all_tiles(client, done["id"]):
        assert (bucket / "t" / done["id"] / str(tile["id"]) / "x.tif").is_file()
        assert json.loads((bucket / "meta" / f"{tile['name']}.json").read_bytes()) == {"norm": 1}


def test_bucket_name_means_the_default_layout_at_the_bucket_root(
    client: httpx.Client, bucket: Path
) -> None:
    body = request_body()
    del body["output"]
    body["bucketName"] = BUCKET
    done = _run(client, body)
    assert done["output"]["defaultTilePath"] == f"s3://{BUCKET}"
    names = {t["name"] for t in all_tiles(client, done["id"])}
    assert {p.name for p in (bucket / done["id"]).iterdir()} == names


def test_existing_files_fail_the_analysis_unless_overwrite_or_skip(
    client: httpx.Client, bucket: Path, renderer: CoordinateRenderer
) -> None:
    template = f"s3://{BUCKET}/fixed/<tileName>/<outputId>.<format>"
    _run(client, request_body(output={"defaultTilePath": template}))
    # The same paths again: refused without overwrite or skipExisting.
    again = create(client, request_body(output={"defaultTilePath": template}))
    client.post(f"/process/{again['id']}/start")
    failed = wait_for(client, again["id"], FINAL)
    assert failed["status"] == "FAILED"
    assert "already exist" in failed["error"]
    # skipExisting: nothing is rendered but the analysis probe.
    calls = len(renderer.calls)
    skipped = _run(client, request_body(output={"defaultTilePath": template, "skipExisting": True}))
    assert len(renderer.calls) == calls + 1
    assert all(t["cost"] == 0 for t in all_tiles(client, skipped["id"]))
    # overwrite: rendered and written again.
    target = next((bucket / "fixed").glob("*/default.tif"))
    target.write_bytes(b"stale")
    _run(client, request_body(output={"defaultTilePath": template, "overwrite": True}))
    with rasterio.open(target) as ds:
        assert ds.count == 2


@pytest.mark.parametrize(
    ("output", "parameter"),
    [
        ({"defaultTilePath": f"s3://{BUCKET}/../escape"}, "output->defaultTilePath"),
        ({"defaultTilePath": f"s3://{BUCKET}/a/<tileName>/../../../x"}, "output->defaultTilePath"),
        ({"defaultTilePath": "s3://../etc"}, "output->defaultTilePath"),
        ({"defaultTilePath": "s3://missing-bucket/out"}, "output->defaultTilePath"),
        ({"defaultTilePath": "/tmp/out"}, "output->defaultTilePath"),
        ({"defaultTilePath": f"s3://{BUCKET}/<outputId>.tif"}, "output->defaultTilePath"),
        ({"defaultTilePath": f"s3://{BUCKET}/<tileName>/<bogus>"}, "output->defaultTilePath"),
        ({"overwrite": True}, "output"),
        ({"defaultTilePath": f"s3://{BUCKET}", "createCollection": True}, "output->cogOutput"),
        (
            {
                "defaultTilePath": f"s3://{BUCKET}",
                "cogOutput": True,
                "cogParameters": {"blockxsize": 100},
            },
            "output->cogParameters->blockxsize",
        ),
        (
            {"defaultTilePath": f"s3://{BUCKET}", "cogParameters": {"blockxsize": 256}},
            "output->cogParameters",
        ),
    ],
)
def test_bad_outputs_are_refused_naming_the_field(
    client: httpx.Client, bucket: Path, output: dict[str, Any], parameter: str
) -> None:
    response = client.post("/process", json=request_body(output=output))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["errors"][0]["parameter"] == parameter
    assert not (bucket.parent / "escape").exists()


def test_several_outputs_need_output_id_in_a_template(client: httpx.Client) -> None:
    body = request_body(
        responses=[
            {"identifier": "x", "format": {"type": "image/tiff"}},
            {"identifier": "y", "format": {"type": "image/tiff"}},
        ],
        output={"defaultTilePath": f"s3://{BUCKET}/<tileName>.tif"},
    )
    response = client.post("/process", json=body)
    assert response.status_code == 400
    assert "outputId" in response.json()["error"]["message"]
