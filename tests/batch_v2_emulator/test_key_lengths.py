"""v2 output keys are checked at create: a delivery URL whose keys could exceed 255 bytes in one
part or 1,024 bytes in all is a 400 naming ``output->delivery->s3->url``; with GeoPackage input
``<tileName>`` is checked at the package's longest identifier."""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pyogrio.raw
import pytest
import shapely

from .conftest import BUCKET, request_body

FIELD = "output->delivery->s3->url"


def _parameters(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    return [e["parameter"] for e in error.get("errors", [])]


@pytest.mark.parametrize(
    "path",
    [
        "/".join(["d"] * 2000),
        "x" * 300,
        "/".join(["f" * 250] * 4) + "/<requestId>/<tileName>/<outputId>.<format>",
    ],
    ids=["2000-folders", "300-byte-name", "1071-bytes"],
)
def test_a_too_long_delivery_url_is_400(client: httpx.Client, path: str) -> None:
    response = client.post("/process", json=request_body(url=f"s3://{BUCKET}/{path}"))
    assert FIELD in _parameters(response)


def _package(path: Path, identifiers: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    boxes = [
        shapely.box(455_000.0 + i * 1000, 5_145_000.0, 455_500.0 + i * 1000, 5_145_500.0)
        for i in range(len(identifiers))
    ]
    pyogrio.raw.write(
        str(path),
        np.array([shapely.to_wkb(g) for g in boxes], dtype=object),
        [
            np.arange(1, len(identifiers) + 1),
            np.array(identifiers, dtype=object),
            np.array([10] * len(identifiers)),
            np.array([10] * len(identifiers)),
        ],
        ["id", "identifier", "width", "height"],
        crs="EPSG:32633",
        geometry_type="Polygon",
        driver="GPKG",
        layer="features",
    )


def test_a_long_geopackage_identifier_is_checked_at_create(
    client: httpx.Client, bucket: Path
) -> None:
    _package(bucket / "inputs" / "long.gpkg", ["short", "n" * 250])
    body = request_body(url=f"s3://{BUCKET}/gpkg/<requestId>/<tileName>-<outputId>.<format>")
    del body["processRequest"]["input"]["bounds"]
    body["input"] = {
        "type": "geopackage",
        "features": {"s3": {"url": f"s3://{BUCKET}/inputs/long.gpkg"}},
    }
    assert FIELD in _parameters(client.post("/process", json=body))
    body["output"]["delivery"]["s3"]["url"] = f"s3://{BUCKET}/gpkg/<requestId>/<tileName>.tif"
    response = client.post("/process", json=body)
    assert response.status_code == 201, response.text
