"""End to end with the real Process engine: a v2 job over a BYOC collection's COG (10 m, 3 m off
the output lattice) at 10 m; every output pixel equals the source pixel under its centre,
computed here with numpy from the tile's origin in the manifest. ``createCollection`` registers
the outputs as tiles of a new BYOC collection, which Process then reads as ``byoc-<id>``;
``collectionId`` adds a second job's tiles to it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
from rasterio.io import MemoryFile
from sentinelhub_emulator import Emulator

from tests.batch_emulator.test_engine_pixels import (
    SRC_NORTH,
    SRC_RES,
    SRC_SHAPE,
    SRC_WEST,
    _write_source,
)
from tests.support.emulator import fetch_token

from .conftest import FINAL, batch_client, create, wait_for

DATA, OUT = "data", "out"
UTM = "http://www.opengis.net/def/crs/EPSG/0/32633"
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1"], output: [{id: "value", bands: 1, sampleType: "UINT16"}]};
}
function evaluatePixel(s) { return {value: [s.B1]}; }
"""


@dataclass(frozen=True)
class World:
    emulator: Emulator
    client: httpx.Client
    byoc: httpx.Client
    source_id: str
    source: Any


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("engine-v2")
    source = np.random.default_rng(7).integers(1, 60_000, size=SRC_SHAPE, dtype=np.uint16)
    path = root / "buckets" / DATA / "scene" / "B1.tif"
    _write_source(path, source)
    (root / "buckets" / OUT).mkdir(parents=True)
    with Emulator(root) as emu:
        token = fetch_token(emu)
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=auth) as byoc:
            made = byoc.post("/collections", json={"name": "src", "s3Bucket": DATA})
            source_id = made.json()["data"]["id"]
            tile = byoc.post(
                f"/collections/{source_id}/tiles",
                json={"path": "scene/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
            )
            assert tile.status_code == 201, tile.text
            emu.wait_for_ingestion()
            with batch_client(emu, token) as client:
                yield World(emu, client, byoc, source_id, source)


def _body(source_id: str, folder: str, bbox: list[float], **output: Any) -> dict[str, Any]:
    return {
        "processRequest": {
            "input": {
                "bounds": {"bbox": bbox, "properties": {"crs": UTM}},
                "data": [
                    {
                        "type": f"byoc-{source_id}",
                        "dataFilter": {
                            "timeRange": {
                                "from": "2024-01-01T00:00:00Z",
                                "to": "2024-12-31T00:00:00Z",
                            }
                        },
                    }
                ],
            },
            "output": {"responses": [{"identifier": "value", "format": {"type": "image/tiff"}}]},
            "evalscript": EVALSCRIPT,
        },
        "input": {"type": "tiling-grid", "id": 1, "resolution": 10},
        "output": {"type": "raster", "delivery": {"s3": {"url": f"s3://{OUT}/{folder}"}}, **output},
        "description": f"engine {folder}",
    }


def _manifest(folder: Path) -> list[tuple[str, float, float]]:
    connection = sqlite3.connect(f"{(folder / 'manifest.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT name, west, north FROM features").fetchall()
    finally:
        connection.close()
    return [(str(r[0]), float(r[1]), float(r[2])) for r in rows]


def _expected(source: Any, west: float, north: float, side: int) -> tuple[Any, Any]:
    xs = west + (np.arange(side) + 0.5)[None, :] * 10.0
    ys = north - (np.arange(side) + 0.5)[:, None] * 10.0
    cols = np.floor((xs - SRC_WEST) / SRC_RES).astype(int)
    rows = np.floor((SRC_NORTH - ys) / SRC_RES).astype(int)
    height, width = source.shape
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    r = np.broadcast_to(np.clip(rows, 0, height - 1), inside.shape)
    c = np.broadcast_to(np.clip(cols, 0, width - 1), inside.shape)
    return np.where(inside, source[r, c], 0), inside


def test_pixels_and_a_new_collection_read_back_by_process(world: World) -> None:
    emu, client = world.emulator, world.client
    body = _body(world.source_id, "coll", [455_000.0, 5_145_000.0, 465_000.0, 5_155_000.0])
    body["output"]["createCollection"] = True
    created = create(client, body)
    client.post(f"/process/{created['id']}/start")
    done = wait_for(client, created["id"], FINAL, timeout=60)
    assert done["status"] == "DONE", done["error"]
    collection_id = done["request"]["output"]["collectionId"]
    folder = emu.data_dir / "buckets" / OUT / "coll" / created["id"]
    tiles = _manifest(folder)
    assert len(tiles) == 4
    covered = 0
    for name, west, north in tiles:
        with rasterio.open(folder / name / "value.tif") as dataset:
            value = dataset.read(1)
            assert dataset.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        expected, inside = _expected(world.source, west, north, 1000)
        np.testing.assert_array_equal(value, expected)
        covered += int(inside.sum())
    assert covered > 0

    emu.wait_for_ingestion()
    listed = world.byoc.get(f"/collections/{collection_id}/tiles").json()["data"]
    assert len(listed) == 4
    assert {t["status"] for t in listed} == {"INGESTED"}
    collection = world.byoc.get(f"/collections/{collection_id}").json()["data"]
    assert collection["name"] == "engine coll"
    name, west, north = next(t for t in tiles if t[0].endswith("_5_4"))
    bbox = [west + 1000, north - 3000, west + 3000, north - 1000]
    answer = httpx.post(
        emu.base_url + "/api/v1/process",
        json={
            "input": {
                "bounds": {"bbox": bbox, "properties": {"crs": UTM}},
                "data": [{"type": f"byoc-{collection_id}"}],
            },
            "output": {
                "width": 200,
                "height": 200,
                "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
            },
            "evalscript": "//VERSION=3\nfunction setup() { return {input: ['value'], "
            "output: {bands: 1, sampleType: 'UINT16'}}; }\n"
            "function evaluatePixel(s) { return [s.value]; }\n",
        },
        headers={"Authorization": client.headers["Authorization"]},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    with MemoryFile(answer.content) as memory, memory.open() as rendered:
        got = rendered.read(1)
    with rasterio.open(folder / name / "value.tif") as dataset:
        written = dataset.read(1, window=dataset.window(*bbox))
    np.testing.assert_array_equal(got, written)
    assert got.any()

    more = _body(world.source_id, "coll-more", [465_500.0, 5_145_500.0, 466_000.0, 5_146_000.0])
    more["output"]["collectionId"] = collection_id
    second = create(client, more)
    assert second["request"]["output"]["collectionId"] == collection_id
    client.post(f"/process/{second['id']}/start")
    assert wait_for(client, second["id"], FINAL, timeout=60)["status"] == "DONE"
    emu.wait_for_ingestion()
    grown = world.byoc.get(f"/collections/{collection_id}/tiles").json()["data"]
    assert len(grown) == 5
