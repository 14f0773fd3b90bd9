"""Bounds and grids: request geometries with holes, other CRSs, resolutions, resampling, data
fusion. Aligned requests are checked pixel for pixel; warped ones against rasterio in the test."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.enums import Resampling
from rasterio.warp import reproject, transform_bounds
from sentinelhub_emulator.samples import write_cog

from tests.process_emulator.conftest import (
    CANVAS,
    CRS84,
    GEO_BOUNDS,
    RES,
    UTM,
    X0,
    World,
    process_body,
    read_tiff,
    simple_mosaic,
)

B1_MASK = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 2, sampleType: "FLOAT32"}};
}
function evaluatePixel(s) { return [s.B1, s.dataMask]; }
"""

# An area of canvas rows 270-380 and columns 10-250: T1 only, away from its hole and edges.
T1_ROWS, T1_COLS = slice(270, 380), slice(10, 250)
T1_AREA = (X0 + 10 * RES, CANVAS[3] - 380 * RES, X0 + 250 * RES, CANVAS[3] - 270 * RES)


def _t1_transform(world: World) -> Affine:
    tile = world.tiles[2]
    return Affine(RES, 0.0, X0 + tile.col * RES, 0.0, -RES, CANVAS[3] - tile.row * RES)


def test_geometry_with_a_hole_masks_pixel_centres(world: World) -> None:
    outer = [(500_203.0, 5_000_303.0), (504_903.0, 5_000_303.0), (504_903.0, 5_003_503.0),
             (500_203.0, 5_003_503.0), (500_203.0, 5_000_303.0)]  # fmt: skip
    hole = [(501_503.0, 5_001_003.0), (503_003.0, 5_001_003.0), (502_203.0, 5_002_803.0),
            (501_503.0, 5_001_003.0)]  # fmt: skip
    body = process_body(B1_MASK, collection=world.main_id)
    body["input"]["bounds"]["geometry"] = {"type": "Polygon", "coordinates": [outer, hole]}
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, mask = simple_mosaic(world.tiles, "B1")
    cols, rows = np.meshgrid(np.arange(512), np.arange(384))
    xs, ys = X0 + (cols + 0.5) * RES, CANVAS[3] - (rows + 0.5) * RES
    inside = shapely.contains_xy(shapely.Polygon(outer, [hole]), xs, ys)
    assert 0 < inside.sum() < inside.size
    np.testing.assert_array_equal(pixels[1], mask * inside)
    np.testing.assert_array_equal(pixels[0], b1 * inside)


def test_geometry_alone_spans_its_envelope(world: World) -> None:
    x0, y0, x1, y1 = T1_AREA
    body = process_body(B1_MASK, collection=world.main_id, size=None, resx=10, resy=10)
    del body["input"]["bounds"]["bbox"]
    ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    body["input"]["bounds"]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, _ = simple_mosaic(world.tiles, "B1")
    np.testing.assert_array_equal(pixels[0], b1[T1_ROWS, T1_COLS])
    assert (pixels[1] == 1).all()


def test_upsampling_nearest_repeats_pixels(world: World) -> None:
    body = process_body(B1_MASK, collection=world.main_id, bbox=T1_AREA, size=None, resx=5, resy=5)
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, profile = read_tiff(response.content)
    assert (profile["width"], profile["height"]) == (480, 220)
    b1, _ = simple_mosaic(world.tiles, "B1")
    expected = np.repeat(np.repeat(b1[T1_ROWS, T1_COLS], 2, axis=0), 2, axis=1)
    np.testing.assert_array_equal(pixels[0], expected)


def test_downsampling_nearest_takes_the_centre_pixel(world: World) -> None:
    body = process_body(
        B1_MASK, collection=world.main_id, bbox=T1_AREA, size=None, resx=30, resy=30
    )
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, _ = simple_mosaic(world.tiles, "B1")
    region = b1[T1_ROWS, T1_COLS]
    expected = region[1::3, 1::3][: pixels.shape[1], : pixels.shape[2]]
    np.testing.assert_array_equal(pixels[0], expected)


@pytest.mark.parametrize("method", ["BILINEAR", "BICUBIC"])
def test_reprojected_to_crs84_matches_rasterio(world: World, method: str) -> None:
    lon0, lat0, lon1, lat1 = transform_bounds(f"EPSG:{UTM}", "EPSG:4326", *T1_AREA)
    # Stay well inside the area: the corners of a UTM rectangle bulge in longitude / latitude.
    pad_x, pad_y = (lon1 - lon0) * 0.1, (lat1 - lat0) * 0.1
    bbox = (lon0 + pad_x, lat0 + pad_y, lon1 - pad_x, lat1 - pad_y)
    width, height = 150, 60
    body = process_body(
        B1_MASK, collection=world.main_id, bbox=bbox, crs=CRS84, size=(width, height)
    )
    body["input"]["data"][0]["processing"] = {"upsampling": method, "downsampling": method}
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, profile = read_tiff(response.content)
    assert profile["crs"].to_epsg() == 4326
    expected = np.zeros((height, width), dtype=np.float32)
    reproject(
        world.tiles[2].bands["B1"].astype(np.float32),
        expected,
        src_transform=_t1_transform(world),
        src_crs=f"EPSG:{UTM}",
        dst_transform=Affine(
            (bbox[2] - bbox[0]) / width, 0, bbox[0], 0, -(bbox[3] - bbox[1]) / height, bbox[3]
        ),
        dst_crs="EPSG:4326",
        resampling=Resampling.bilinear if method == "BILINEAR" else Resampling.cubic,
    )
    assert (pixels[1] == 1).all()
    np.testing.assert_allclose(pixels[0], expected, atol=0.5)
    # And not a copy of the nearest neighbour: resampling made values between source values.
    assert not np.array_equal(pixels[0], np.round(pixels[0]))


def test_a_4326_source_read_in_crs84_is_exact_with_nan_as_no_data(world: World) -> None:
    script = """//VERSION=3
function setup() { return {input: ["V", "dataMask"], output: {bands: 2, sampleType: "FLOAT32"}}; }
function evaluatePixel(s) { return [s.V, s.dataMask]; }
"""
    body = process_body(
        script, collection=world.geo_id, bbox=GEO_BOUNDS, crs=CRS84, size=(256, 256)
    )
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    holes = np.isnan(world.geo)
    np.testing.assert_array_equal(pixels[1], (~holes).astype(np.float32))
    np.testing.assert_array_equal(pixels[0], np.where(holes, 0, world.geo))


def test_data_fusion_of_two_inputs(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: [{datasource: "new", bands: ["B1", "dataMask"]},
                  {datasource: "old", bands: ["B1", "dataMask"]}],
          output: {bands: 2, sampleType: "FLOAT32"}};
}
function evaluatePixel(samples) {
  const n = samples.new[0], o = samples.old[0];
  return [n.B1 - o.B1, n.dataMask * 2 + o.dataMask];
}
"""
    day1 = {"timeRange": {"from": "2024-01-01T00:00:00Z", "to": "2024-01-01T23:59:59Z"}}
    body = process_body(
        script,
        data=[
            {"type": f"byoc-{world.main_id}", "id": "new"},
            {"type": f"byoc-{world.main_id}", "id": "old", "dataFilter": day1},
        ],
    )
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    new, new_mask = simple_mosaic(world.tiles, "B1")
    old, old_mask = simple_mosaic([world.tiles[2]], "B1")
    np.testing.assert_array_equal(pixels[0], new - old)
    np.testing.assert_array_equal(pixels[1], new_mask * 2 + old_mask)
    # Two local collections: x2; two bands in all (dataMask does not count), FLOAT32 TIFF x2.
    units = float(response.headers["x-processingunits-spent"])
    assert units == pytest.approx(0.75 * (2 / 3) * 2 * 2)


def test_coarser_requests_read_the_overview(world: World) -> None:
    bounds = (510_000.0, 5_000_000.0, 515_120.0, 5_005_120.0)
    path = write_cog(
        world.data_dir / "ov" / "B1.tif",
        crs_epsg=UTM,
        bounds=bounds,
        width=512,
        height=512,
        fill="noise",
        overviews=True,
    )
    with rasterio.open(path, OVERVIEW_LEVEL=0) as overview:
        assert overview.width == 256
        expected = overview.read(1).astype(np.float32)
    with rasterio.open(path) as full:
        subsampled = full.read(1)[::2, ::2].astype(np.float32)
    assert not np.array_equal(expected, subsampled)
    with world.client("/api/v1/byoc") as byoc:
        created = byoc.post("/collections", json={"name": "ov", "s3Bucket": "data"})
        collection_id = created.json()["data"]["id"]
        tile = byoc.post(f"/collections/{collection_id}/tiles", json={"path": "ov/(BAND).tif"})
        assert tile.status_code == 201, tile.text
    world.emulator.wait_for_ingestion()
    script = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "FLOAT32"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""
    body = process_body(script, collection=collection_id, bbox=bounds, size=(256, 256))
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    np.testing.assert_array_equal(pixels[0], expected)


def _under_centres(
    data: np.ndarray, transform: Affine, bbox: tuple[float, ...], size: int
) -> np.ndarray:
    """The values of ``data`` under each pixel centre of a ``size`` x ``size`` output over
    ``bbox`` (every centre lies inside ``data``)."""
    west, _, east, north = bbox[:4]
    res = (east - west) / size
    xs = west + (np.arange(size) + 0.5) * res
    ys = north - (np.arange(size) + 0.5) * res
    cols = np.floor((xs - transform.c) / transform.a).astype(int)
    rows = np.floor((ys - transform.f) / transform.e).astype(int)
    assert cols.min() >= 0
    assert cols.max() < data.shape[1]
    assert rows.min() >= 0
    assert rows.max() < data.shape[0]
    return np.asarray(data[rows[:, None], cols[None, :]])


@pytest.mark.parametrize(
    ("res", "level"),
    [(20.0, 0), (15.0, None)],
    ids=["overview-resolution", "between-full-and-overview"],
)
def test_unaligned_coarser_requests_sample_the_level_read(
    world: World, res: float, level: int | None
) -> None:
    """A request off the source's lattice (16 m past a 20 m overview pixel edge, as a batch tile
    grid is over a COG of its own origin) warps from the level the engine reads: the 20 m
    overview at 20 m, full resolution at 15 m (the overview would be coarser than the output).
    Each output pixel is the value of that level under its centre."""
    bounds = (520_000.0, 5_000_000.0, 525_120.0, 5_005_120.0)
    path = write_cog(
        world.data_dir / f"ov-{res:g}" / "B1.tif",
        crs_epsg=UTM,
        bounds=bounds,
        width=512,
        height=512,
        fill="noise",
        overviews=True,
    )
    with rasterio.open(path) if level is None else rasterio.open(path, OVERVIEW_LEVEL=level) as src:
        data, transform = src.read(1).astype(np.float32), src.transform
    size = 200
    west, north = bounds[0] + 46.0, bounds[3] - 46.0
    bbox = (west, north - size * res, west + size * res, north)
    expected = _under_centres(data, transform, bbox, size)
    with rasterio.open(path) as full:
        at_full = _under_centres(full.read(1).astype(np.float32), full.transform, bbox, size)
    if level is not None:
        assert np.mean(expected != at_full) > 0.9  # reading the wrong level shows
    with world.client("/api/v1/byoc") as byoc:
        created = byoc.post("/collections", json={"name": f"ov-{res:g}", "s3Bucket": "data"})
        collection_id = created.json()["data"]["id"]
        tile = byoc.post(
            f"/collections/{collection_id}/tiles", json={"path": f"ov-{res:g}/(BAND).tif"}
        )
        assert tile.status_code == 201, tile.text
    world.emulator.wait_for_ingestion()
    script = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "FLOAT32"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""
    body = process_body(script, collection=collection_id, bbox=bbox, size=(size, size))
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    np.testing.assert_array_equal(pixels[0], expected)
