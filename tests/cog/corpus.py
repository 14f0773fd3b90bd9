"""Files for the COG tests, written here with rasterio (GDAL's GTiff and COG drivers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
from affine import Affine
from rasterio.io import MemoryFile
from rasterio.shutil import copy as gdal_copy

#: 10 m pixels in UTM 33N, 45 N.
UTM = 32633
UTM_ORIGIN = (500_000.0, 5_000_000.0)

#: A valid place in each accepted CRS family: (epsg, left, bottom, pixel size).
PLACES: dict[int, tuple[float, float, float]] = {
    4326: (15.0, 45.0, 0.0001),
    3857: (1_669_792.0, 5_621_521.0, 10.0),
    3035: (4_500_000.0, 2_500_000.0, 10.0),
    32633: (500_000.0, 5_000_000.0, 10.0),
    32733: (500_000.0, 5_000_000.0, 10.0),
}


def pixels(count: int, height: int, width: int, dtype: str) -> npt.NDArray[Any]:
    """A smooth gradient (compresses well, and overviews differ from the full image)."""
    rows = np.arange(height, dtype="float64")[:, None]
    cols = np.arange(width, dtype="float64")[None, :]
    band = (rows + cols) % 200 + 1
    return np.stack([band + i for i in range(count)]).astype(dtype)


def north_up(bounds: tuple[float, float, float, float], width: int, height: int) -> Affine:
    """The transform of a north-up raster with these bounds (left, bottom, right, top)."""
    left, bottom, right, top = bounds
    return Affine((right - left) / width, 0.0, left, 0.0, -(top - bottom) / height, top)


def profile(
    width: int, height: int, *, count: int = 1, dtype: str = "uint16", epsg: int = UTM, **extra: Any
) -> dict[str, Any]:
    left, bottom, size = PLACES.get(epsg, (*UTM_ORIGIN, 10.0))
    return {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": dtype,
        "crs": f"EPSG:{epsg}",
        "transform": north_up(
            (left, bottom, left + width * size, bottom + height * size), width, height
        ),
        **extra,
    }


def write_cog(
    path: Path,
    *,
    width: int = 512,
    height: int = 512,
    count: int = 1,
    dtype: str = "uint16",
    epsg: int = UTM,
    blocksize: int = 256,
    data: npt.NDArray[Any] | None = None,
    nodata: float | None = None,
    transform: Any = None,
    crs: str | None = None,
    tags: dict[str, str] | None = None,
    overviews: str = "AUTO",
) -> Path:
    """A COG through GDAL's COG driver (overviews with the same block size)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = profile(width, height, count=count, dtype=dtype, epsg=epsg)
    meta["driver"] = "GTiff"
    if transform is not None:
        meta["transform"] = transform
    if crs is not None:
        meta["crs"] = crs
    if nodata is not None:
        meta["nodata"] = nodata
    values = pixels(count, height, width, dtype) if data is None else data
    with MemoryFile() as memory, memory.open(**meta) as mem:
        mem.write(values if values.ndim == 3 else values[None])
        if tags:
            mem.update_tags(**tags)
        gdal_copy(
            mem,
            str(path),
            driver="COG",
            BLOCKSIZE=blocksize,
            OVERVIEWS=overviews,
            COMPRESS="DEFLATE",
        )
    return path


def write_gtiff(
    path: Path,
    *,
    width: int = 512,
    height: int = 512,
    dtype: str = "uint16",
    epsg: int = UTM,
    tiled: bool = True,
    blocksize: int = 256,
    overview_blocksize: int | None = None,
    overviews: tuple[int, ...] = (),
) -> Path:
    """A plain GeoTIFF: striped or tiled, with overviews whose block size may differ."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = profile(width, height, dtype=dtype, epsg=epsg)
    if tiled:
        meta.update(tiled=True, blockxsize=blocksize, blockysize=blocksize)
    env = {"GDAL_TIFF_OVR_BLOCKSIZE": overview_blocksize or blocksize}
    with rasterio.Env(**env), rasterio.open(path, "w", **meta) as dst:
        dst.write(pixels(1, height, width, dtype))
        if overviews:
            dst.build_overviews(list(overviews))
    return path
