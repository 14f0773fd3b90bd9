"""The pixel-centre masks of request geometries and tile covers, against shapely."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from affine import Affine
from rasterio.crs import CRS
from sentinelhub_emulator.process.raster import area_mask
from sentinelhub_emulator.process.request import Grid
from shapely.geometry import MultiPolygon, Polygon


def _grid(width: int, height: int) -> Grid:
    transform = Affine(0.37, 0.0, -10.0, 0.0, -0.41, 12.0)
    bounds = (-10.0, 12.0 - 0.41 * height, -10.0 + 0.37 * width, 12.0)
    return Grid(CRS.from_epsg(32633), 32633, transform, width, height, bounds, None)


def _random_geometry(seed: int) -> shapely.Geometry:
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(rng.integers(1, 4)):
        centre = rng.uniform(-8, 8, size=2)
        angles = np.sort(rng.uniform(0, 2 * np.pi, size=rng.integers(3, 12)))
        radii = rng.uniform(1, 6, size=angles.size)
        ring = np.c_[centre[0] + radii * np.cos(angles), centre[1] + radii * np.sin(angles)]
        hole = centre + 0.3 * (ring - centre)
        parts.append(Polygon(ring, [hole[::-1]]) if seed % 2 else Polygon(ring))
    merged = shapely.union_all([p.buffer(0) for p in parts])
    return merged if merged.geom_type in ("Polygon", "MultiPolygon") else MultiPolygon()


@pytest.mark.parametrize("seed", range(12))
def test_area_mask_matches_shapely(seed: int) -> None:
    grid = _grid(60, 50)
    geometry = _random_geometry(seed)
    window = (5, 45, 3, 57)
    mask = area_mask(grid, geometry, window)
    rows, cols = np.mgrid[window[0] : window[1], window[2] : window[3]]
    xs = -10.0 + (cols + 0.5) * 0.37
    ys = 12.0 - (rows + 0.5) * 0.41
    expected = shapely.contains_xy(geometry, xs, ys)
    assert mask.shape == expected.shape
    assert 0 < expected.sum() < expected.size
    np.testing.assert_array_equal(mask, expected)


def test_no_geometry_means_everything() -> None:
    assert area_mask(_grid(4, 3), None, (0, 3, 0, 4)).all()
