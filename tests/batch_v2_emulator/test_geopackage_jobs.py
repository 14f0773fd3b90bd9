"""GeoPackage input end to end: one output per feature, at the feature's bounds and size, named
by its identifier; bad packages are a 400 naming input->features."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyogrio.raw
import rasterio
import shapely

from .conftest import BUCKET, FINAL, create, request_body, wait_for


def _package(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    geometries = [
        shapely.box(455_000.0, 5_145_000.0, 457_000.0, 5_146_000.0),
        shapely.box(460_000.0, 5_150_000.0, 460_600.0, 5_150_900.0),
    ]
    pyogrio.raw.write(
        str(path),
        np.array([shapely.to_wkb(g) for g in geometries], dtype=object),
        [
            np.array([7, 9]),
            np.array(["field-a", "field-b"], dtype=object),
            np.array([100, 60]),
            np.array([50, 30]),
        ],
        ["id", "identifier", "width", "height"],
        crs="EPSG:32633",
        geometry_type="Polygon",
        driver="GPKG",
        layer="features",
    )
    return path


def _features_body(folder: str, package: str) -> dict[str, Any]:
    """A request whose features come from the GeoPackage at key ``package`` of the bucket, each
    written under ``folder``."""
    body = request_body(url=f"s3://{BUCKET}/{folder}/<requestId>/<tileName>.<format>")
    del body["processRequest"]["input"]["bounds"]
    body["input"] = {"type": "geopackage", "features": {"s3": {"url": f"s3://{BUCKET}/{package}"}}}
    return body


def test_one_output_per_feature(client: httpx.Client, bucket: Path) -> None:
    _package(bucket / "inputs" / "fields.gpkg")
    created = create(client, _features_body("gpkg", "inputs/fields.gpkg"))
    client.post(f"/process/{created['id']}/start")
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done
    folder = bucket / "gpkg" / created["id"]
    expected = {
        "field-a": (455_000.0, 5_146_000.0, 100, 50, 20.0),
        "field-b": (460_000.0, 5_150_900.0, 60, 30, 10.0),
    }
    for name, (west, north, width, height, res) in expected.items():
        with rasterio.open(folder / f"{name}.tif") as dataset:
            assert (dataset.width, dataset.height) == (width, height)
            assert dataset.crs.to_epsg() == 32633
            x, y = dataset.read(1), dataset.read(2)
        rows, cols = np.mgrid[0:height, 0:width]
        yres = (north - {"field-a": 5_145_000.0, "field-b": 5_150_000.0}[name]) / height
        np.testing.assert_allclose(x, west + (cols + 0.5) * res, atol=1e-6)
        np.testing.assert_allclose(y, north - (rows + 0.5) * yres, atol=1e-6)
    connection = sqlite3.connect(f"{(folder / 'execution.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        rows_db = connection.execute("SELECT id, name, status FROM features ORDER BY id").fetchall()
    finally:
        connection.close()
    assert rows_db == [(7, "field-a", "DONE"), (9, "field-b", "DONE")]


def test_a_broken_package_is_a_400(client: httpx.Client, bucket: Path) -> None:
    (bucket / "inputs").mkdir(exist_ok=True)
    (bucket / "inputs" / "broken.gpkg").write_bytes(b"not a geopackage")
    body = request_body()
    body["input"] = {
        "type": "geopackage",
        "features": {"s3": {"url": f"s3://{BUCKET}/inputs/broken.gpkg"}},
    }
    response = client.post("/process", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["errors"][0]["parameter"].startswith("input->features")


def test_a_package_deleted_after_the_analysis_still_runs_its_features(
    client: httpx.Client, bucket: Path
) -> None:
    # The analysis keeps each feature's bounds and size with its tile: processing reads them
    # there, not the package again.
    package = _package(bucket / "inputs" / "gone.gpkg")
    created = create(client, _features_body("gone", "inputs/gone.gpkg"))
    assert client.post(f"/process/{created['id']}/analyse").status_code in (200, 204)
    assert wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))["status"] == "ANALYSIS_DONE"
    package.unlink()
    assert client.post(f"/process/{created['id']}/start").status_code in (200, 204)
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done
    folder = bucket / "gone" / created["id"]
    for name, (width, height) in {"field-a": (100, 50), "field-b": (60, 30)}.items():
        with rasterio.open(folder / f"{name}.tif") as dataset:
            assert (dataset.width, dataset.height) == (width, height)
