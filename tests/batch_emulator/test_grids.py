"""Tiling grids: the descriptors, MGRS names, and tiles equal to the grid cells that share area
with the request's geometry, computed here independently with pyproj and shapely."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx
import pyproj
import pytest
import rasterio
import shapely
import shapely.geometry
from sentinelhub_emulator.batch.grids import band_letter, mgrs_square_letters

from .conftest import all_tiles, assert_matches, create, request_body, wait_for

UTM33 = "http://www.opengis.net/def/crs/EPSG/0/32633"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _analysed_tiles(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    analysed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert analysed["status"] == "ANALYSIS_DONE", analysed["error"]
    tiles = all_tiles(client, created["id"])
    assert analysed["tileCount"] == len(tiles) == created["tileCount"]
    return tiles


def _geometry_body(
    geometry: dict[str, Any], crs: str, grid: int, resolution: float
) -> dict[str, Any]:
    body = request_body(grid=grid, resolution=resolution)
    body["processRequest"]["input"]["bounds"] = {"geometry": geometry, "properties": {"crs": crs}}
    return body


def _origins(tiles: list[dict[str, Any]]) -> set[tuple[int, float, float]]:
    return {
        (
            int(t["origin"]["crs"]["properties"]["name"].rsplit(":", 1)[1]),
            t["origin"]["coordinates"][0],
            t["origin"]["coordinates"][1],
        )
        for t in tiles
    }


def _cells_of_squares(
    area: Any, epsg: int, per_square: int, size: float
) -> set[tuple[int, float, float]]:
    """Upper-left corners of the cells (``per_square`` per side of each 100 km square, from its
    north-west corner) that share area with ``area`` (in the UTM CRS ``epsg``)."""
    west, south, east, north = area.bounds
    found = set()
    for sx in range(math.floor(west / 100_000) - 1, math.floor(east / 100_000) + 1):
        for sy in range(math.floor(south / 100_000), math.floor(north / 100_000) + 2):
            for c in range(per_square):
                for r in range(per_square):
                    x0 = sx * 100_000 + c * size
                    y1 = (sy + 1) * 100_000 - r * size
                    cell = shapely.geometry.box(x0, y1 - size, x0 + size, y1)
                    if area.intersection(cell).area > 0:
                        found.add((epsg, x0, y1))
    return found


def test_tiling_grid_endpoints(client: httpx.Client) -> None:
    listed = client.get("/tilinggrids").json()
    assert_matches("TilingGridPage", listed)
    assert [g["id"] for g in listed["data"]] == [0, 1, 2, 3, 6, 7]
    assert listed["data"][1] == {
        "id": 1,
        "name": "10km grid",
        "properties": {
            "tileWidth": 10000.0,
            "tileHeight": 10000.0,
            "resolutions": [10.0, 20.0],
            "unit": "METRE",
        },
    }
    first = client.get("/tilinggrids", params={"count": 3}).json()
    rest = client.get("/tilinggrids", params={"viewtoken": first["links"]["nextToken"]}).json()
    assert [g["id"] for g in first["data"] + rest["data"]] == [0, 1, 2, 3, 6, 7]
    zero = client.get("/tilinggrids/0").json()
    assert_matches("TilingGrid", zero)
    assert zero["name"] == "20km grid"
    assert zero["properties"]["tileWidth"] == 20040.0
    assert client.get("/tilinggrids/3").json()["properties"]["unit"] == "DEGREE"
    assert client.get("/tilinggrids/2").json()["properties"]["resolutions"] == [
        30.0,
        60.0,
        120.0,
        240.0,
        360.0,
    ]
    assert client.get("/tilinggrids/6").json() == {
        "id": 6,
        "name": "LAEA 100km grid",
        "properties": {
            "tileWidth": 100000.0,
            "tileHeight": 100000.0,
            "resolutions": [40.0, 50.0, 100.0],
            "unit": "METRE",
        },
    }
    assert client.get("/tilinggrids/7").json()["properties"]["resolutions"] == [10.0, 20.0]
    assert client.get("/tilinggrids/4").status_code == 404
    assert client.get("/tilinggrids/9").status_code == 404
    bad = client.get("/tilinggrids/abc")
    assert bad.status_code == 400
    assert bad.json()["error"]["errors"][0]["parameter"] == "gridId"


def test_mgrs_letters_match_known_squares() -> None:
    # 28PBB holds real grid-1 tiles (reference, section 1.2): x 200-300 km, y 1600-1700 km.
    assert mgrs_square_letters(28, 2, 16) == "BB"
    assert band_letter(14.8) == "P"
    # Paris lies in Sentinel-2 tile 31UDQ: x 400-500 km, y 5400-5500 km.
    assert mgrs_square_letters(31, 4, 54) == "DQ"
    assert band_letter(48.85) == "U"
    assert band_letter(-79.9) == "C"
    assert band_letter(83.0) == "X"
    with pytest.raises(ValueError):
        mgrs_square_letters(31, 0, 54)


def test_grid1_tile_matches_the_reference_tile_and_its_buffer(
    client: httpx.Client, bucket: Path
) -> None:
    # Reference tile 28PBB_2_6: x 220000-230000, y 1630000-1640000 in EPSG:32628; with
    # resolution 10 and buffer (3, 7) its raster is 219970-230030 x 1629930-1640070, 1006x1014 px.
    body = request_body(
        bbox=(224_000.0, 1_634_000.0, 226_000.0, 1_636_000.0),
        crs="http://www.opengis.net/def/crs/EPSG/0/32628",
        resolution=10.0,
    )
    body["tilingGrid"].update(bufferX=3, bufferY=7)
    body["processRequest"]["output"] = {
        "responses": [{"identifier": "x", "format": {"type": "image/tiff"}}]
    }
    created = create(client, body)
    assert (created["tileWidthPx"], created["tileHeightPx"]) == (1000, 1000)
    client.post(f"/process/{created['id']}/start")
    assert wait_for(client, created["id"], ("DONE", "FAILED", "PARTIAL"))["status"] == "DONE"
    [tile] = all_tiles(client, created["id"])
    assert tile["name"] == "28PBB_2_6"
    assert tile["origin"]["coordinates"] == [220_000.0, 1_640_000.0]
    # The WGS84 geometry is the unbuffered cell.
    to_utm = pyproj.Transformer.from_crs(4326, 32628, always_xy=True)
    ring = tile["geometry"]["coordinates"][0]
    xs, ys = to_utm.transform([p[0] for p in ring], [p[1] for p in ring])
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(
        (220_000, 1_630_000, 230_000, 1_640_000), abs=1e-3
    )
    path = bucket / "out" / created["id"] / "28PBB_2_6" / "x.tif"
    with rasterio.open(path) as dataset:
        assert (dataset.width, dataset.height) == (1006, 1014)
        assert tuple(dataset.bounds) == (219_970.0, 1_629_930.0, 230_030.0, 1_640_070.0)
        assert dataset.crs.to_epsg() == 32628


@pytest.mark.parametrize(
    ("grid", "resolution", "per_square", "size"),
    [(1, 20.0, 10, 10_000.0), (0, 60.0, 5, 20_040.0), (2, 360.0, 1, 100_080.0)],
)
def test_utm_tiles_are_the_cells_sharing_area_with_the_geometry(
    client: httpx.Client, grid: int, resolution: float, per_square: int, size: float
) -> None:
    # A triangle in UTM 33N that crosses 100 km square lines, vertices off every cell line.
    triangle = shapely.geometry.Polygon(
        [(383_333.0, 5_081_111.0), (471_234.0, 5_097_777.0), (402_222.0, 5_166_666.0)]
    )
    tiles = _analysed_tiles(
        client, _geometry_body(shapely.geometry.mapping(triangle), UTM33, grid, resolution)
    )
    assert _origins(tiles) == _cells_of_squares(triangle, 32633, per_square, size)
    assert len({t["id"] for t in tiles}) == len(tiles)
    assert len({t["name"] for t in tiles}) == len(tiles)


def test_a_wgs84_geometry_is_tiled_in_its_utm_zone(client: httpx.Client) -> None:
    polygon = shapely.geometry.Polygon(
        [(13.213, 45.817), (14.071, 45.851), (13.987, 46.429), (13.402, 46.233)]
    )
    tiles = _analysed_tiles(
        client, _geometry_body(shapely.geometry.mapping(polygon), CRS84, 1, 20.0)
    )
    to_utm = pyproj.Transformer.from_crs(4326, 32633, always_xy=True)
    projected = shapely.transform(
        shapely.segmentize(polygon, 0.001), lambda x, y: to_utm.transform(x, y), interleaved=False
    )
    assert _origins(tiles) == _cells_of_squares(projected, 32633, 10, 10_000.0)
    assert {t["name"][:5] for t in tiles} <= {"33TUL", "33TVL", "33TUM", "33TVM"}


def test_areas_across_zones_and_the_equator_get_one_crs_per_part(client: httpx.Client) -> None:
    tiles = _analysed_tiles(
        client,
        request_body(bbox=(11.6, -0.3, 12.4, 0.3), crs=CRS84, grid=2, resolution=360.0),
    )
    assert {epsg for epsg, _, _ in _origins(tiles)} == {32632, 32633, 32732, 32733}
    south = [t for t in tiles if "EPSG::327" in t["origin"]["crs"]["properties"]["name"]]
    assert all(t["name"][2] == "M" for t in south)  # band M: 8 S to the equator
    assert all(t["name"][2] == "N" for t in tiles if t not in south)


def test_wgs84_grid_cells_are_whole_degrees(client: httpx.Client) -> None:
    polygon = shapely.geometry.Polygon([(13.5, 45.5), (15.5, 45.6), (14.2, 46.7)])
    tiles = _analysed_tiles(
        client, _geometry_body(shapely.geometry.mapping(polygon), CRS84, 3, 0.0002)
    )
    expected = {
        f"N{lat:02d}E{lon:03d}"
        for lat in range(45, 47)
        for lon in range(13, 16)
        if polygon.intersection(shapely.geometry.box(lon, lat, lon + 1, lat + 1)).area > 0
    }
    assert {t["name"] for t in tiles} == expected
    for tile in tiles:
        lat, lon = int(tile["name"][1:3]), int(tile["name"][4:7])
        assert tile["origin"]["coordinates"] == [lon, lat + 1]
        assert tile["origin"]["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4326"
    created = create(client, _geometry_body(shapely.geometry.mapping(polygon), CRS84, 3, 0.0002))
    refused = client.post(f"/process/{created['id']}/start")
    assert refused.status_code == 400
    assert refused.json()["error"]["errors"][0]["parameter"] == "tilingGrid->resolution"


LAEA = "http://www.opengis.net/def/crs/EPSG/0/3035"


def _laea_cells(area: Any, size: float) -> set[tuple[str, float, float]]:
    """(name, west, north) of every cell of ``size`` m on multiples of ``size`` from EPSG:3035's
    origin that shares area with ``area`` (in EPSG:3035), named ``E<x km>N<y km>`` after its
    lower-left corner."""
    west, south, east, north = area.bounds
    found = set()
    for col in range(math.floor(west / size), math.ceil(east / size)):
        for row in range(math.floor(south / size), math.ceil(north / size)):
            cell = shapely.geometry.box(col * size, row * size, (col + 1) * size, (row + 1) * size)
            if area.intersection(cell).area > 0:
                x_km, y_km = round(col * size / 1000), round(row * size / 1000)
                found.add((f"E{x_km:04d}N{y_km:04d}", col * size, (row + 1) * size))
    return found


def _laea_tiles(tiles: list[dict[str, Any]]) -> set[tuple[str, float, float]]:
    assert {t["origin"]["crs"]["properties"]["name"] for t in tiles} == {
        "urn:ogc:def:crs:EPSG::3035"
    }
    return {(t["name"], *t["origin"]["coordinates"]) for t in tiles}


@pytest.mark.parametrize(
    ("grid", "resolution", "size"), [(7, 20.0, 20_000.0), (6, 100.0, 100_000.0)]
)
def test_laea_tiles_of_a_wgs84_geometry_are_the_lattice_cells(
    client: httpx.Client, grid: int, resolution: float, size: float
) -> None:
    polygon = shapely.geometry.Polygon([(9.71, 49.83), (11.23, 50.04), (10.12, 50.96)])
    tiles = _analysed_tiles(
        client, _geometry_body(shapely.geometry.mapping(polygon), CRS84, grid, resolution)
    )
    to_laea = pyproj.Transformer.from_crs(4326, 3035, always_xy=True)
    projected = shapely.transform(
        shapely.segmentize(polygon, 0.001), lambda x, y: to_laea.transform(x, y), interleaved=False
    )
    assert _laea_tiles(tiles) == _laea_cells(projected, size)
    assert len({t["id"] for t in tiles}) == len(tiles)
    # The WGS84 geometry is the cell, back in EPSG:3035 within a millimetre.
    name, west, north = sorted(_laea_tiles(tiles))[0]
    tile = next(t for t in tiles if t["name"] == name)
    ring = tile["geometry"]["coordinates"][0]
    xs, ys = to_laea.transform([p[0] for p in ring], [p[1] for p in ring])
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(
        (west, north - size, west + size, north), abs=1e-3
    )


def test_a_laea_bbox_on_cell_lines_gives_exactly_its_cells(client: httpx.Client) -> None:
    body = request_body(bbox=(4_320_000.0, 3_200_000.0, 4_360_000.0, 3_240_000.0), crs=LAEA)
    body["tilingGrid"] = {"id": 7, "resolution": 20.0}
    tiles = _analysed_tiles(client, body)
    assert sorted(t["name"] for t in tiles) == [
        "E4320N3200",
        "E4320N3220",
        "E4340N3200",
        "E4340N3220",
    ]
    assert {tuple(t["origin"]["coordinates"]) for t in tiles} == {
        (4_320_000.0, 3_220_000.0),
        (4_320_000.0, 3_240_000.0),
        (4_340_000.0, 3_220_000.0),
        (4_340_000.0, 3_240_000.0),
    }


@pytest.mark.parametrize(
    ("place", "lon", "lat"),
    [
        ("Azores", -31.1, 39.45),
        ("Canary Islands", -17.99, 27.75),
        ("Iceland", -21.9, 64.1),
        ("Svalbard", 15.6, 78.2),
        ("eastern Turkey", 43.5, 39.7),
    ],
)
def test_the_laea_grids_cover_the_edges_of_europe(
    client: httpx.Client, place: str, lon: float, lat: float
) -> None:
    body = request_body(bbox=(lon, lat, lon + 0.01, lat + 0.01), crs=CRS84)
    body["tilingGrid"] = {"id": 6, "resolution": 100.0}
    tiles = _analysed_tiles(client, body)
    to_laea = pyproj.Transformer.from_crs(4326, 3035, always_xy=True)
    x, y = to_laea.transform(lon + 0.005, lat + 0.005)
    assert len(tiles) == 1, place
    assert tiles[0]["origin"]["coordinates"] == [
        math.floor(x / 100_000) * 100_000,
        (math.floor(y / 100_000) + 1) * 100_000,
    ]


def test_outside_the_laea_coverage_there_is_no_tile(client: httpx.Client) -> None:
    body = request_body(bbox=(149.0, -35.4, 149.2, -35.2), crs=CRS84)  # Canberra
    body["tilingGrid"] = {"id": 7, "resolution": 20.0}
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert failed["status"] == "FAILED"
    assert "no tile of grid 7" in failed["error"]
