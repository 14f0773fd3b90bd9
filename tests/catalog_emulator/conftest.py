"""A small world of BYOC tiles for the Catalog, on one emulator per test module.

Collection ``main`` holds six tiles registered through the BYOC API and ingested from real COGs:

- ``a``, ``b``, ``c``: UTM 33N (EPSG:32633), 256 x 256 pixels of 10 m, sensed 2024-01-01,
  2024-01-05 and 2024-02-01;
- ``d``: EPSG:4326, sensed 2024-01-10;
- ``e``: EPSG:4326, no sensing time;
- ``f``: UTM 33N with a user cover geometry (a triangle given in CRS84), sensed 2024-01-20;

plus ``broken``, whose file does not exist (FAILED: never an item). Collection ``other`` (same
account) holds one EPSG:4326 tile sensed 2024-01-15. What the tests expect (WGS84 geometries,
times) is computed here, from these numbers and pyproj, never from the emulator's answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from pyproj import Transformer
from rasterio.io import MemoryFile
from sentinelhub_emulator import Emulator
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from tests.support.emulator import fetch_token

BUCKET = "catalog"
API = "/api/v1/catalog/1.0.0"
UTM = 32633
SIZE = 256


def write_cog(path: Path, *, epsg: int, bounds: tuple[float, float, float, float]) -> None:
    """A one-band uint8 COG of SIZE x SIZE pixels over ``bounds``."""
    left, bottom, right, top = bounds
    transform = Affine((right - left) / SIZE, 0.0, left, 0.0, -(top - bottom) / SIZE, top)
    data = np.arange(SIZE * SIZE, dtype=np.uint32).reshape(1, SIZE, SIZE) % 250 + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": SIZE,
        "height": SIZE,
        "count": 1,
        "dtype": "uint8",
        "crs": f"EPSG:{epsg}",
        "transform": transform,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as staging:
            staging.write(data.astype(np.uint8))
        with memfile.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256, OVERVIEWS="NONE")


def to_wgs84(geometry: BaseGeometry, epsg: int) -> BaseGeometry:
    """``geometry`` reprojected vertex by vertex (no densifying), lon/lat order."""
    if epsg == 4326:
        return geometry
    transformer = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    exterior = [transformer.transform(x, y) for x, y in geometry.exterior.coords]
    return Polygon(exterior)


@dataclass(frozen=True)
class TileSpec:
    name: str
    epsg: int
    bounds: tuple[float, float, float, float]  # in the tile's CRS
    sensing: str | None
    cover: Polygon | None = None  # a user cover geometry, in CRS84

    @property
    def wgs84(self) -> BaseGeometry:
        """The item geometry the Catalog should answer."""
        if self.cover is not None:
            return self.cover
        return to_wgs84(box(*self.bounds), self.epsg)


def _utm(x: float, y: float) -> tuple[float, float, float, float]:
    return (x, y, x + SIZE * 10.0, y + SIZE * 10.0)


def _geo(lon: float, lat: float) -> tuple[float, float, float, float]:
    return (lon, lat, lon + SIZE * 0.0001, lat + SIZE * 0.0001)


def _f_cover() -> Polygon:
    """A triangle inside tile f's footprint, in CRS84."""
    west, south, east, north = to_wgs84(box(*_utm(520_000, 5_000_000)), UTM).bounds
    dx, dy = east - west, north - south
    return Polygon(
        [
            (west + 0.2 * dx, south + 0.2 * dy),
            (west + 0.8 * dx, south + 0.2 * dy),
            (west + 0.5 * dx, south + 0.8 * dy),
        ]
    )


MAIN_TILES = (
    TileSpec("a", UTM, _utm(500_000, 5_000_000), "2024-01-01T10:00:00Z"),
    TileSpec("b", UTM, _utm(510_000, 5_000_000), "2024-01-05T10:00:00Z"),
    TileSpec("c", UTM, _utm(500_000, 5_020_000), "2024-02-01T10:00:00Z"),
    TileSpec("d", 4326, _geo(16.0, 45.0), "2024-01-10T10:00:00Z"),
    TileSpec("e", 4326, _geo(16.1, 45.0), None),
    TileSpec("f", UTM, _utm(520_000, 5_000_000), "2024-01-20T10:00:00Z", _f_cover()),
)
OTHER_TILES = (TileSpec("o", 4326, _geo(16.2, 45.1), "2024-01-15T10:00:00Z"),)


@dataclass
class World:
    emulator: Emulator
    token: str
    main_id: str  # BYOC ids (the Catalog's are byoc-<id>)
    other_id: str
    tile_ids: dict[str, str]  # tile name -> tile id
    specs: dict[str, TileSpec]

    @property
    def main(self) -> str:
        return f"byoc-{self.main_id}"

    @property
    def other(self) -> str:
        return f"byoc-{self.other_id}"

    @property
    def url(self) -> str:
        return self.emulator.base_url + API

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=30,
        )

    def names(self, features: list[dict[str, Any]]) -> list[str]:
        """The tile names of ``features`` (by their ids), in order."""
        by_id = {tile_id: name for name, tile_id in self.tile_ids.items()}
        return [by_id[feature["id"]] for feature in features]


def build_world(emu: Emulator) -> World:
    bucket = emu.data_dir / "buckets" / BUCKET
    for spec in (*MAIN_TILES, *OTHER_TILES):
        write_cog(bucket / spec.name / "B1.tif", epsg=spec.epsg, bounds=spec.bounds)
    token = fetch_token(emu)
    tile_ids: dict[str, str] = {}
    with httpx.Client(
        base_url=emu.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as byoc:

        def collection(name: str) -> str:
            response = byoc.post("/collections", json={"name": name, "s3Bucket": BUCKET})
            assert response.status_code == 201, response.text
            return str(response.json()["data"]["id"])

        def tile(collection_id: str, path: str, spec: TileSpec | None) -> str:
            body: dict[str, Any] = {"path": path}
            if spec is not None and spec.sensing is not None:
                body["sensingTime"] = spec.sensing
            if spec is not None and spec.cover is not None:
                ring = [list(point) for point in spec.cover.exterior.coords]
                body["coverGeometry"] = {"type": "Polygon", "coordinates": [ring]}
            response = byoc.post(f"/collections/{collection_id}/tiles", json=body)
            assert response.status_code == 201, response.text
            return str(response.json()["data"]["id"])

        main_id = collection("main")
        for spec in MAIN_TILES:
            tile_ids[spec.name] = tile(main_id, f"{spec.name}/(BAND).tif", spec)
        tile_ids["broken"] = tile(main_id, "missing/(BAND).tif", None)
        other_id = collection("other")
        for spec in OTHER_TILES:
            tile_ids[spec.name] = tile(other_id, f"{spec.name}/(BAND).tif", spec)
        emu.wait_for_ingestion()
        statuses = {
            t["path"].split("/")[0]: t["status"]
            for cid in (main_id, other_id)
            for t in byoc.get(f"/collections/{cid}/tiles").json()["data"]
        }
    assert statuses.pop("missing") == "FAILED"
    assert set(statuses.values()) == {"INGESTED"}, statuses
    specs = {spec.name: spec for spec in (*MAIN_TILES, *OTHER_TILES)}
    return World(emu, token, main_id, other_id, tile_ids, specs)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("catalog")
    with Emulator(root) as emu:
        yield build_world(emu)


@pytest.fixture(scope="module")
def api(world: World) -> Iterator[httpx.Client]:
    with world.client() as client:
        yield client


def stranger_token(emu: Emulator) -> str:
    """A token of a new client in an account of its own."""
    client_id = f"stranger-{uuid.uuid4().hex[:8]}"
    emu.add_client(client_id, "secret-" + client_id)
    return fetch_token(emu, client_id, "secret-" + client_id)
