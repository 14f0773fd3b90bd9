"""Write small, real raster files for tests, the demo and benchmarks.

`write_cog` produces a Cloud Optimized GeoTIFF (GDAL's COG driver) with deterministic pixel
values, so that two runs give byte-identical files. `write_broken_file` produces files that break
one BYOC ingestion rule each, for exercising the emulator's failure paths.

Only metadata matters to the emulator's ingestion, so the pixel content is cheap to compute:
a 512 x 512 file takes about ten milliseconds to write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.io import MemoryFile

__all__ = [
    "BROKEN_KINDS",
    "FILLS",
    "S2L2A_BANDS",
    "S2L2A_BOUNDS",
    "S2L2A_EPSG",
    "S2L2A_TILE",
    "S2L2A_TIMES",
    "SAMPLE_BANDS",
    "S2Scene",
    "SampleTile",
    "write_broken_file",
    "write_cog",
    "write_s2l2a_samples",
    "write_samples",
]

#: Pixel patterns accepted by `write_cog(fill=...)`.
FILLS = ("gradient", "zeros", "checkerboard", "noise")

#: Kinds accepted by `write_broken_file`, each breaking one ingestion rule.
BROKEN_KINDS = (
    "striped",
    "bad_crs",
    "small_blocks",
    "uneven_blocks",
    "not_tiff",
    "pole",
    "big_header",
    "truncated",
    "damaged_tile",
)

# A 512 x 512 footprint of 10 m pixels in UTM zone 33N, used by the broken samples.
_UTM_EPSG = 32633
_UTM_BOUNDS = (500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0)


def _pixels(fill: str, count: int, height: int, width: int, dtype: str) -> npt.NDArray[np.generic]:
    """Deterministic pixel values of the given shape and type."""
    if fill not in FILLS:
        raise ValueError(f"unknown fill {fill!r}; choose one of {', '.join(FILLS)}")
    np_dtype = np.dtype(dtype)
    if fill == "zeros":
        return np.zeros((count, height, width), dtype=np_dtype)
    rows = np.arange(height, dtype=np.int64)[:, None]
    cols = np.arange(width, dtype=np.int64)[None, :]
    bands = np.arange(count, dtype=np.int64)[:, None, None]
    if fill == "gradient":
        raw = rows + cols + 37 * bands
    elif fill == "checkerboard":
        raw = (((rows // 16) + (cols // 16)) % 2) * 200 + 10 * bands
    else:  # noise, seeded so that every run writes the same values
        rng = np.random.default_rng(20_240_607)
        raw = rng.integers(0, 250, size=(count, height, width), dtype=np.int64)
    if np_dtype.kind == "f":
        return (raw.astype(np.float64) / 1000.0).astype(np_dtype)
    if np_dtype.kind == "c":
        return raw.astype(np_dtype)
    # Wrap into the non-negative range of the type (capped so that int64 arithmetic holds).
    modulus = min(int(np.iinfo(np_dtype).max) + 1, 2**31)
    return (raw % modulus).astype(np_dtype)


def _north_up(bounds: tuple[float, float, float, float], width: int, height: int) -> Affine:
    """Geotransform of a north-up grid (built directly: affine's ``*`` operator warns)."""
    left, bottom, right, top = bounds
    return Affine((right - left) / width, 0.0, left, 0.0, -(top - bottom) / height, top)


def write_cog(
    path: Path,
    *,
    crs_epsg: int,
    bounds: tuple[float, float, float, float],
    width: int,
    height: int,
    count: int = 1,
    dtype: str = "uint16",
    blocksize: int = 256,
    overviews: bool = True,
    fill: str = "gradient",
    nodata: float | None = None,
    compress: str = "DEFLATE",
    tags: Mapping[str, str] | None = None,
) -> Path:
    """Write a Cloud Optimized GeoTIFF and return its path.

    ``bounds`` is ``(left, bottom, right, top)`` in the units of ``crs_epsg``; pixels are
    north-up. With ``overviews`` the COG driver adds internal overviews, halving the size until
    the smallest one fits in one block. ``tags`` are written as GDAL dataset metadata (they end
    up in the TIFF header, which is how a test gets a header above one megabyte). Parent folders
    are created.
    """
    if width <= 0 or height <= 0 or count <= 0:
        raise ValueError("width, height and count must be positive")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _pixels(fill, count, height, width, dtype)
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": dtype,
        "crs": f"EPSG:{crs_epsg}",
        "transform": _north_up(bounds, width, height),
        "nodata": nodata,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as staging:
            staging.write(data)
            if tags:
                staging.update_tags(**tags)
        with memfile.open() as staged:
            rasterio.shutil.copy(
                staged,
                str(path),
                driver="COG",
                BLOCKSIZE=blocksize,
                COMPRESS=compress,
                OVERVIEWS="AUTO" if overviews else "NONE",
            )
    return path


def _write_gtiff(path: Path, **creation: Any) -> None:
    """A plain GTiff (not COG) of 512 x 512 uint16 pixels in UTM 33N."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": 512,
        "height": 512,
        "count": 1,
        "dtype": "uint16",
        "crs": f"EPSG:{_UTM_EPSG}",
        "transform": _north_up(_UTM_BOUNDS, 512, 512),
        **creation,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(_pixels("gradient", 1, 512, 512, "uint16"))


def write_broken_file(path: Path, kind: str) -> Path:
    """Write a file that breaks exactly one BYOC ingestion rule and return its path.

    Kinds:

    - ``striped``: a georeferenced GeoTIFF stored in strips, not tiles;
    - ``bad_crs``: a valid COG in EPSG:2193 (New Zealand), a CRS the service does not accept;
    - ``small_blocks``: a COG with 128 x 128 internal tiles (the minimum is 256);
    - ``uneven_blocks``: a tiled GeoTIFF with 512 px tiles whose overviews use 256 px tiles;
    - ``not_tiff``: bytes that are not a TIFF at all;
    - ``pole``: a COG in EPSG:4326 whose bounds reach the South Pole (latitude -90);
    - ``big_header``: a COG whose header holds more than 1 MB of GDAL metadata;
    - ``truncated``: a valid COG cut to half its size (an interrupted upload);
    - ``damaged_tile``: a COG whose full-resolution internal tile at block column 1, row 1 has
      its compressed bytes zeroed, so that it no longer decodes.
    """
    if kind == "striped":
        _write_gtiff(path, tiled=False)
    elif kind == "bad_crs":
        write_cog(
            path,
            crs_epsg=2193,
            bounds=(1_700_000.0, 5_900_000.0, 1_705_120.0, 5_905_120.0),
            width=512,
            height=512,
        )
    elif kind == "small_blocks":
        write_cog(
            path, crs_epsg=_UTM_EPSG, bounds=_UTM_BOUNDS, width=512, height=512, blocksize=128
        )
    elif kind == "uneven_blocks":
        with rasterio.Env(GDAL_TIFF_OVR_BLOCKSIZE=256):
            _write_gtiff(path, tiled=True, blockxsize=512, blockysize=512)
            with rasterio.open(path, "r+") as dst:
                dst.build_overviews([2, 4])
    elif kind == "not_tiff":
        path.parent.mkdir(parents=True, exist_ok=True)
        noise = np.random.default_rng(7).integers(0, 256, size=4096, dtype=np.uint8).tobytes()
        path.write_bytes(b"This is not a TIFF file.\n" + noise)
    elif kind == "pole":
        write_cog(path, crs_epsg=4326, bounds=(10.0, -90.0, 20.0, -80.0), width=256, height=256)
    elif kind == "big_header":
        write_cog(
            path,
            crs_epsg=_UTM_EPSG,
            bounds=_UTM_BOUNDS,
            width=512,
            height=512,
            tags={"PADDING": "0123456789abcdef" * 70_000},  # 1.12 MB of metadata
        )
    elif kind == "truncated":
        write_cog(path, crs_epsg=_UTM_EPSG, bounds=_UTM_BOUNDS, width=512, height=512, fill="noise")
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "damaged_tile":
        write_cog(path, crs_epsg=_UTM_EPSG, bounds=_UTM_BOUNDS, width=512, height=512, fill="noise")
        with rasterio.open(path) as src:
            offset = int(src.get_tag_item("BLOCK_OFFSET_1_1", "TIFF", bidx=1))
            size = int(src.get_tag_item("BLOCK_SIZE_1_1", "TIFF", bidx=1))
        with path.open("r+b") as fh:
            fh.seek(offset)
            fh.write(bytes(min(size, 64)))
    else:
        raise ValueError(f"unknown broken file kind {kind!r}; choose one of {BROKEN_KINDS}")
    return path


#: The bands of the sample tiles: one single-band uint16 file each.
SAMPLE_BANDS = ("B02", "B03", "B04")


@dataclass(frozen=True)
class SampleTile:
    """A tile `write_samples` wrote: the path to register and what to expect of it."""

    path: str
    expect: str


def write_samples(bucket_dir: Path) -> list[SampleTile]:
    """Write ready sample tiles into a bucket folder; the tiles to register.

    Three tiles of three bands (``B02``, ``B03``, ``B04``: 512 x 512 uint16 COGs at 10 m in UTM
    zone 33N), one per month from ``2024/05/tile_(BAND).tif`` (the README's example path), and
    ``broken/tile_(BAND).tif``, whose files are not internally tiled, so that its ingestion
    fails on purpose. Files are rewritten when present (the same bytes every time).
    """
    tiles = []
    for month, (east, north) in zip(
        ("05", "06", "07"),
        ((500_000.0, 5_000_000.0), (505_120.0, 5_000_000.0), (500_000.0, 5_005_120.0)),
        strict=True,
    ):
        path = f"2024/{month}/tile_(BAND).tif"
        for index, band in enumerate(SAMPLE_BANDS):
            write_cog(
                bucket_dir / path.replace("(BAND)", band),
                crs_epsg=_UTM_EPSG,
                bounds=(east, north, east + 5_120.0, north + 5_120.0),
                width=512,
                height=512,
                fill=("gradient", "checkerboard", "noise")[index],
            )
        tiles.append(SampleTile(path, "INGESTED"))
    broken = "broken/tile_(BAND).tif"
    for band in SAMPLE_BANDS:
        write_broken_file(bucket_dir / broken.replace("(BAND)", band), "striped")
    tiles.append(SampleTile(broken, "FAILED (its files are stored in strips, not tiles)"))
    return tiles


# ---------------------------------------------------------------------------------------------
# A synthetic Sentinel-2 L2A scene set, served as ``sentinel-2-l2a``

#: Where the synthetic Sentinel-2 L2A scenes lie: 1920 m square in UTM zone 33N.
S2L2A_EPSG = 32633
S2L2A_BOUNDS = (600_000.0, 5_100_000.0, 601_920.0, 5_101_920.0)
#: The MGRS-like tile name of their folder.
S2L2A_TILE = "33TWM"
#: Their sensing times (UTC), oldest first; the folder names leave out the colons.
S2L2A_TIMES = ("2024-05-05T10:00:31Z", "2024-05-15T10:00:29Z", "2024-05-25T10:00:31Z")
#: Their spectral bands at their resolution (m), as the service names them; SCL is at 20 m.
S2L2A_BANDS = {
    "B01": 60,
    "B02": 10,
    "B03": 10,
    "B04": 10,
    "B05": 20,
    "B06": 20,
    "B07": 20,
    "B08": 10,
    "B8A": 20,
    "B09": 60,
    "B11": 20,
    "B12": 20,
}
# Surface reflectance x 10000 per class, in the order of S2L2A_BANDS.
_SPECTRA = {
    "vegetation": (300, 400, 700, 350, 1100, 2700, 3200, 3500, 3600, 1100, 1900, 900),
    "soil": (900, 1100, 1400, 1700, 1900, 2100, 2250, 2400, 2500, 2000, 3100, 2600),
    "water": (700, 600, 500, 300, 250, 200, 180, 150, 140, 90, 50, 30),
    "cloud": (6500, 7000, 7100, 7200, 7300, 7400, 7500, 7600, 7600, 3000, 4500, 3500),
}
# Scene classification (SCL) values used.
_SCL = {"no_data": 0, "shadow": 3, "vegetation": 4, "soil": 5, "water": 6, "cloud": 9}
_NIR = ("B06", "B07", "B08", "B8A")


@dataclass(frozen=True)
class S2Scene:
    """A scene `write_s2l2a_samples` wrote: its folder (relative to the folder given), its
    sensing time and its cloud coverage (percent of its pixels with data)."""

    folder: str
    sensing_time: str
    cloud_coverage: float


def _write_array_cog(
    path: Path, data: npt.NDArray[Any], bounds: tuple[float, float, float, float]
) -> None:
    """One band as a COG in UTM 33N with no-data 0 (as the service's Sentinel-2 files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = data.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": data.dtype.name,
        "crs": f"EPSG:{S2L2A_EPSG}",
        "transform": _north_up(bounds, width, height),
        "nodata": 0,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as staging:
            staging.write(data[None, :, :])
        with memfile.open() as staged:
            rasterio.shutil.copy(staged, str(path), driver="COG", BLOCKSIZE=256, COMPRESS="DEFLATE")


def _s2_classes(date: int, size: int) -> npt.NDArray[np.str_]:
    """The class of each 10 m pixel on one date: soil, vegetation, a river and a lake, and
    the date's clouds with their shadows; date 0 misses its western strip (no data)."""
    rows = np.arange(size, dtype=np.float64)[:, None]
    cols = np.arange(size, dtype=np.float64)[None, :]
    classes = np.full((size, size), "vegetation", dtype="<U10")
    classes[(rows < 60) & (cols < 70)] = "soil"
    river = np.abs(cols - (120 + 10 * np.sin(rows / 20))) < 8
    lake = (rows - 150) ** 2 + (cols - 40) ** 2 < 18**2
    classes[river | lake] = "water"
    clouds = ((50.0, 60.0, 25.0), (150.0, 150.0, 15.0), None)[date]
    if clouds is not None:
        row, col, radius = clouds
        shadow = (rows - row - 14) ** 2 + (cols - col - 14) ** 2 < radius**2
        cloud = (rows - row) ** 2 + (cols - col) ** 2 < radius**2
        classes[shadow & ~cloud] = "shadow"
        classes[cloud] = "cloud"
    if date == 0:
        classes[:, :24] = "no_data"
    return classes


def _s2_band(
    classes: npt.NDArray[np.str_], band: int, name: str, date: int, rng: np.random.Generator
) -> npt.NDArray[np.uint16]:
    values = np.zeros(classes.shape, dtype=np.float64)
    for label, spectrum in _SPECTRA.items():
        level = float(spectrum[band])
        if label == "vegetation" and name in _NIR:
            level *= (0.85, 1.0, 1.12)[date]  # the crop grows
        if label == "vegetation" and name == "B04":
            level *= (1.15, 1.0, 0.9)[date]
        values[classes == label] = level
    values[classes == "shadow"] = 0.4 * _SPECTRA["vegetation"][band]
    values *= 1 + 0.03 * rng.standard_normal(classes.shape)
    values = np.clip(np.rint(values), 1, 65535)
    values[classes == "no_data"] = 0
    return values.astype(np.uint16)


def _coarsen(data: npt.NDArray[Any], factor: int) -> npt.NDArray[Any]:
    """Block means (rounded) of ``factor`` x ``factor`` pixels."""
    if factor == 1:
        return data
    height, width = data.shape
    blocks = data.reshape(height // factor, factor, width // factor, factor).astype(np.float64)
    means: npt.NDArray[Any] = np.rint(blocks.mean(axis=(1, 3))).astype(data.dtype)
    return means


def write_s2l2a_samples(folder: Path) -> list[S2Scene]:
    """Write a small synthetic Sentinel-2 L2A scene set for ``--collection-data`` and return
    its scenes.

    Three dates (`S2L2A_TIMES`) of tile `S2L2A_TILE` over `S2L2A_BOUNDS` (1920 m in UTM zone
    33N), laid out as ``--collection-data`` reads them: ``<tile>/<YYYY-MM-DDTHHMMSS>/<BAND>.tif``
    with a ``metadata.json`` holding ``cloudCoverage``. Bands B01..B12 (no B10) and B8A as
    uint16 reflectance x 10000 at their native resolution (10, 20 or 60 m) and SCL as uint8 at
    20 m, no-data 0 in every file. The land: bare soil in the north-west, a river and a lake
    (low B08), vegetation elsewhere (high B08, growing from date to date); clouds (SCL 9) with
    their shadows (SCL 3) on the first two dates; the first date misses a 240 m strip in the
    west (every band 0, SCL 0). Deterministic: the same bytes every time.
    """
    size = int((S2L2A_BOUNDS[2] - S2L2A_BOUNDS[0]) / 10)
    scenes = []
    for date, moment in enumerate(S2L2A_TIMES):
        stamp = moment.rstrip("Z").replace(":", "")
        scene = folder / S2L2A_TILE / stamp
        classes = _s2_classes(date, size)
        rng = np.random.default_rng(20_240_505 + date)
        for index, (name, resolution) in enumerate(S2L2A_BANDS.items()):
            band = _s2_band(classes, index, name, date, rng)
            _write_array_cog(scene / f"{name}.tif", _coarsen(band, resolution // 10), S2L2A_BOUNDS)
        scl = np.zeros(classes.shape, dtype=np.uint8)
        for label, value in _SCL.items():
            scl[classes == label] = value
        _write_array_cog(scene / "SCL.tif", scl[::2, ::2].copy(), S2L2A_BOUNDS)
        with_data = classes != "no_data"
        cover = round(100.0 * float((classes == "cloud").sum()) / float(with_data.sum()), 2)
        (scene / "metadata.json").write_text(
            json.dumps({"cloudCoverage": cover}) + "\n", encoding="utf-8"
        )
        scenes.append(S2Scene(f"{S2L2A_TILE}/{stamp}", moment, cover))
    return scenes
