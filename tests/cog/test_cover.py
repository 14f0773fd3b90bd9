"""cover_geometry against outlines computed independently here (shapely boxes of pixel runs):
holes, several parts, nodata and masks, decimation within its stated bound, reprojection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from affine import Affine
from pyproj import Transformer
from sentinelhub_client.cog import cover_geometry, crs_urn, trace_cover
from shapely.geometry import box, shape

from tests.cog.corpus import UTM, north_up, write_cog

PIXEL = 10.0
LEFT, TOP = 500_000.0, 5_003_000.0


def grid(size: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    rows, cols = np.mgrid[0:size, 0:size]
    return rows.astype("float64"), cols.astype("float64")


def truth(valid: npt.NDArray[np.bool_], transform: Affine) -> Any:
    """The exact outline: the union of one box per horizontal run of valid pixels."""
    boxes = []
    for row in range(valid.shape[0]):
        line = np.concatenate([[False], valid[row], [False]]).astype(np.int8)
        edges = np.flatnonzero(np.diff(line))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            x0, y0 = transform @ (start, row)
            x1, y1 = transform @ (stop, row + 1)
            boxes.append(box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return shapely.union_all(boxes)


def write(path: Path, valid: npt.NDArray[np.bool_], *, mask: bool = False) -> Path:
    size = valid.shape[0]
    transform = north_up((LEFT, TOP - size * PIXEL, LEFT + size * PIXEL, TOP), size, size)
    data = np.where(valid, 7, 0).astype("uint8")
    if mask:  # the data is 7 everywhere; only the mask says what is valid
        from rasterio.io import MemoryFile
        from rasterio.shutil import copy as gdal_copy

        with MemoryFile() as memory:
            meta = {
                "driver": "GTiff",
                "width": size,
                "height": size,
                "count": 1,
                "dtype": "uint8",
                "crs": f"EPSG:{UTM}",
                "transform": transform,
            }
            with memory.open(**meta) as mem:
                mem.write(np.full((1, size, size), 7, dtype="uint8"))
                mem.write_mask(np.where(valid, 255, 0).astype("uint8"))
                gdal_copy(mem, str(path), driver="COG", BLOCKSIZE=256)
        return path
    return write_cog(
        path, width=size, height=size, dtype="uint8", data=data[None], nodata=0, transform=transform
    )


def transform_of(size: int) -> Affine:
    return north_up((LEFT, TOP - size * PIXEL, LEFT + size * PIXEL, TOP), size, size)


def annulus(size: int) -> npt.NDArray[np.bool_]:
    rows, cols = grid(size)
    radius = np.hypot(rows - size / 2, cols - size / 2)
    return (radius < size * 0.45) & (radius > size * 0.2)


def test_a_ring_of_valid_pixels_is_a_polygon_with_a_hole_exactly(tmp_path: Path) -> None:
    valid = annulus(256)
    cover = cover_geometry(write(tmp_path / "ring.tif", valid), simplify=0)
    assert cover["type"] == "Polygon"
    assert len(cover["coordinates"]) == 2
    assert cover["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}
    exact = truth(valid, transform_of(256))
    got = shape(cover)
    assert got.is_valid
    assert got.symmetric_difference(exact).area == pytest.approx(0.0, abs=1e-6)
    assert got.area == pytest.approx(valid.sum() * PIXEL * PIXEL)
    # GeoJSON orientation: exterior counter-clockwise, hole clockwise.
    outer, hole = (shapely.LinearRing(ring) for ring in cover["coordinates"])
    assert outer.is_ccw
    assert not hole.is_ccw


def test_separate_areas_make_a_multipolygon(tmp_path: Path) -> None:
    valid = np.zeros((256, 256), dtype=bool)
    valid[10:60, 10:100] = True
    valid[150:250, 120:200] = True
    valid[170:190, 140:160] = False  # a hole in the second area
    cover = cover_geometry(write(tmp_path / "two.tif", valid), simplify=0)
    assert cover["type"] == "MultiPolygon"
    assert sorted(len(part) for part in cover["coordinates"]) == [1, 2]
    exact = truth(valid, transform_of(256))
    assert shape(cover).symmetric_difference(exact).area == pytest.approx(0.0, abs=1e-6)


def test_an_internal_mask_counts_like_nodata(tmp_path: Path) -> None:
    valid = annulus(256)
    from_mask = shape(cover_geometry(write(tmp_path / "m.tif", valid, mask=True), simplify=0))
    exact = truth(valid, transform_of(256))
    assert from_mask.symmetric_difference(exact).area == pytest.approx(0.0, abs=1e-6)


def test_simplification_stays_within_its_tolerance(tmp_path: Path) -> None:
    valid = annulus(512)
    path = write(tmp_path / "s.tif", valid)
    exact = truth(valid, transform_of(512))
    result = trace_cover(path, simplify=2.0)
    got = shape(result.geometry)
    assert result.factor == 1
    assert result.error_bound == pytest.approx(2.0 * PIXEL)
    assert got.is_valid
    assert got.hausdorff_distance(exact) <= result.error_bound + 1e-6
    assert len(shapely.get_coordinates(got)) < len(shapely.get_coordinates(exact)) / 4


def test_a_large_raster_is_traced_decimated_within_the_stated_bound(tmp_path: Path) -> None:
    valid = annulus(3000)
    path = write(tmp_path / "big.tif", valid)
    exact = truth(valid, transform_of(3000))
    result = trace_cover(path, simplify=0, max_size=1000)
    got = shape(result.geometry)
    assert result.factor == 3
    assert result.error_bound_px == 3
    assert got.hausdorff_distance(exact) <= result.error_bound + 1e-6
    # Area within perimeter x bound.
    assert got.symmetric_difference(exact).area <= exact.length * result.error_bound


def test_reprojected_to_wgs84(tmp_path: Path) -> None:
    valid = annulus(256)
    path = write(tmp_path / "r.tif", valid)
    cover = cover_geometry(path, simplify=0, crs=4326)
    assert cover["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4326"
    to_wgs84 = Transformer.from_crs(UTM, 4326, always_xy=True)
    exact = shapely.transform(
        shapely.segmentize(truth(valid, transform_of(256)), 10.0),
        to_wgs84.transform,
        interleaved=False,
    )
    got = shape(cover)
    assert got.is_valid
    assert got.symmetric_difference(exact).area / exact.area < 1e-3
    lon, lat = got.centroid.x, got.centroid.y
    assert 14.9 < lon < 15.1
    assert 45.0 < lat < 45.2


def test_crs_urn_from_file_and_codes(tmp_path: Path) -> None:
    path = write(tmp_path / "c.tif", annulus(256))
    assert crs_urn(path) == "urn:ogc:def:crs:EPSG::32633"


def test_no_valid_pixel_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.tif", np.zeros((256, 256), dtype=bool))
    with pytest.raises(ValueError, match="no valid pixel"):
        cover_geometry(path)


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"simplify": -1}, "simplify"),
        ({"max_size": 3}, "max_size"),
        ({"simplify": "x"}, "simplify"),
    ],
)
def test_bad_arguments(tmp_path: Path, options: dict[str, Any], word: str) -> None:
    path = write(tmp_path / "a.tif", annulus(256))
    with pytest.raises(ValueError, match=word):
        cover_geometry(path, **options)
