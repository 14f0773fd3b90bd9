"""The sample writers: real COGs, deterministic, fast, and broken files that break one rule."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
from sentinelhub_emulator.samples import BROKEN_KINDS, write_broken_file, write_cog

from .conftest import UTM_BOUNDS, UTM_EPSG


def test_write_cog_properties(tmp_path: Path) -> None:
    path = write_cog(
        tmp_path / "a" / "b" / "x.tif",
        crs_epsg=UTM_EPSG,
        bounds=UTM_BOUNDS,
        width=1024,
        height=512,
        count=2,
        dtype="int16",
        blocksize=512,
        nodata=-1,
    )
    with rasterio.open(path) as src:
        assert src.driver == "GTiff"
        assert src.crs.to_epsg() == UTM_EPSG
        assert tuple(src.bounds) == UTM_BOUNDS
        assert (src.width, src.height, src.count) == (1024, 512, 2)
        assert src.dtypes == ("int16", "int16")
        assert src.nodata == -1
        assert src.block_shapes == [(512, 512), (512, 512)]
        assert src.overviews(1) == [2]
        assert src.res == (5.0, 10.0)
        window = src.read(1, window=((0, 2), (0, 3)))
    # The gradient: row + column.
    assert window.tolist() == [[0, 1, 2], [1, 2, 3]]


def test_write_cog_is_a_valid_cog(tmp_path: Path) -> None:
    from rio_cogeo.cogeo import cog_validate

    path = write_cog(tmp_path / "x.tif", crs_epsg=4326, bounds=(0, 0, 1, 1), width=600, height=600)
    valid, errors, warnings = cog_validate(path, quiet=True)
    assert valid, errors
    assert warnings == []


def test_write_cog_is_deterministic_and_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    first = write_cog(
        tmp_path / "1.tif", crs_epsg=UTM_EPSG, bounds=UTM_BOUNDS, width=512, height=512
    )
    elapsed = time.perf_counter() - start
    second = write_cog(
        tmp_path / "2.tif", crs_epsg=UTM_EPSG, bounds=UTM_BOUNDS, width=512, height=512
    )
    assert first.read_bytes() == second.read_bytes()
    assert elapsed < 1.0


@pytest.mark.parametrize("fill", ["gradient", "zeros", "checkerboard", "noise"])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "uint16", "int16", "uint32", "float32"])
def test_fills(tmp_path: Path, fill: str, dtype: str) -> None:
    path = write_cog(
        tmp_path / "a.tif",
        crs_epsg=4326,
        bounds=(0.0, 0.0, 1.0, 1.0),
        width=64,
        height=64,
        fill=fill,
        dtype=dtype,
        blocksize=64,
    )
    with rasterio.open(path) as src:
        data = src.read()
    assert data.dtype == np.dtype(dtype)
    if fill == "zeros":
        assert not data.any()
    else:
        assert len(np.unique(data)) > 1


def test_write_cog_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown fill"):
        write_cog(
            tmp_path / "x.tif", crs_epsg=4326, bounds=(0, 0, 1, 1), width=8, height=8, fill="x"
        )
    with pytest.raises(ValueError, match="positive"):
        write_cog(tmp_path / "x.tif", crs_epsg=4326, bounds=(0, 0, 1, 1), width=0, height=8)
    with pytest.raises(ValueError, match="unknown broken file kind"):
        write_broken_file(tmp_path / "x.tif", "nope")


def test_broken_files_are_what_they_claim(tmp_path: Path) -> None:
    paths = {kind: write_broken_file(tmp_path / f"{kind}.tif", kind) for kind in BROKEN_KINDS}
    with rasterio.open(paths["striped"]) as src:
        assert not src.profile.get("tiled", False)
    with rasterio.open(paths["bad_crs"]) as src:
        assert src.crs.to_epsg() == 2193
    with rasterio.open(paths["small_blocks"]) as src:
        assert src.block_shapes == [(128, 128)]
    with rasterio.open(paths["uneven_blocks"]) as src:
        assert src.block_shapes == [(512, 512)]
        assert src.overviews(1) == [2, 4]
    with rasterio.open(paths["pole"]) as src:
        assert src.bounds.bottom == -90.0
    with rasterio.open(paths["big_header"]) as src:
        assert len(src.tags()["PADDING"]) > 1_048_576
    assert not paths["not_tiff"].read_bytes().startswith((b"II", b"MM"))
    whole = write_cog(
        tmp_path / "whole.tif",
        crs_epsg=32633,
        bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
        width=512,
        height=512,
        fill="noise",
    )
    assert paths["truncated"].read_bytes() == whole.read_bytes()[: whole.stat().st_size // 2]
    damaged, intact = paths["damaged_tile"].read_bytes(), whole.read_bytes()
    assert len(damaged) == len(intact)
    differing = [i for i in range(len(intact)) if damaged[i] != intact[i]]
    assert differing
    assert differing[-1] - differing[0] < 64
