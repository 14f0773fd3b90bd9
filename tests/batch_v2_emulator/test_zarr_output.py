"""batch_v2/zarr_output: planning, creating and writing the Zarr output of a Batch v2 job."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from sentinelhub_emulator.batch_v2.zarr_output import (
    ZarrOutputError,
    create_group,
    plan_zarr,
    window_of,
    write_tile,
)

PARAMS = {"dtype": "<i2", "order": "C", "chunks": [1, 4, 4], "fill_value": -9}
OUTPUTS = [("ndvi", 2, "INT16"), ("mask", 1, "UINT8")]
BOUNDS = (0.0, 0.0, 16.0, 16.0)


def output(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "zarr",
        "group": {"zarr_format": 2, "customAttributes": {"copyright": "me"}},
        "arrayParameters": dict(PARAMS),
        "arrayOverrides": {
            "mask": {"dtype": "|u1", "fill_value": 0, "customAttributes": {"units": "1"}}
        },
    }
    body.update(changes)
    return body


def test_group_written_from_threads_reads_back(tmp_path: Path) -> None:
    plan = plan_zarr(output(), OUTPUTS, BOUNDS, 1.0, 3035, (8, 8))
    root = tmp_path / "zarr"
    create_group(plan, root, now=datetime(2024, 1, 2, tzinfo=UTC))
    create_group(plan, root)  # idempotent
    tiles = {
        (0, 0): 1,
        (0, 8): 2,
        (10, 0): 3,
    }  # (row, col) -> value; (10, 0) is not chunk-aligned
    rng = np.random.default_rng(0)
    data = {key: rng.integers(-100, 100, size=(2, 4 if key[0] == 10 else 8, 8)) for key in tiles}

    def job(key: tuple[int, int]) -> None:
        write_tile(plan, root, "ndvi", data[key], key[0], key[1])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(job, list(tiles)))
    group = zarr.open_group(str(root), mode="r")
    ndvi = group["ndvi"]
    assert isinstance(ndvi, zarr.Array)
    assert ndvi.dtype == np.dtype("<i2")
    assert ndvi.chunks == (1, 4, 4)
    assert ndvi.fill_value == -9
    expected = np.full((2, 16, 16), -9, dtype="<i2")
    for (row, col), tile in data.items():
        expected[:, row : row + tile.shape[1], col : col + tile.shape[2]] = tile
    np.testing.assert_array_equal(ndvi[:], expected)
    assert dict(ndvi.attrs) == {"_ARRAY_DIMENSIONS": ["time", "y", "x"]}
    mask = group["mask"]
    assert isinstance(mask, zarr.Array)
    assert mask.dtype == np.dtype("u1")
    assert dict(mask.attrs)["units"] == "1"
    assert not (root / "mask" / "0.0.0").exists()  # nothing written: fill value only
    attrs = dict(group.attrs)
    assert attrs["copyright"] == "me"
    assert attrs["crs"] == "EPSG:3035"
    assert attrs["transform"] == [0.0, 1.0, 0.0, 16.0, 0.0, -1.0]
    assert attrs["date_created"] == "2024-01-02T00:00:00Z"
    assert (root / ".zmetadata").exists()
    assert window_of(plan, (8.0, 8.0, 16.0, 16.0)) == (0, 8)


def test_bottom_left_origin_flips_rows(tmp_path: Path) -> None:
    body = output(
        group={"zarr_format": 2, "coordinates": {"origin": "bottomLeft"}}, arrayOverrides={}
    )
    plan = plan_zarr(body, [("ndvi", 1, "INT16")], (0.0, 0.0, 8.0, 8.0), 1.0, 4326, (8, 8))
    create_group(plan, tmp_path)
    tile = np.arange(64).reshape(1, 8, 8)
    write_tile(plan, tmp_path, "ndvi", tile, 0, 0)
    stored = zarr.open_array(str(tmp_path / "ndvi"), mode="r")
    np.testing.assert_array_equal(stored[:], tile[:, ::-1, :])
    assert dict(stored.attrs)["_ARRAY_DIMENSIONS"] == ["time", "lat", "lon"]


def test_delivery_folder_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "other.txt").write_text("x")
    plan = plan_zarr(output(), OUTPUTS, BOUNDS, 1.0, 3035, (8, 8))
    with pytest.raises(ZarrOutputError, match="is not empty") as caught:
        create_group(plan, tmp_path)
    assert caught.value.field == "output->delivery"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"group": {"zarr_format": 3}}, "output->group->zarr_format", "must be 2"),
        ({"group": None}, "output->group", "output.group is required"),
        (
            {"group": {"zarr_format": 2, "coordinates": {"origin": "center"}}},
            "output->group->coordinates->origin",
            "topLeft or bottomLeft",
        ),
        (
            {"arrayParameters": {**PARAMS, "dtype": "<i8"}},
            "output->arrayParameters->dtype",
            "is not supported",
        ),
        (
            {"arrayParameters": {**PARAMS, "dtype": "|i1"}},
            "output->arrayParameters->dtype",
            "cannot hold sampleType INT16",
        ),
        (
            {"arrayParameters": {**PARAMS, "order": "F"}},
            "output->arrayParameters->order",
            'only "C" is',
        ),
        (
            {"arrayParameters": {**PARAMS, "chunks": [2, 4, 4]}},
            "output->arrayParameters->chunks",
            "(time) of array 'ndvi' must be 1",
        ),
        (
            {"arrayParameters": {**PARAMS, "chunks": [1, 3, 4]}},
            "output->arrayParameters->chunks",
            "must evenly divide the tile raster size",
        ),
        (
            {"arrayParameters": {**PARAMS, "fill_value": 70000}},
            "output->arrayParameters->fill_value",
            "not representable by dtype <i2",
        ),
        (
            {"arrayParameters": {**PARAMS, "fill_value": float("inf")}},
            "output->arrayParameters->fill_value",
            "not representable by dtype <i2",
        ),
        (
            {"arrayParameters": {**PARAMS, "dtype": "<f4", "fill_value": 1e300}},
            "output->arrayParameters->fill_value",
            "not representable by dtype <f4",
        ),
        (
            {"arrayParameters": {**PARAMS, "compressor": {"id": "nope"}}},
            "output->arrayParameters->compressor",
            "is not usable",
        ),
        (
            {"arrayParameters": {**PARAMS, "filters": []}},
            "output->arrayParameters->filters",
            "unknown field(s) filters",
        ),
        (
            {"arrayParameters": {"dtype": "<f4", "order": "C"}},
            "output->arrayParameters->chunks",
            "Array 'ndvi' has no chunks",
        ),
        ({"arrayOverrides": {"other": {}}}, "output->arrayOverrides->other", "not an output"),
    ],
)
def test_refusals(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ZarrOutputError) as caught:
        plan_zarr(output(**changes), OUTPUTS, BOUNDS, 1.0, 3035, (8, 8))
    assert caught.value.field == field
    assert message in caught.value.message


def test_grid_crs_refused() -> None:
    with pytest.raises(ZarrOutputError, match="only WGS84"):
        plan_zarr(output(), OUTPUTS, BOUNDS, 1.0, 32633, (8, 8))


def test_misspelt_array_parameter_key_is_read() -> None:
    body = output()
    body["arrayParameter"] = body.pop("arrayParameters")
    plan = plan_zarr(body, OUTPUTS, BOUNDS, 1.0, 3035, (8, 8))
    assert plan.array("ndvi").dtype == "<i2"


def test_order_defaults_to_c() -> None:
    body = output()
    del body["arrayParameters"]["order"]
    plan = plan_zarr(body, OUTPUTS, BOUNDS, 1.0, 3035, (8, 8))
    assert plan.array("ndvi").dtype == "<i2"
