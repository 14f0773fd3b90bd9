"""Batch v2 jobs with Zarr output on the emulator, rendered by the stand-in renderer (each pixel
holds its own centre in the tile CRS): one group at the delivery URL, one array per output over
the job's tiles on the grid lattice, every pixel the centre computed here from the lattice; the
refusals (400 naming the field) and the analysis failures; stop and restart."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import zarr
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.batch_v2.zarr_job import MAX_ZARR_PIXELS
from sentinelhub_emulator.core.db import DATABASE_FILENAME

from tests.batch_emulator.renderers import CoordinateRenderer

from .conftest import (
    BUCKET,
    FINAL,
    analysed_offline,
    batch_client,
    crash_mid_processing,
    create,
    held_renders,
    request_body,
    wait_for,
)

LAEA = "http://www.opengis.net/def/crs/EPSG/0/3035"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: Four 20 km cells of grid 7 (on its lines): x 4320-4360 km, y 3200-3240 km.
WEST, SOUTH, EAST, NORTH = 4_320_000.0, 3_200_000.0, 4_360_000.0, 3_240_000.0
PARAMS: dict[str, Any] = {"dtype": "<f8", "order": "C", "chunks": [1, 500, 500], "fill_value": -1}


def zarr_body(
    url: str | None = None,
    *,
    bbox: tuple[float, ...] = (WEST, SOUTH, EAST, NORTH),
    crs: str = LAEA,
    grid: int = 7,
    resolution: float = 20.0,
    responses: list[dict[str, Any]] | None = None,
    **output: Any,
) -> dict[str, Any]:
    body = request_body(
        bbox=bbox,
        crs=crs,
        grid=grid,
        resolution=resolution,
        responses=responses
        if responses is not None
        else [
            {"identifier": "x", "format": {"type": "zarr/array"}},
            {"identifier": "default", "format": {"type": "zarr/array"}},
        ],
    )
    body["output"] = {
        "type": "zarr",
        "delivery": {"s3": {"url": url or f"s3://{BUCKET}/zarr-{uuid.uuid4().hex[:8]}"}},
        "group": {"zarr_format": 2},
        "arrayParameters": dict(PARAMS),
        **output,
    }
    return body


def _folder(bucket: Path, body: dict[str, Any], request_id: str) -> Path:
    key = body["output"]["delivery"]["s3"]["url"].split("/", 3)[3]
    return bucket / key.replace("<requestId>", request_id)


def _run(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    created = create(client, body)
    assert client.post(f"/process/{created['id']}/analyse").status_code == 204
    analysed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert analysed["status"] == "ANALYSIS_DONE", analysed["error"]
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    return wait_for(client, created["id"], FINAL, timeout=60)


def _rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _centres(west: float, north: float, res: float, shape: tuple[int, int]) -> tuple[Any, Any]:
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    return west + (cols + 0.5) * res, north - (rows + 0.5) * res


def test_a_zarr_job_writes_one_group_with_every_pixel_at_its_centre(
    client: httpx.Client, bucket: Path
) -> None:
    body = zarr_body(
        group={"zarr_format": 2, "customAttributes": {"copyright": "emulator test"}},
        arrayOverrides={"x": {"dtype": "<f4", "customAttributes": {"units": "m"}}},
    )
    done = _run(client, body)
    assert done["status"] == "DONE", done["error"]
    assert done["completionPercentage"] == 100
    folder = _folder(bucket, body, done["id"])
    group = zarr.open_group(str(folder), mode="r", zarr_format=2)
    assert sorted(group.array_keys()) == ["default", "x"]
    attrs = dict(group.attrs)
    assert attrs["crs"] == "EPSG:3035"
    assert attrs["copyright"] == "emulator test"
    assert attrs["transform"] == [WEST, 20.0, 0.0, NORTH, 0.0, -20.0]
    both, x_only = group["default"], group["x"]
    assert both.shape == (2, 2000, 2000)
    assert x_only.shape == (1, 2000, 2000)
    assert both.chunks == (1, 500, 500)
    assert both.dtype == np.dtype("<f8")
    assert x_only.dtype == np.dtype("<f4")
    assert both.attrs["_ARRAY_DIMENSIONS"] == ["time", "y", "x"]
    assert x_only.attrs["units"] == "m"
    xs, ys = _centres(WEST, NORTH, 20.0, (2000, 2000))
    values = both[:]
    np.testing.assert_array_equal(values[0], xs)
    np.testing.assert_array_equal(values[1], ys)
    np.testing.assert_array_equal(x_only[0], xs.astype("<f4"))
    # The status database and the manifest where raster jobs put them: <folder>/<requestId>/.
    names = {
        name
        for (name,) in _rows(folder / done["id"] / "manifest.sqlite", "SELECT name FROM features")
    }
    assert names == {"E4320N3200", "E4320N3220", "E4340N3200", "E4340N3220"}
    statuses = _rows(folder / done["id"] / "execution.sqlite", "SELECT status FROM features")
    assert sorted(s for (s,) in statuses) == ["DONE"] * 4


def test_a_request_id_template_and_a_bottom_left_origin(client: httpx.Client, bucket: Path) -> None:
    # One 20 km cell; chunks of a whole tile; the y axis from the south.
    body = zarr_body(
        f"s3://{BUCKET}/templated/<requestId>",
        bbox=(WEST + 1000, SOUTH + 1000, WEST + 2000, SOUTH + 2000),
        responses=[{"identifier": "default", "format": {"type": "zarr/array"}}],
        group={"zarr_format": 2, "coordinates": {"origin": "bottomLeft"}},
        arrayParameters={**PARAMS, "chunks": [1, 1000, 1000]},
    )
    done = _run(client, body)
    assert done["status"] == "DONE", done["error"]
    folder = bucket / "templated" / done["id"]
    group = zarr.open_group(str(folder), mode="r", zarr_format=2)
    assert group.attrs["transform"] == [WEST, 20.0, 0.0, SOUTH, 0.0, 20.0]
    values = group["default"][:]
    xs, ys = _centres(WEST, SOUTH + 20_000, 20.0, (1000, 1000))
    np.testing.assert_array_equal(values[0], xs[::-1])
    np.testing.assert_array_equal(values[1], ys[::-1])
    assert values[1, 0, 0] == SOUTH + 10.0
    assert (folder / "execution.sqlite").is_file()


def test_a_geometry_leaves_the_chunks_of_tiles_it_misses_unwritten(
    client: httpx.Client, bucket: Path
) -> None:
    # A triangle over three of the four cells: the fourth is in the arrays' envelope but is
    # no tile, so its chunks are never written and read as fill_value.
    body = zarr_body(responses=[{"identifier": "x", "format": {"type": "zarr/array"}}])
    body["processRequest"]["input"]["bounds"] = {
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [WEST + 1000, SOUTH + 1000],
                    [EAST - 1000, NORTH - 1000],
                    [WEST + 1000, NORTH - 1000],
                    [WEST + 1000, SOUTH + 1000],
                ]
            ],
        },
        "properties": {"crs": LAEA},
    }
    done = _run(client, body)
    assert done["status"] == "DONE", done["error"]
    folder = _folder(bucket, body, done["id"])
    values = zarr.open_group(str(folder), mode="r", zarr_format=2)["x"][:]
    assert values.shape == (1, 2000, 2000)
    xs, _ = _centres(WEST, NORTH, 20.0, (2000, 2000))
    missed = np.zeros((2000, 2000), dtype=bool)
    missed[1000:, 1000:] = True  # the south-east cell, E4340N3200
    np.testing.assert_array_equal(values[0][missed], -1.0)
    np.testing.assert_array_equal(values[0][~missed], xs[~missed])
    assert not (folder / "x" / "0.3.3").exists()
    assert (folder / "x" / "0.0.0").exists()


def test_sentinelhub_py_spelling_array_parameter_is_read(
    client: httpx.Client, bucket: Path
) -> None:
    body = zarr_body(
        bbox=(WEST + 1000, SOUTH + 1000, WEST + 2000, SOUTH + 2000),
        responses=[{"identifier": "default", "format": {"type": "zarr/array"}}],
    )
    body["output"]["arrayParameter"] = body["output"].pop("arrayParameters")
    done = _run(client, body)
    assert done["status"] == "DONE", done["error"]
    array = zarr.open_group(str(_folder(bucket, body, done["id"])), mode="r")["default"]
    assert array.dtype == np.dtype("<f8")


def _refusal(client: httpx.Client, body: dict[str, Any]) -> tuple[str, str]:
    response = client.post("/process", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    return error["errors"][0]["parameter"], error["message"]


def _drop(body: dict[str, Any], key: str) -> dict[str, Any]:
    del body["output"]["arrayParameters"][key]
    return body


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            zarr_body(
                responses=[
                    {"identifier": "x", "format": {"type": "zarr/array"}},
                    {"identifier": "default", "format": {"type": "image/tiff"}},
                ]
            ),
            "processRequest->output->responses->1->format->type",
            "must be of format zarr/array",
        ),
        (
            {**zarr_body(), "processRequest": request_body()["processRequest"]},
            "processRequest->output->responses",
            "Zarr output needs responses",
        ),
        (
            zarr_body(
                bbox=(455_000.0, 5_145_000.0, 465_000.0, 5_155_000.0),
                crs=request_body()["processRequest"]["input"]["bounds"]["properties"]["crs"],
                grid=1,
            ),
            "input->id",
            "3 (WGS84 1 degree), 6 (LAEA 100km), 7 (LAEA 20km)",
        ),
        (_drop(zarr_body(), "dtype"), "output->arrayParameters->dtype", "has no dtype"),
        (_drop(zarr_body(), "chunks"), "output->arrayParameters->chunks", "has no chunks"),
        (_drop(zarr_body(), "fill_value"), "output->arrayParameters->fill_value", "no fill_value"),
        (
            zarr_body(arrayParameters={**PARAMS, "chunks": [1, 300, 300]}),
            "output->arrayParameters->chunks",
            "evenly divide the tile raster size 1000 x 1000",
        ),
        (
            zarr_body(arrayParameters={**PARAMS, "dtype": "<i8"}),
            "output->arrayParameters->dtype",
            "is not supported",
        ),
        (
            zarr_body(group={"zarr_format": 3}),
            "output->group->zarr_format",
            "must be 2",
        ),
        (
            zarr_body(arrayOverrides={"nope": {"dtype": "<f4"}}),
            "output->arrayOverrides->nope",
            "not an output",
        ),
        (
            zarr_body(f"s3://{BUCKET}/z/<tileName>"),
            "output->delivery->s3->url",
            "only <requestId>",
        ),
        (zarr_body(f"s3://{BUCKET}"), "output->delivery->s3->url", "must name a folder"),
        (
            {
                **zarr_body(),
                "input": {"type": "tiling-grid", "id": 7, "resolution": 20, "bufferX": 2},
            },
            "input->bufferX",
            "must be 0 with Zarr output",
        ),
        (
            {
                **zarr_body(),
                "input": {
                    "type": "geopackage",
                    "features": {"s3": {"url": f"s3://{BUCKET}/a.gpkg"}},
                },
            },
            "input->type",
            "needs tiling-grid input",
        ),
        (
            # WGS84 grid: eleven 1-degree cells at 0.0001 degree are 110000 x 10000 px.
            zarr_body(
                bbox=(0.0, 45.0, 11.0, 46.0),
                crs=CRS84,
                grid=3,
                resolution=0.0001,
                arrayParameters={**PARAMS, "chunks": [1, 1000, 1000]},
            ),
            "processRequest->input->bounds",
            f"at most {MAX_ZARR_PIXELS} px per array",
        ),
        (
            {
                **request_body(
                    responses=[{"identifier": "default", "format": {"type": "zarr/array"}}]
                )
            },
            "processRequest->output->responses->0->format->type",
            'need Zarr output: output.type "zarr"',
        ),
    ],
    ids=[
        "a-tiff-response",
        "no-responses",
        "utm-grid",
        "no-dtype",
        "no-chunks",
        "no-fill-value",
        "chunks-not-dividing",
        "dtype",
        "zarr-format-3",
        "override-of-no-output",
        "tile-placeholder",
        "bucket-root",
        "buffer",
        "geopackage",
        "wgs84-too-large",
        "zarr-response-raster-output",
    ],
)
def test_bad_zarr_requests_are_400_naming_the_field(
    client: httpx.Client, body: dict[str, Any], field: str, words: str
) -> None:
    parameter, message = _refusal(client, body)
    assert parameter == field, message
    assert words in message


def test_a_wgs84_job_within_the_limit_is_accepted(client: httpx.Client) -> None:
    body = zarr_body(
        bbox=(13.2, 45.2, 13.4, 45.4),
        crs=CRS84,
        grid=3,
        resolution=0.0002,
        arrayParameters={**PARAMS, "chunks": [1, 1000, 1000]},
    )
    created = create(client, body)
    assert created["status"] == "CREATED"


def test_a_delivery_folder_holding_files_is_refused(client: httpx.Client, bucket: Path) -> None:
    taken = bucket / "taken-zarr"
    (taken / "old").mkdir(parents=True)
    (taken / ".zgroup").write_text('{"zarr_format": 2}')
    parameter, message = _refusal(client, zarr_body(f"s3://{BUCKET}/taken-zarr"))
    assert parameter == "output->delivery->s3->url"
    assert "is not empty" in message
    (taken / ".zgroup").unlink()
    parameter, _ = _refusal(client, zarr_body(f"s3://{BUCKET}/taken-zarr"))  # a sub-folder
    assert parameter == "output->delivery->s3->url"
    (taken / "old").rmdir()
    assert create(client, zarr_body(f"s3://{BUCKET}/taken-zarr"))["status"] == "CREATED"


def test_files_arriving_before_the_analysis_fail_it(client: httpx.Client, bucket: Path) -> None:
    body = zarr_body(f"s3://{BUCKET}/late-files")
    created = create(client, body)
    (bucket / "late-files").mkdir()
    (bucket / "late-files" / ".zattrs").write_text("{}")
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert failed["status"] == "FAILED"
    assert failed["error"].startswith("output->delivery: ")
    assert "not empty" in failed["error"]


def test_a_dtype_that_cannot_hold_the_evalscript_output_fails_the_analysis(
    client: httpx.Client,
) -> None:
    # The stand-in renderer's outputs are floating point: |u1 cannot hold them.
    body = zarr_body(arrayParameters={**PARAMS, "dtype": "|u1", "fill_value": 0})
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert failed["status"] == "FAILED"
    assert failed["error"].startswith("output->arrayParameters->dtype: ")
    assert "cannot hold sampleType FLOAT32" in failed["error"]


def test_stop_while_processing(
    client: httpx.Client, bucket: Path, renderer: CoordinateRenderer
) -> None:
    body = zarr_body()
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    wait_for(client, created["id"], ("ANALYSIS_DONE",))
    with held_renders(renderer):
        client.post(f"/process/{created['id']}/start")
        assert renderer.waiting.wait(10)
        assert client.post(f"/process/{created['id']}/stop").status_code == 204
    stopped = wait_for(client, created["id"], FINAL)
    assert stopped["status"] == "STOPPED"
    assert stopped["stoppedStatusReason"] == "USER_ACTION"
    folder = _folder(bucket, body, created["id"])
    group = zarr.open_group(str(folder), mode="r", zarr_format=2)
    assert group["default"].shape == (2, 2000, 2000)
    statuses = _rows(folder / created["id"] / "execution.sqlite", "SELECT status FROM features")
    assert {s for (s,) in statuses} <= {"PENDING", "DONE"}
    assert client.post(f"/process/{created['id']}/start").status_code == 409


def test_a_zarr_job_caught_processing_resumes(tmp_path: Path, renderer: CoordinateRenderer) -> None:
    root = tmp_path / "emu"
    bucket = root / "buckets" / BUCKET
    bucket.mkdir(parents=True)
    body = zarr_body(responses=[{"identifier": "default", "format": {"type": "zarr/array"}}])
    created, token = analysed_offline(root, body)
    # What a kill -9 in the middle of processing leaves: one tile done, one being
    # rendered, two waiting.
    crash_mid_processing(root, created["id"])
    renders_before = len(renderer.calls)
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done["error"]
    assert len(renderer.calls) - renders_before == 3
    folder = _folder(bucket, body, created["id"])
    values = zarr.open_group(str(folder), mode="r", zarr_format=2)["default"][:]
    xs, ys = _centres(WEST, NORTH, 20.0, (2000, 2000))
    # names sort E4320N3200, E4320N3220, E4340N3200, E4340N3220: the first (south-west) was
    # "done" before the crash without being written, so it holds fill_value; the rest is whole.
    written = np.ones((2000, 2000), dtype=bool)
    written[1000:, :1000] = False
    np.testing.assert_array_equal(values[0][written], xs[written])
    np.testing.assert_array_equal(values[1][written], ys[written])
    np.testing.assert_array_equal(values[0][~written], -1.0)
    statuses = _rows(folder / created["id"] / "execution.sqlite", "SELECT status FROM features")
    assert sorted(s for (s,) in statuses) == ["DONE"] * 4


def test_a_zarr_job_caught_analysing_after_its_group_was_made_is_analysed_again(
    tmp_path: Path, renderer: CoordinateRenderer
) -> None:
    root = tmp_path / "emu"
    bucket = root / "buckets" / BUCKET
    bucket.mkdir(parents=True)
    body = zarr_body(responses=[{"identifier": "default", "format": {"type": "zarr/array"}}])
    created, token = analysed_offline(root, body)
    folder = _folder(bucket, body, created["id"])
    assert (folder / ".zgroup").is_file()
    assert (folder / created["id"] / "manifest.sqlite").is_file()
    # What a kill -9 after the group and the manifest were written, before the analysis was
    # recorded, leaves: the request ANALYSING without tiles, its group in the folder.
    with sqlite3.connect(root / DATABASE_FILENAME) as conn:
        conn.execute("DELETE FROM batch_v2_tiles WHERE request_id = ?", (created["id"],))
        conn.execute(
            "UPDATE batch_v2_requests SET status = 'ANALYSING', user_action = 'START' WHERE id = ?",
            (created["id"],),
        )
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done["error"]
    values = zarr.open_group(str(folder), mode="r", zarr_format=2)["default"][:]
    xs, ys = _centres(WEST, NORTH, 20.0, (2000, 2000))
    np.testing.assert_array_equal(values[0], xs)
    np.testing.assert_array_equal(values[1], ys)


def test_two_requests_created_for_one_empty_folder_do_not_share_it(client: httpx.Client) -> None:
    url = f"s3://{BUCKET}/shared-{uuid.uuid4().hex[:6]}"
    first, second = create(client, zarr_body(url)), create(client, zarr_body(url))
    client.post(f"/process/{first['id']}/analyse")
    assert wait_for(client, first["id"], ("ANALYSIS_DONE", "FAILED"))["status"] == "ANALYSIS_DONE"
    client.post(f"/process/{second['id']}/analyse")
    failed = wait_for(client, second["id"], ("ANALYSIS_DONE", "FAILED"))
    assert failed["status"] == "FAILED"
    assert failed["error"].startswith("output->delivery: ")


def test_a_wgs84_job_is_analysed_but_its_tiles_are_too_large_to_start(
    client: httpx.Client,
) -> None:
    body = zarr_body(
        bbox=(13.2, 45.2, 13.4, 45.4),
        crs=CRS84,
        grid=3,
        resolution=0.0002,
        arrayParameters={**PARAMS, "chunks": [1, 1000, 1000]},
    )
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    analysed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert analysed["status"] == "ANALYSIS_DONE", analysed["error"]
    refused = client.post(f"/process/{created['id']}/start")
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["errors"][0]["parameter"] == "input->resolution"
    assert "5000x5000 px" in error["message"]
