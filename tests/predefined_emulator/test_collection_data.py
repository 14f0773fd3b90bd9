"""``--collection-data``: predefined collection types read from a bucket folder of scenes, with
the service's band names, units and data types, on Process, Async Process and Batch; what the
emulator cannot emulate is a 400 naming the field."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.__main__ import parse_args
from sentinelhub_emulator.samples import S2L2A_BOUNDS

from .conftest import SIZE, World, body, read_tiff

NDVI = """//VERSION=3
function setup() {
  return {input: [{bands: ["B04", "B08", "dataMask"]}], output: {bands: 1, sampleType: "FLOAT32"}};
}
function evaluatePixel(s) { return [(s.B08 - s.B04) / (s.B08 + s.B04)]; }
"""


def error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    found: dict[str, Any] = response.json()["error"]
    return found


def test_units_dn_reflectance_and_normalization_factor(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: [{bands: ["B08", "B05", "SCL"], units: %s}],
          output: {bands: 4, sampleType: "FLOAT32"}};
}
function evaluatePixel(s, scenes, inputMetadata) {
  return [s.B08, s.B05, s.SCL, inputMetadata.normalizationFactor];
}
"""
    dn = read_tiff(world.process(body(script % '"DN"')).content)
    np.testing.assert_array_equal(dn[0], world.band(2, "B08"))
    np.testing.assert_array_equal(dn[1], world.band(2, "B05"))  # 20 m, read at 10 m
    np.testing.assert_array_equal(dn[2], world.band(2, "SCL"))
    assert (dn[3] == 1).all()
    default = read_tiff(
        world.process(body(script % '["REFLECTANCE", "REFLECTANCE", "DN"]')).content
    )
    np.testing.assert_array_equal(default[0], (world.band(2, "B08") / 10000).astype(np.float32))
    # SCL is read as stored: the factor is the service's 0.0001 only when every band is S2
    # reflectance.
    assert (default[3] == 1).all()
    only = script.replace(', "SCL"]', "]").replace("s.SCL", "0")
    reflectance = read_tiff(world.process(body(only % '"REFLECTANCE"')).content)
    assert reflectance[3] == pytest.approx(np.full((SIZE, SIZE), 0.0001, dtype=np.float32))


def test_a_unit_the_band_does_not_take_is_refused(world: World) -> None:
    script = NDVI.replace('"dataMask"]', '"dataMask"], units: "KELVIN"')
    found = error(world.process(body(script)))
    assert found["code"] == "RENDERER_EXCEPTION"
    assert "KELVIN" in found["message"]
    assert "B04" in found["message"]


def test_scenes_carry_date_and_cloud_coverage(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B04"], output: {bands: 1}, mosaicking: "TILE"};
}
function evaluatePixel(samples) { return [samples.length]; }
function updateOutputMetadata(scenes, inputMetadata, outputMetadata) {
  outputMetadata.userData = scenes.tiles.map((t) => [t.date, t.cloudCoverage]);
}
"""
    request = body(script, data_filter={"mosaickingOrder": "leastCC"})
    request["output"]["responses"].append(
        {"identifier": "userdata", "format": {"type": "application/json"}}
    )
    response = world.process(request, Accept="application/x-tar")
    assert response.status_code == 200, response.text
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        member = tar.extractfile("userdata.json")
        assert member is not None
        userdata = json.loads(member.read())
    assert userdata == [
        ["2024-05-25T10:00:31Z", 0.0],
        ["2024-05-15T10:00:29Z", 1.89],
        ["2024-05-05T10:00:31Z", 6.02],
    ]


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"collection": "landsat-ot-l2"}, "input->data->0->type"),
        ({"collection": "sentinel-9-l9"}, "input->data->0->type"),
        (
            {"data_filter": {"orbitDirection": "ASCENDING"}},
            "input->data->0->dataFilter->orbitDirection",
        ),
        (
            {"data_filter": {"maxCloudCoverage": 120}},
            "input->data->0->dataFilter->maxCloudCoverage",
        ),
        (
            {"data_filter": {"mosaickingOrder": "cheapest"}},
            "input->data->0->dataFilter->mosaickingOrder",
        ),
        ({"processing": {"harmonizeValues": False}}, "input->data->0->processing->harmonizeValues"),
        (
            {"processing": {"atmosphericCorrection": "SEN2COR"}},
            "input->data->0->processing->atmosphericCorrection",
        ),
    ],
)
def test_what_cannot_be_emulated_is_a_400_naming_the_field(
    world: World, change: dict[str, Any], parameter: str
) -> None:
    found = error(world.process(body(NDVI, **change)))
    assert found["code"] == "COMMON_BAD_PAYLOAD"
    assert [e["parameter"] for e in found["errors"]] == [parameter], found
    if change.get("collection") == "landsat-ot-l2":
        assert "--collection-data landsat-ot-l2=BUCKET/PREFIX" in found["errors"][0]["violation"]


def test_harmonize_values_true_is_what_is_served(world: World) -> None:
    response = world.process(body(NDVI, processing={"harmonizeValues": True}))
    assert response.status_code == 200, response.text
    np.testing.assert_array_equal(read_tiff(response.content)[0], world.ndvi(2))


def test_max_cloud_coverage_without_metadata_is_a_400(world: World, tmp_path: Path) -> None:
    bare = tmp_path / "buckets" / "data" / "l1c"
    for scene in world.scenes:
        for band in ("B04", "B08"):
            target = bare / scene.folder / f"{band}.tif"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(world.root / scene.folder / f"{band}.tif", target)
    with Emulator(tmp_path, collection_data={"sentinel-2-l1c": "data/l1c"}) as emu:
        token = httpx.post(
            emu.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": emu.client_id,
                "client_secret": emu.client_secret,
            },
        ).json()["access_token"]
        post = lambda request: httpx.post(  # noqa: E731
            emu.base_url + "/api/v1/process",
            json=request,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        plain = post(body(NDVI, collection="sentinel-2-l1c"))
        assert plain.status_code == 200, plain.text
        np.testing.assert_array_equal(read_tiff(plain.content)[0], world.ndvi(2))
        found = error(
            post(body(NDVI, collection="sentinel-2-l1c", data_filter={"maxCloudCoverage": 30}))
        )
        assert found["errors"][0]["parameter"] == "input->data->0->dataFilter->maxCloudCoverage"
        assert "cloudCoverage" in found["errors"][0]["violation"]
        found = error(
            post(
                body(NDVI, collection="sentinel-2-l1c", data_filter={"mosaickingOrder": "leastCC"})
            )
        )
        assert found["errors"][0]["parameter"] == "input->data->0->dataFilter->mosaickingOrder"


def test_async_process_reads_the_collection(world: World) -> None:
    request = body(NDVI)
    folder = uuid.uuid4().hex[:8]
    request["output"]["delivery"] = {
        "s3": {"url": f"s3://out/{folder}", "accessKey": "k", "secretAccessKey": "s"}
    }
    headers = {"Authorization": f"Bearer {world.token}"}
    base = world.emulator.base_url + "/api/v1/async/process"
    started = httpx.post(base, json=request, headers=headers)
    assert started.status_code == 200, started.text
    request_id = started.json()["id"]
    deadline = time.monotonic() + 30
    while httpx.get(f"{base}/{request_id}", headers=headers).status_code == 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    written = world.emulator.data_dir / "buckets" / "out" / folder / request_id / "default.tif"
    np.testing.assert_array_equal(read_tiff(written.read_bytes())[0], world.ndvi(2))


def test_batch_v2_reads_the_collection(world: World) -> None:
    request = {
        "processRequest": {
            "input": body(NDVI)["input"],
            "evalscript": NDVI,
        },
        "input": {"type": "tiling-grid", "id": 1, "resolution": 10.0},
        "output": {
            "type": "raster",
            "delivery": {"s3": {"url": f"s3://out/{uuid.uuid4().hex[:8]}"}},
        },
        "description": "predefined",
    }
    url = request["output"]["delivery"]["s3"]["url"]
    with httpx.Client(
        base_url=world.emulator.base_url + "/api/v2/batch",
        headers={"Authorization": f"Bearer {world.token}"},
        timeout=60,
    ) as client:
        created = client.post("/process", json=request)
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]
        assert client.post(f"/process/{request_id}/start").status_code in (200, 204)
        deadline = time.monotonic() + 60
        while (status := client.get(f"/process/{request_id}").json()["status"]) not in (
            "DONE",
            "FAILED",
        ):
            assert time.monotonic() < deadline, status
            time.sleep(0.05)
    assert status == "DONE"
    folder = world.emulator.data_dir / "buckets" / "out" / url.split("/", 3)[3] / request_id
    files = sorted(folder.glob("*/default.tif"))
    assert files
    expected = world.ndvi(2)
    for path in files:
        with rasterio.open(path) as src:
            a, _, c, _, e, f = src.transform[:6]
            col, row = round((S2L2A_BOUNDS[0] - c) / a), round((S2L2A_BOUNDS[3] - f) / e)
            tile = src.read(1)
        # The scene area's pixels of this output tile (NaN where the tile does not reach).
        got = np.full((SIZE, SIZE), np.nan, dtype=np.float32)
        r0, c0 = max(row, 0), max(col, 0)
        r1, c1 = min(row + SIZE, tile.shape[0]), min(col + SIZE, tile.shape[1])
        if r0 < r1 and c0 < c1:
            got[r0 - row : r1 - row, c0 - col : c1 - col] = tile[r0:r1, c0:c1]
        covered = ~np.isnan(got)
        assert covered.any()
        np.testing.assert_array_equal(got[covered], expected[covered])


def test_command_line_flags() -> None:
    args = parse_args(
        [
            "--data-dir",
            "x",
            "--collection-data",
            "dem=terrain/copernicus/",
            "--samples-s2l2a",
            "demo",
        ]
    )
    assert args.collection_data == {
        "dem": "terrain/copernicus",
        "sentinel-2-l2a": "demo/sentinel-2-l2a",
    }
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", "x", "--collection-data", "sentinel-9=b/p"])
    with pytest.raises(ValueError, match="not a predefined collection"):
        Emulator(Path("x"), collection_data={"sentinel-9": "b/p"})
